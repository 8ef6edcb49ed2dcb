"""The registry from end to end: a référent enters three partnerships (one by CSV import), makes
the collectivité visible, finds another visible collectivité in the same country, and the
diagnostic's recommendation 1 shows the registry's counts; then a member of the « Observatoire »
group opens the national observatory and downloads a table as CSV. axe finds no violation."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from observatory.models import GROUP_NAME
from partnerships.models import FinderProfile, Partnership
from partnerships.services import set_finder_visibility
from tests.e2e.helpers import check_page, screenshot
from tests.factories import CollectiviteFactory, DiagnosticFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.e2e

CSV = (
    "partenaire;pays;type;thematiques;etat;signe_le\r\n"
    "Ville de Kindia;Guinée;Coopération décentralisée;eau;actif;14/07/2019\r\n"
).encode()


def add_by_form(page, collectivite, name, country, kind):
    page.goto(f"/collectivites/{collectivite.public_id}/partenariats/nouveau/")
    page.get_by_label("Partenaire étranger").fill(name)
    page.get_by_label("Pays").select_option(label=country)
    page.get_by_label("Type de partenariat").select_option(label=kind)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text(f"Partenariat avec {name} enregistré")


def test_the_registry_feeds_the_finder_the_diagnostic_and_the_observatory(
    new_page, catalogue, collectivite, referent, tmp_path
):
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent
    )
    lyon = CollectiviteFactory(name="Métropole de Lyon", kind="metropole", population=1_400_000)
    Partnership.objects.create(
        collectivite=lyon,
        partner_name="Ville de Dakar",
        country="SN",
        kind="cooperation",
        themes=["eau"],
    )
    set_finder_visibility(
        collectivite=lyon,
        visible=True,
        contact_email="international@lyon.localhost",
        by=MembershipFactory(collectivite=lyon, role="referent").user,
    )

    page = new_page(referent)
    add_by_form(page, collectivite, "Commune de Podor", "Sénégal", "Coopération décentralisée")
    check_page(page, "registry after a partnership added")
    add_by_form(page, collectivite, "Cité de Québec", "Canada", "Jumelage")
    page.goto(f"/collectivites/{collectivite.public_id}/partenariats/")
    upload = tmp_path / "partenariats.csv"
    upload.write_bytes(CSV)
    page.get_by_label("Fichier CSV").set_input_files(str(upload))
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("status")).to_contain_text("importé")
    assert Partnership.objects.filter(collectivite=collectivite).count() == 3

    section = page.get_by_role("region", name="Mutualiser avec d’autres collectivités")
    section.get_by_label("Rendre notre collectivité visible").check()
    section.get_by_role("button", name="Enregistrer ce choix").click()
    expect(page.get_by_role("status")).to_contain_text("désormais visible")
    assert FinderProfile.objects.get(collectivite=collectivite).visible

    page.get_by_role(
        "link", name="Trouver d’autres collectivités dans nos pays partenaires"
    ).click()
    page.get_by_role("button", name="Rechercher").click()
    results = page.get_by_role(
        "table", name="Partenariats actifs des autres collectivités visibles"
    )
    expect(results).to_contain_text("Métropole de Lyon")
    expect(results).to_contain_text("Sénégal")
    check_page(page, "finder results")

    page.goto(f"/diagnostics/{diagnostic.public_id}/preconisations/1/")
    card = page.locator("#q-R1\\.Q6")
    expect(card).to_contain_text("3 partenariats actifs")
    expect(card).to_contain_text("D’après le registre des partenariats au")
    expect(page.locator("#q-R1\\.Q7")).to_contain_text("1 jumelage")
    expect(page.locator("#q-R1\\.Q8")).to_contain_text("Canada, Guinée, Sénégal")
    expect(page.locator("[name='R1.Q6-value']")).to_have_count(0)
    check_page(page, "recommendation 1 fed by the registry")

    # The group comes from a data migration; the database is emptied between browser tests.
    group, _created = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.set(Permission.objects.filter(codename="view_observatory"))
    network = UserFactory(email="observatoire@franceurbaine.localhost")
    network.groups.add(group)
    # Five communes with a submitted diagnostic: the first table has a figure to show.
    for score in [20, 40, 50, 60, 80]:
        DiagnosticFactory(
            collectivite=CollectiviteFactory(),
            catalogue=catalogue,
            status="soumis",
            year=2026,
            submitted_at=timezone.now(),
            overall_score=score,
            is_latest_submitted=True,
        )
    observer = new_page(network)
    observer.get_by_role("link", name="Consulter l’observatoire national").click()
    expect(observer.get_by_role("heading", level=1)).to_contain_text("Observatoire national")
    table = observer.get_by_role(
        "table", name="Collectivités ayant soumis un diagnostic, par type et par taille"
    )
    expect(table).to_contain_text("Commune")
    expect(observer.get_by_role("region", name="Repères de l’étude")).to_contain_text("10\u00a0440")
    check_page(observer, "observatory")
    screenshot(observer, "observatoire")
    with observer.expect_download() as download:
        observer.get_by_role(
            "link",
            name=re.compile(r"^Télécharger le tableau en CSV\W+Partenariats actifs par pays$"),
        ).click()
    content = download.value.path().read_bytes().decode("utf-8-sig")
    assert content.startswith("Pays;Collectivités;Partenariats")
    assert "moins de 5" in content
