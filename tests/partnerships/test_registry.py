from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.csv_io import export_csv
from partnerships.models import Partnership, PartnershipEvent
from territories.services import load_territories
from tests.factories import CollectiviteFactory

DATA = Path(__file__).resolve().parents[1] / "data" / "territories"

VALID = {
    "partner_name": "Ville de Kindia",
    "country": "GN",
    "partner_area": "Kindia",
    "kind": "cooperation",
    "themes": ["eau", "sante"],
    "state": "actif",
    "signed_on": "14/07/2019",
    "co_partner_sirens": "",
    "yearly_budget": "15000,50",
    "funding_sources": ["1pc_eau"],
}


def url(name, collectivite, *args):
    return reverse(name, args=[collectivite.public_id, *args])


@pytest.fixture
def partnership(collectivite):
    return Partnership.objects.create(
        collectivite=collectivite, partner_name="Cité de Québec", country="CA", kind="jumelage"
    )


def test_an_agent_adds_a_partnership_and_it_is_recorded(client, collectivite, agent):
    client.force_login(agent)
    response = client.post(url("partnership_create", collectivite), VALID)
    assert response.status_code == 302
    created = Partnership.objects.get()
    assert (created.country.code, created.themes, str(created.yearly_budget)) == (
        "GN",
        ["eau", "sante"],
        "15000.50",
    )
    assert created.signed_on.isoformat() == "2019-07-14"
    event = PartnershipEvent.objects.get()
    assert (event.kind, event.actor, event.partner_name) == ("created", agent, "Ville de Kindia")
    listing = client.get(url("partnership_list", collectivite))
    assert "Ville de Kindia" in listing.text
    assert "Guinée" in listing.text


def test_a_refused_save_keeps_what_was_typed_and_says_why_in_french(client, collectivite, agent):
    client.force_login(agent)
    data = {**VALID, "country": "XX", "signed_on": "2019/07/14", "partner_area": "Quartier nord"}
    response = client.post(url("partnership_create", collectivite), data)
    assert response.status_code == 400
    assert "Pays inconnu" in response.text
    assert "Date invalide" in response.text
    assert 'value="Quartier nord"' in response.text
    assert 'value="2019/07/14"' in response.text
    assert not Partnership.objects.exists()


def test_the_referent_edits_and_the_history_names_the_fields(
    client, collectivite, referent, partnership
):
    client.force_login(referent)
    edit = url("partnership_edit", collectivite, partnership.public_id)
    assert client.get(edit).status_code == 200
    response = client.post(
        edit, {**VALID, "partner_name": "Cité de Québec", "country": "CA", "kind": "jumelage"}
    )
    assert response.status_code == 302
    event = PartnershipEvent.objects.get()
    assert event.kind == "updated"
    assert "Thématiques" in event.changed_fields


def test_an_elu_reads_but_does_not_write(client, collectivite, elu, partnership):
    client.force_login(elu)
    assert "Cité de Québec" in client.get(url("partnership_list", collectivite)).text
    assert "Ajouter un partenariat" not in client.get(url("partnership_list", collectivite)).text
    assert client.post(url("partnership_create", collectivite), VALID).status_code == 403
    edit = url("partnership_edit", collectivite, partnership.public_id)
    assert client.post(edit, VALID).status_code == 403
    delete = url("partnership_delete", collectivite, partnership.public_id)
    assert client.post(delete).status_code == 403
    assert Partnership.objects.get().partner_name == "Cité de Québec"


def test_another_collectivite_sees_nothing(client, collectivite, outsider, partnership):
    client.force_login(outsider)
    for response in [
        client.get(url("partnership_list", collectivite)),
        client.get(url("partnership_export", collectivite)),
        client.post(url("partnership_create", collectivite), VALID),
        client.get(url("partnership_edit", collectivite, partnership.public_id)),
        client.post(url("partnership_delete", collectivite, partnership.public_id)),
    ]:
        assert response.status_code == 404
    # Nor through its own collectivité's address with the other's partnership.
    own = outsider.memberships.get().collectivite
    assert client.get(url("partnership_edit", own, partnership.public_id)).status_code == 404
    assert Partnership.objects.count() == 1


def test_anonymous_goes_to_login_and_wrong_method_is_refused(client, collectivite, agent):
    response = client.get(url("partnership_list", collectivite))
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    client.force_login(agent)
    assert client.post(url("partnership_list", collectivite)).status_code == 405
    assert client.get(url("partnership_import", collectivite)).status_code == 405


def test_delete_keeps_a_trace(client, collectivite, agent, partnership):
    client.force_login(agent)
    response = client.post(url("partnership_delete", collectivite, partnership.public_id))
    assert response.status_code == 302
    assert not Partnership.objects.exists()
    event = PartnershipEvent.objects.get()
    assert (event.kind, event.partner_name, event.partnership) == (
        "deleted",
        "Cité de Québec",
        None,
    )


def test_co_partners_come_from_the_official_list(client, collectivite, agent):
    load_territories(data_dir=DATA)
    client.force_login(agent)
    response = client.post(
        url("partnership_create", collectivite),
        {**VALID, "co_partner_sirens": "216901231, 123456789"},
    )
    assert response.status_code == 400
    assert "SIREN absent de la liste officielle" in response.text
    assert "123456789" in response.text
    client.post(
        url("partnership_create", collectivite), {**VALID, "co_partner_sirens": "216901231"}
    )
    assert [t.name for t in Partnership.objects.get().co_partners.all()] == ["Lyon"]


def test_the_list_costs_the_same_queries_whatever_the_number_of_partnerships(
    client, collectivite, agent, django_assert_max_num_queries
):
    client.force_login(agent)
    for n in range(3):
        Partnership.objects.create(
            collectivite=collectivite, partner_name=f"P{n}", country="SN", kind="partenariat"
        )
    with django_assert_max_num_queries(12) as few:
        client.get(url("partnership_list", collectivite))
    for n in range(20):
        Partnership.objects.create(
            collectivite=collectivite, partner_name=f"Q{n}", country="SN", kind="partenariat"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("partnership_list", collectivite))


def test_the_export_neutralises_formulas_and_stays_in_its_collectivite(collectivite):
    Partnership.objects.create(
        collectivite=collectivite, partner_name="=HYPERLINK(1)", country="SN", kind="reseau"
    )
    Partnership.objects.create(
        collectivite=CollectiviteFactory(), partner_name="Autre", country="SN", kind="reseau"
    )
    content = export_csv(collectivite=collectivite).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in content
    assert "Autre" not in content
    assert content.splitlines()[0].startswith("partenaire;pays;")


def upload(client, collectivite, text: str):
    file = SimpleUploadedFile("p.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(url("partnership_import", collectivite), {"file": file})


HEADER = "partenaire;pays;type;signe_le;thematiques"


def test_a_csv_import_adds_every_line(client, collectivite, agent):
    client.force_login(agent)
    response = upload(
        client,
        collectivite,
        f"{HEADER}\nDakar;Sénégal;Coopération décentralisée;01/02/2020;eau|sante\n"
        "Cracovie;PL;jumelage;;\n",
    )
    assert response.status_code == 302
    assert sorted(Partnership.objects.values_list("partner_name", "country", "kind")) == [
        ("Cracovie", "PL", "jumelage"),
        ("Dakar", "SN", "cooperation"),
    ]
    assert PartnershipEvent.objects.filter(kind="imported").count() == 2


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Dakar;Atlantide;jumelage;;", "Ligne 3, colonne «\u00a0pays\u00a0»"),
        ("Dakar;SN;jumelage;2020-13-01;", "Ligne 3, colonne «\u00a0signe_le\u00a0»"),
        ("Dakar;SN;amitié;;", "Ligne 3, colonne «\u00a0type\u00a0»"),
        ("=cmd|' /C calc'!A0;SN;jumelage;;", "Ligne 3, colonne «\u00a0partenaire\u00a0»"),
        ("Dakar;SN;jumelage;;" + "x" * 10_000, "Ligne 3\u00a0: ligne trop longue (10019"),
        ("Dakar;SN;jumelage;;eau|bricolage", "Ligne 3, colonne «\u00a0thematiques\u00a0»"),
    ],
    ids=["country", "date", "kind", "formula", "long-line", "theme"],
)
def test_a_bad_line_refuses_the_whole_file(client, collectivite, agent, line, expected):
    client.force_login(agent)
    response = upload(client, collectivite, f"{HEADER}\nCracovie;PL;jumelage;;\n{line}\n")
    assert response.status_code == 400
    assert expected in response.text
    assert "Aucun partenariat n’a été importé" in response.text
    assert not Partnership.objects.exists()
    assert not PartnershipEvent.objects.exists()


def test_the_template_downloads_and_imports_as_it_is(client, collectivite, agent):
    client.force_login(agent)
    template = client.get(url("partnership_template", collectivite))
    assert template["Content-Disposition"] == 'attachment; filename="modele-partenariats.csv"'
    response = upload(client, collectivite, template.content.decode("utf-8-sig"))
    assert response.status_code == 302
    assert Partnership.objects.get().partner_name == "Ville de Kindia"


def test_the_export_reimports_into_another_collectivite(client, collectivite, agent, outsider):
    client.force_login(agent)
    client.post(url("partnership_create", collectivite), VALID)
    exported = client.get(url("partnership_export", collectivite)).content.decode("utf-8-sig")
    client.force_login(outsider)
    own = outsider.memberships.get().collectivite
    assert upload(client, own, exported).status_code == 302
    copy = Partnership.objects.get(collectivite=own)
    assert (copy.themes, copy.funding_sources, str(copy.yearly_budget)) == (
        ["eau", "sante"],
        ["1pc_eau"],
        "15000.50",
    )
