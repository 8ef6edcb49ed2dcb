"""The members page of a référent: the tables, role changes, removals, resending and revoking
invitations, and what the pages answer to bad input."""

import re
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, MemberEvent, Membership
from accounts.services import invite_member
from tests.factories import DiagnosticFactory, MembershipFactory


def members_url(collectivite):
    return reverse("members", args=[collectivite.public_id])


def role_url(membership):
    return reverse("member_role", args=[membership.collectivite.public_id, membership.public_id])


def remove_url(membership):
    return reverse("member_remove", args=[membership.collectivite.public_id, membership.public_id])


def resend_url(invitation):
    return reverse(
        "invitation_resend", args=[invitation.collectivite.public_id, invitation.public_id]
    )


def revoke_url(invitation):
    return reverse(
        "invitation_revoke", args=[invitation.collectivite.public_id, invitation.public_id]
    )


def invitation_link(message) -> str:
    return re.search(r"http://testserver(/invitation/[^\s]+/)", message.body).group(1)


def invite(collectivite, by, email="invitee@exemple.localhost", role="agent"):
    return invite_member(
        collectivite=collectivite, email=email, role=role, by=by, base_url="http://testserver"
    )


def membership_of(user, collectivite):
    return Membership.objects.get(user=user, collectivite=collectivite)


# --- The page -----------------------------------------------------------------------------------


def test_the_page_lists_members_pending_invitations_and_the_journal(
    client, collectivite, referent, agent
):
    agent.last_login = timezone.now()
    agent.save(update_fields=["last_login"])
    invitation = invite(collectivite, referent, role="elu")
    client.force_login(referent)

    content = client.get(members_url(collectivite)).content.decode()

    assert agent.email in content
    assert "jamais" not in content.split(agent.email)[1].split("</tr>")[0]
    assert role_url(membership_of(agent, collectivite)) in content
    assert remove_url(membership_of(agent, collectivite)) in content
    pending = content.split("Invitations en attente")[1]
    assert invitation.email in pending
    assert referent.display_name in pending
    assert resend_url(invitation) in pending
    assert revoke_url(invitation) in pending
    assert "Dernières modifications" in content
    assert "Invitation envoyée" in content.split("Dernières modifications")[1]


def test_the_page_marks_an_expired_invitation_which_can_still_be_resent(
    client, collectivite, referent
):
    invitation = invite(collectivite, referent)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=30)
    )
    client.force_login(referent)
    content = client.get(members_url(collectivite)).content.decode()
    assert "expiré" in content
    assert resend_url(invitation) in content


def test_the_page_s_query_count_does_not_grow_with_members(client, collectivite, referent):
    client.force_login(referent)
    invite(collectivite, referent, email="une@exemple.localhost")
    with CaptureQueriesContext(connection) as one:
        assert client.get(members_url(collectivite)).status_code == 200
    for index in range(9):
        user = MembershipFactory(collectivite=collectivite, role="agent").user
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        invite(collectivite, referent, email=f"invitee{index}@exemple.localhost")
    with CaptureQueriesContext(connection) as ten:
        page = client.get(members_url(collectivite))
    assert page.content.decode().count("Changer le rôle<") == 10
    assert len(one.captured_queries) == len(ten.captured_queries)


# --- Inviting -----------------------------------------------------------------------------------


def test_inviting_a_member_is_refused_with_a_form_error(client, collectivite, referent, agent):
    client.force_login(referent)
    response = client.post(members_url(collectivite), {"email": agent.email, "role": "elu"})
    assert response.status_code == 400
    assert "déjà membre de la collectivité" in response.content.decode()
    assert 'href="#id_email"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_inviting_an_address_already_invited_points_to_resend(client, collectivite, referent):
    invite(collectivite, referent)
    client.force_login(referent)
    response = client.post(
        members_url(collectivite), {"email": "invitee@exemple.localhost", "role": "agent"}
    )
    assert response.status_code == 400
    assert "renvoyez-la" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_someone_of_another_collectivite_joins_after_logging_in(
    client, collectivite, referent, outsider, django_capture_on_commit_callbacks
):
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            members_url(collectivite), {"email": outsider.email.upper(), "role": "elu"}
        )
    assert response.status_code == 302
    message = mail.outbox[0]
    assert "en tant qu’élu." in message.body
    assert collectivite.name in message.body
    link = invitation_link(message)
    client.logout()

    response = client.get(link)
    assert response.url == f"{reverse('login')}?next={link}"
    response = client.post(
        response.url, {"username": outsider.email, "password": "mot-de-passe-de-test"}
    )
    assert response.status_code == 302
    assert response.url == link
    page = client.get(link)
    assert "en tant qu’élu" in page.content.decode()
    assert client.post(link).status_code == 302

    assert membership_of(outsider, collectivite).role == "elu"
    assert outsider.memberships.count() == 2
    client.force_login(referent)
    assert "Invitation acceptée" in client.get(members_url(collectivite)).content.decode()


@pytest.mark.parametrize(
    ("role", "wording"),
    [
        ("agent", "en tant qu’agent."),
        ("elu", "en tant qu’élu."),
        ("referent", "en tant que référent AEICT."),
    ],
)
def test_the_mail_names_the_role_with_the_right_article(
    collectivite, referent, role, wording, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(collectivite, referent, role=role)
    body = mail.outbox[0].body
    assert f"rejoindre le Diagnostic AEICT de {collectivite.name} {wording}" in body


# --- Changing a role ----------------------------------------------------------------------------


def test_a_role_changes_after_a_confirmation_page(client, collectivite, referent, agent):
    client.force_login(referent)
    url = role_url(membership_of(agent, collectivite))
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Confirmer le changement de rôle" in content
    assert 'for="id_role"' in content
    assert membership_of(agent, collectivite).role == "agent"

    response = client.post(url, {"role": "elu"}, follow=True)

    assert response.redirect_chain[-1][0] == members_url(collectivite)
    assert membership_of(agent, collectivite).role == "elu"
    assert f"Rôle de {agent.display_name}\u00a0: Élu." in response.content.decode()


def test_the_last_referent_is_kept_with_a_french_message(client, collectivite, referent):
    client.force_login(referent)
    response = client.post(role_url(membership_of(referent, collectivite)), {"role": "agent"})
    assert response.status_code == 409
    content = response.content.decode()
    assert "au moins un référent AEICT\u00a0: désignez d’abord un autre référent" in content
    assert "data-error-summary" in content
    assert membership_of(referent, collectivite).role == "referent"


def test_a_referent_who_gives_up_the_role_goes_to_the_dashboard(client, collectivite, referent):
    MembershipFactory(collectivite=collectivite, role="referent")
    client.force_login(referent)
    response = client.post(role_url(membership_of(referent, collectivite)), {"role": "agent"})
    assert response.url == reverse("dashboard")
    assert client.get(members_url(collectivite)).status_code == 403


@pytest.mark.parametrize("data", [{}, {"role": "roi"}, {"role": ""}])
def test_a_bad_role_is_a_form_error(client, collectivite, referent, agent, data):
    client.force_login(referent)
    response = client.post(role_url(membership_of(agent, collectivite)), data)
    assert response.status_code == 400
    assert membership_of(agent, collectivite).role == "agent"
    assert not MemberEvent.objects.exists()


def test_an_unknown_or_foreign_member_id_is_not_found(client, collectivite, referent, outsider):
    client.force_login(referent)
    foreign = outsider.memberships.get()
    for url in [
        reverse("member_role", args=[collectivite.public_id, uuid.uuid4()]),
        reverse("member_remove", args=[collectivite.public_id, uuid.uuid4()]),
        reverse("member_role", args=[collectivite.public_id, foreign.public_id]),
        reverse("member_remove", args=[collectivite.public_id, foreign.public_id]),
    ]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"role": "elu"}).status_code == 404, url
    assert (
        client.get(f"/collectivites/{collectivite.public_id}/membres/12/role/").status_code == 404
    )
    assert foreign.role == membership_of(outsider, foreign.collectivite).role


# --- Removing a member --------------------------------------------------------------------------


def test_a_removed_member_loses_access_at_once(client, collectivite, referent, agent, catalogue):
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent
    )
    overview = reverse("diagnostic_overview", args=[diagnostic.public_id])
    client.force_login(agent)
    assert client.get(overview).status_code == 200
    referent_client = type(client)()
    referent_client.force_login(referent)
    url = remove_url(membership_of(agent, collectivite))
    page = referent_client.get(url)
    assert "Confirmer le retrait" in page.content.decode()

    response = referent_client.post(url, follow=True)

    assert f"{agent.display_name} ne fait plus partie de" in response.content.decode()
    # The agent's session is still open; the next page is already closed to them.
    assert client.get(overview).status_code == 404


def test_the_last_referent_cannot_be_removed_from_the_page(client, collectivite, referent):
    client.force_login(referent)
    response = client.post(remove_url(membership_of(referent, collectivite)))
    assert response.status_code == 409
    assert "au moins un référent AEICT" in response.content.decode()
    assert membership_of(referent, collectivite)


def test_removing_a_referent_kills_their_pending_invitation_end_to_end(
    client, collectivite, referent, django_capture_on_commit_callbacks
):
    leaving = MembershipFactory(collectivite=collectivite, role="referent")
    client.force_login(leaving.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            members_url(collectivite), {"email": "perso@exemple.localhost", "role": "referent"}
        )
    link = invitation_link(mail.outbox[0])
    client.force_login(referent)
    assert client.post(remove_url(leaving)).status_code == 302
    content = client.get(members_url(collectivite)).content.decode()
    assert "perso@exemple.localhost" in content.split("Dernières modifications")[1]
    assert "Invitation révoquée" in content
    client.logout()

    assert client.get(link).status_code == 404
    response = client.post(
        link,
        {
            "full_name": "X",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user__email="perso@exemple.localhost").exists()


# --- Resending and revoking ---------------------------------------------------------------------


def test_resending_mails_a_new_link_and_the_old_one_dies(
    client, collectivite, referent, django_capture_on_commit_callbacks
):
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(members_url(collectivite), {"email": "x@exemple.localhost", "role": "agent"})
    old_link = invitation_link(mail.outbox[0])
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend_url(invitation), follow=True)
    assert "Nouvelle invitation envoyée à x@exemple.localhost" in response.content.decode()
    new_link = invitation_link(mail.outbox[1])
    assert new_link != old_link
    client.logout()
    assert client.get(old_link).status_code == 404
    assert "Créer mon compte" in client.get(new_link).content.decode()


def test_resending_counts_against_the_invitation_limit(client, collectivite, referent, settings):
    invitation = invite(collectivite, referent)
    settings.INVITATION_LIMIT_PER_USER = 0
    client.force_login(referent)
    response = client.post(resend_url(invitation), follow=True)
    assert "beaucoup d’invitations en peu de temps" in response.content.decode()
    assert Invitation.objects.get().revoked_at is None


def test_revoking_kills_the_link_and_a_second_click_says_so(
    client, collectivite, referent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(collectivite, referent)
    link = invitation_link(mail.outbox[0])
    client.force_login(referent)
    response = client.post(revoke_url(invitation), follow=True)
    assert "Invitation de invitee@exemple.localhost révoquée" in response.content.decode()
    response = client.post(revoke_url(invitation), follow=True)
    assert "déjà été acceptée ou révoquée" in response.content.decode()
    response = client.post(resend_url(invitation), follow=True)
    assert "déjà été acceptée ou révoquée" in response.content.decode()
    client.logout()
    assert client.get(link).status_code == 404


def test_resend_and_revoke_are_post_only_and_know_only_their_collectivite(
    client, collectivite, referent, outsider
):
    foreign = invite(outsider.memberships.get().collectivite, outsider)
    mine = invite(collectivite, referent)
    client.force_login(referent)
    for url in [resend_url(mine), revoke_url(mine)]:
        assert client.get(url).status_code == 405
    for name in ["invitation_resend", "invitation_revoke"]:
        for invitation_id in [uuid.uuid4(), foreign.public_id]:
            url = reverse(name, args=[collectivite.public_id, invitation_id])
            assert client.post(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


@pytest.mark.parametrize("role", ["agent", "elu"])
def test_members_who_are_not_referent_get_403_everywhere(client, collectivite, referent, role):
    user = MembershipFactory(collectivite=collectivite, role=role).user
    invitation = invite(collectivite, referent)
    target = membership_of(referent, collectivite)
    client.force_login(user)
    for url in [role_url(target), remove_url(target)]:
        assert client.get(url).status_code == 403
        assert client.post(url, {"role": "agent"}).status_code == 403
    for url in [resend_url(invitation), revoke_url(invitation)]:
        assert client.post(url).status_code == 403
    assert target.role == membership_of(referent, collectivite).role == "referent"
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_outsiders_get_404_and_anonymous_users_the_login(client, collectivite, referent, outsider):
    invitation = invite(collectivite, referent)
    target = membership_of(referent, collectivite)
    urls = [role_url(target), remove_url(target), resend_url(invitation), revoke_url(invitation)]
    for url in urls:
        assert client.post(url).url.startswith(reverse("login"))
    client.force_login(outsider)
    for url in urls:
        assert client.post(url).status_code == 404
