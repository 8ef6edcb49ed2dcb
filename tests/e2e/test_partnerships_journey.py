"""The registry from end to end: a platform administrator creates a collectivité from the
official list (the autocomplete) and invites its référent, who creates an account, enters three
partnerships (one by CSV import), makes the collectivité visible, finds another visible
collectivité in the same country, and the diagnostic's recommendation 1 shows the registry's
counts; then a member of the « Observatoire » group opens the national observatory and downloads
a table as CSV. axe finds no violation."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Collectivite, Membership
from observatory.models import GROUP_NAME
from partnerships.models import FinderProfile, Partnership
from partnerships.services import set_finder_visibility
from territories.models import Territory, TerritoryRelease
from tests.e2e.helpers import check_page, screenshot
from tests.factories import CollectiviteFactory, DiagnosticFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.e2e

REFERENT = "ines.laurent@rennes.localhost"
PASSWORD = "Rennes-partenariats-2026"

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


def official_list():
    """A few entries of the official list (the browser tests' database starts empty)."""
    TerritoryRelease.objects.create(
        package="@etalab/decoupage-administratif",
        version="5.2.0",
        millesime="2025",
        loaded_at=timezone.now(),
    )
    entries = [
        ("commune", "", "35238", "213502388", "Rennes", "35000 35200 35700", 227_830),
        ("commune", "", "35281", "213502818", "Saint-Malo", "35400", 47_255),
        ("epci", "METRO", "243500139", "243500139", "Rennes Métropole", "", 470_000),
        ("departement", "", "35", "223500018", "Ille-et-Vilaine", "", 1_110_000),
    ]
    for kind, nature, code, siren, name, postcodes, population in entries:
        Territory.objects.create(
            kind=kind,
            epci_nature=nature,
            code=code,
            siren=siren,
            name=name,
            search_name=name.lower().replace("é", "e"),
            departement_code="35",
            postcodes=postcodes,
            population=population,
        )


def create_from_the_official_list(new_page, mailoutbox):
    """A platform administrator opens Rennes's space by choosing it with the autocomplete and
    invites its référent, who creates an account from the invitation: the journey's référent."""
    official_list()
    admin = new_page(UserFactory(is_staff=True, is_superuser=True))
    admin.goto("/plateforme/collectivites/nouvelle/")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Nouvelle collectivité")
    check_page(admin, "collectivité creation: the search")
    combobox = admin.get_by_role("combobox", name="Nom, code postal ou SIREN")
    combobox.press_sequentially("renn", delay=50)
    listbox = admin.get_by_role("listbox", name="Suggestions de la liste officielle")
    expect(listbox.get_by_role("option")).to_have_count(2)
    expect(combobox).to_have_attribute("aria-expanded", "true")
    check_page(admin, "collectivité creation: the suggestions")
    # The most populous first: Rennes Métropole, then the commune.
    expect(listbox.get_by_role("option").first).to_contain_text("Rennes Métropole (métropole)")
    combobox.press("ArrowDown")
    combobox.press("ArrowDown")
    option = listbox.get_by_role("option", name=re.compile(r"^Rennes \(commune, 35\)"))
    expect(option).to_have_attribute("aria-selected", "true")
    combobox.press("Enter")
    expect(admin).to_have_url(re.compile(r"territoire=commune(%3A|:)35238$"))
    check_page(admin, "collectivité creation: the confirmation")
    admin.get_by_label("Adresse électronique du référent AEICT").fill(REFERENT)
    admin.get_by_role("button", name="Créer l’espace de Rennes").click()
    expect(admin.get_by_text("Espace de Rennes créé.")).to_be_visible()

    collectivite = Collectivite.objects.get(siren="213502388")
    assert (collectivite.name, collectivite.kind, collectivite.population) == (
        "Rennes",
        "commune",
        227_830,
    )
    assert collectivite.official == Territory.objects.get(kind="commune", code="35238")

    mail = next(m for m in mailoutbox if "/invitation/" in m.body)
    assert mail.to == [REFERENT]
    page = new_page()
    page.goto(re.search(r"https?://[^/\s]+(/invitation/\S+/)", mail.body).group(1))
    page.get_by_label("Prénom et nom").fill("Inès Laurent")
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord/$"))
    expect(page.get_by_role("main")).to_contain_text("Rennes")
    referent = Membership.objects.get(collectivite=collectivite, user__email=REFERENT).user
    return page, collectivite, referent


def test_the_registry_feeds_the_finder_the_diagnostic_and_the_observatory(
    new_page, catalogue, tmp_path, mailoutbox
):
    page, collectivite, referent = create_from_the_official_list(new_page, mailoutbox)
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
