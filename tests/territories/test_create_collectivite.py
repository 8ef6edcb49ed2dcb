from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Collectivite, Invitation
from territories.models import Territory
from territories.services import load_territories
from tests.factories import UserFactory

DATA = Path(__file__).resolve().parents[1] / "data" / "territories"
URL = reverse("collectivite_create")


@pytest.fixture
def territories(db):
    load_territories(data_dir=DATA)


@pytest.fixture
def staff(db):
    user = UserFactory(is_staff=True)
    return user


def test_it_requires_a_platform_administrator(client, territories, referent):
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    client.force_login(referent)
    assert client.get(URL).status_code == 404
    assert client.post(URL + "?territoire=commune:69123").status_code == 404
    assert not Collectivite.objects.filter(siren="216901231").exists()


def test_the_search_lists_entries_without_javascript(client, territories, staff):
    client.force_login(staff)
    response = client.get(URL, {"q": "69003"})
    assert response.status_code == 200
    assert "Lyon (commune, 69)" in response.text
    assert "?territoire=commune%3A69123" in response.text
    response = client.get(URL, {"q": "Nulle-part"})
    assert "Aucune collectivité de la liste officielle ne correspond" in response.text
    assert "millésime 2026" in response.text


def test_the_json_suggestions_of_the_autocomplete(client, territories, staff):
    client.force_login(staff)
    response = client.get(reverse("territory_search"), {"q": "saint-etienne"})
    assert [r["key"] for r in response.json()["results"]] == ["epci:244200770", "commune:42218"]
    assert response.json()["results"][0]["label"] == "Saint-Étienne Métropole (métropole)"
    assert client.post(reverse("territory_search")).status_code == 405


def test_choosing_an_entry_creates_the_collectivite_with_its_kind_and_population(
    client, territories, staff, queue
):
    client.force_login(staff)
    response = client.post(
        URL + "?territoire=epci:200046977", {"referent_email": "Referente@Lyon.example"}
    )
    collectivite = Collectivite.objects.get(siren="200046977")
    assert response.status_code == 302
    assert (collectivite.name, collectivite.kind, collectivite.population) == (
        "Métropole de Lyon",
        "metropole",
        1433613,
    )
    assert collectivite.official == Territory.objects.get(kind="epci", code="200046977")
    invitation = Invitation.objects.get(collectivite=collectivite)
    assert (invitation.email, invitation.role) == ("referente@lyon.example", "referent")


def test_a_departement_needs_its_siren_typed_and_checked(client, territories, staff):
    client.force_login(staff)
    url = URL + "?territoire=departement:69"
    assert "SIREN" in client.get(url).text
    response = client.post(url, {"siren": ""})
    assert response.status_code == 400
    assert "Saisissez le SIREN de la collectivité." in response.text
    response = client.post(url, {"siren": "123456789"})
    assert "la clé de contrôle ne correspond pas" in response.text
    assert not Collectivite.objects.exists()
    client.post(url, {"siren": "226900017"})
    rhone = Collectivite.objects.get()
    assert (rhone.kind, rhone.siren, rhone.population) == ("departement", "226900017", 682811)


def test_an_entry_gets_one_space_only(client, territories, staff):
    client.force_login(staff)
    client.post(URL + "?territoire=commune:69123")
    response = client.post(URL + "?territoire=commune:69123")
    assert response.status_code == 400
    assert "Lyon a déjà son espace sur la plateforme." in response.text
    assert Collectivite.objects.count() == 1


def test_an_unknown_entry_falls_back_to_the_search(client, territories, staff):
    client.force_login(staff)
    response = client.post(URL + "?territoire=commune:00000")
    assert response.status_code == 200
    assert not Collectivite.objects.exists()


def test_the_admin_adds_a_collectivite_through_the_official_list(client, staff):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.get(reverse("admin:accounts_collectivite_add"))
    assert response.status_code == 302
    assert response["Location"] == URL
