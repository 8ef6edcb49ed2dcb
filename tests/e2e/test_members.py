"""A référent changes a member's role through the confirmation page, with the keyboard, and the
pages of members and invitations pass the accessibility checks."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from accounts.services import invitation_token, invite_member
from tests.e2e.helpers import check_page
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_a_referent_changes_a_role_after_confirming_it_with_the_keyboard(
    new_page, collectivite, referent, agent
):
    invite_member(
        collectivite=collectivite,
        email="invitee@exemple.localhost",
        role="elu",
        by=referent,
        base_url="http://testserver",
    )
    page = new_page(referent)
    page.goto(f"/collectivites/{collectivite.public_id}/membres/")
    expect(
        page.get_by_role("table", name="Invitations envoyées et pas encore acceptées")
    ).to_be_visible()
    check_page(page, "members page with a pending invitation and the journal")

    link = page.get_by_role("link", name=f"Changer le rôle de {agent.display_name}")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Changer le rôle de {agent.display_name}"
    )
    check_page(page, "role change confirmation")
    page.get_by_label("Nouveau rôle").select_option(label="Élu")
    page.get_by_role("button", name="Confirmer le changement de rôle").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"Rôle de {agent.display_name}\u00a0: Élu.")
    assert Membership.objects.get(user=agent, collectivite=collectivite).role == "elu"

    # The last référent is refused, and the refusal is announced.
    page.get_by_role("link", name=f"Changer le rôle de {referent.display_name}").click()
    page.get_by_label("Nouveau rôle").select_option(label="Agent")
    page.get_by_role("button", name="Confirmer le changement de rôle").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("au moins un référent AEICT")
    expect(summary).to_be_focused()
    check_page(page, "role change refused")


def test_an_invitation_opened_with_another_account_offers_to_log_out(
    new_page, collectivite, referent
):
    invited = UserFactory(email="invitee@exemple.localhost")
    invitation = invite_member(
        collectivite=collectivite,
        email=invited.email,
        role="agent",
        by=referent,
        base_url="http://testserver",
    )
    link = f"/invitation/{invitation_token(invitation)}/"
    page = new_page(UserFactory())
    page.goto(link)
    expect(page.get_by_role("main")).to_contain_text(invited.email)
    check_page(page, "invitation for another account")
    page.get_by_role("button", name="Me déconnecter et continuer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    assert link in page.url
