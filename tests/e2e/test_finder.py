"""A référent makes the collectivité visible, then finds another visible collectivité working in
the same country, without JavaScript being needed for the search."""

import pytest
from playwright.sync_api import expect

from partnerships.models import FinderProfile, Partnership
from partnerships.services import set_finder_visibility
from tests.e2e.helpers import check_page
from tests.factories import CollectiviteFactory, MembershipFactory

pytestmark = pytest.mark.e2e


def test_a_referent_makes_the_collectivite_visible_and_finds_another(
    new_page, collectivite, referent
):
    Partnership.objects.create(
        collectivite=collectivite,
        partner_name="Commune de Podor",
        country="SN",
        kind="cooperation",
        themes=["eau"],
    )
    lyon = CollectiviteFactory(name="Métropole de Lyon", kind="metropole", population=1_400_000)
    Partnership.objects.create(
        collectivite=lyon,
        partner_name="Ville de Dakar",
        country="SN",
        partner_area="Dakar",
        kind="cooperation",
        themes=["eau", "sante"],
        yearly_budget=98765,
        contact="Awa Diop",
    )
    set_finder_visibility(
        collectivite=lyon,
        visible=True,
        contact_email="international@lyon.localhost",
        by=MembershipFactory(collectivite=lyon, role="referent").user,
    )

    page = new_page(referent)
    page.goto(f"/collectivites/{collectivite.public_id}/partenariats/")
    section = page.get_by_role("region", name="Mutualiser avec d’autres collectivités")
    expect(section).to_contain_text("n’est pas visible")
    check_page(page, "registry, not visible")
    section.get_by_label("Rendre notre collectivité visible").check()
    section.get_by_label("Adresse de contact à afficher").fill("international@exemple.localhost")
    section.get_by_role("button", name="Enregistrer ce choix").click()
    expect(page.get_by_role("status")).to_contain_text("désormais visible")
    assert FinderProfile.objects.get(collectivite=collectivite).visible
    check_page(page, "registry, visible")

    page.get_by_role(
        "link", name="Trouver d’autres collectivités dans nos pays partenaires"
    ).click()
    expect(page.get_by_label("Pays")).to_have_values(["SN"])
    page.get_by_label("Thématique").select_option(label="Eau et assainissement")
    page.get_by_role("button", name="Rechercher").click()
    results = page.get_by_role(
        "table", name="Partenariats actifs des autres collectivités visibles"
    )
    expect(results).to_contain_text("Métropole de Lyon")
    expect(results).to_contain_text("international@lyon.localhost")
    expect(results).not_to_contain_text("Awa Diop")
    expect(results).not_to_contain_text(collectivite.name)
    check_page(page, "finder results")
