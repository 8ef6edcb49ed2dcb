from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import FinderProfile, Partnership, PartnershipEvent
from partnerships.services import set_finder_visibility
from tests.factories import CollectiviteFactory, MembershipFactory


def finder(collectivite, **query):
    return reverse("partnership_finder", args=[collectivite.public_id]), query


def search(client, collectivite, **query):
    url, params = finder(collectivite, **query)
    return client.get(url, params)


def partner(collectivite, **fields):
    values = {
        "partner_name": "Commune de Podor",
        "country": "SN",
        "partner_area": "Podor",
        "kind": "cooperation",
        "themes": ["eau", "sante"],
        "state": "actif",
        "signed_on": date(2019, 7, 14),
        "yearly_budget": "98765.43",
        "funding_sources": ["1pc_eau"],
        "contact": "Awa Diop, awa.diop@podor.localhost",
        "convention_url": "https://podor.localhost/convention-secrete.pdf",
        "territory_actors": "Note interne : association des riverains",
        **fields,
    }
    return Partnership.objects.create(collectivite=collectivite, **values)


def visible(collectivite, contact_email=""):
    referent = MembershipFactory(collectivite=collectivite, role="referent").user
    set_finder_visibility(
        collectivite=collectivite, visible=True, contact_email=contact_email, by=referent
    )
    return collectivite


@pytest.fixture
def lyon(db):
    return visible(
        CollectiviteFactory(name="Métropole de Lyon", kind="metropole", population=1_400_000),
        contact_email="international@lyon.localhost",
    )


def test_a_collectivite_that_did_not_opt_in_never_appears(client, collectivite, agent):
    hidden = CollectiviteFactory(name="Commune discrète")
    partner(hidden)
    FinderProfile.objects.create(collectivite=CollectiviteFactory(name="Commune masquée"))
    partner(FinderProfile.objects.get().collectivite)
    client.force_login(agent)
    for query in [{"pays": "SN"}, {"theme": "eau"}, {"pays": "SN", "theme": "eau"}]:
        response = search(client, collectivite, **query)
        assert response.status_code == 200
        assert "Commune discrète" not in response.text
        assert "Commune masquée" not in response.text
        assert "Aucune collectivité visible n’a de partenariat actif" in response.text


def test_a_visible_collectivite_shows_only_what_may_be_shown(client, collectivite, agent, lyon):
    partner(lyon, renewed_on=date(2024, 3, 1))
    client.force_login(agent)
    response = search(client, collectivite, pays="SN", theme="eau")
    text = response.text
    assert "Métropole de Lyon" in text
    assert "Métropole" in text and "de 200\u00a0000 habitants et plus" in text
    assert "Sénégal" in text and "Podor" in text
    assert "Coopération décentralisée" in text
    assert "Eau et assainissement" in text and "Santé" in text
    assert "signé le 14 juillet 2019" in text
    assert "renouvelé le 1er mars 2024" in text
    assert "international@lyon.localhost" in text
    for secret in [
        "98765",
        "98\u00a0765",
        "awa.diop",
        "Awa Diop",
        "convention-secrete",
        "riverains",
    ]:
        assert secret not in text
    assert "Commune de Podor" not in text  # the foreign partner's name is not among the fields


def test_the_contact_address_shows_only_when_shared(client, collectivite, agent):
    quiet = visible(CollectiviteFactory(name="Commune sans contact"))
    partner(quiet)
    client.force_login(agent)
    response = search(client, collectivite, pays="SN")
    assert "Commune sans contact" in response.text
    assert "mailto:" not in response.text


def test_search_by_country_or_theme_alone(client, collectivite, agent, lyon):
    partner(lyon, country="ML", themes=["culture"])
    client.force_login(agent)
    assert "Métropole de Lyon" in search(client, collectivite, pays="ML").text
    assert "Métropole de Lyon" in search(client, collectivite, theme="culture").text
    assert "Métropole de Lyon" not in search(client, collectivite, theme="eau").text
    assert "Métropole de Lyon" not in search(client, collectivite, pays="SN").text


def test_dormant_and_ended_partnerships_are_absent(client, collectivite, agent, lyon):
    partner(lyon, state="en_sommeil", partner_area="Dagana")
    partner(lyon, state="termine", partner_area="Matam")
    partner(lyon, state="actif", ended_on=date(2020, 1, 1), partner_area="Louga")
    client.force_login(agent)
    response = search(client, collectivite, pays="SN")
    assert "Aucune collectivité visible n’a de partenariat actif" in response.text
    for area in ["Dagana", "Matam", "Louga"]:
        assert area not in response.text


def test_the_searchers_own_collectivite_is_absent(client, collectivite, referent, agent):
    visible(collectivite)
    partner(collectivite, partner_area="Saint-Louis")
    client.force_login(agent)
    response = search(client, collectivite, pays="SN")
    assert "Saint-Louis" not in response.text


def test_a_search_without_country_nor_theme_asks_for_one(client, collectivite, agent, lyon):
    partner(lyon)
    client.force_login(agent)
    assert "Métropole de Lyon" not in search(client, collectivite).text
    response = search(client, collectivite, theme="")
    assert "Choisissez au moins un pays ou une thématique." in response.text
    assert "Métropole de Lyon" not in response.text


def test_an_unknown_country_or_theme_is_refused(client, collectivite, agent):
    client.force_login(agent)
    response = search(client, collectivite, pays="XX", theme="n_importe_quoi")
    assert response.status_code == 200
    assert "Aucune collectivité visible" not in response.text
    assert "Sélectionnez un choix valide" in response.text


def test_the_query_count_does_not_grow_with_the_results(client, collectivite, agent):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = search(client, collectivite, pays="SN", theme="eau")
        assert response.status_code == 200
        return len(queries), response.text.count("<tr>") - 1

    client.force_login(agent)
    first = visible(CollectiviteFactory(population=30_000))
    partner(first)
    few, rows = count()
    assert rows == 1
    for n in range(12):
        partner(visible(CollectiviteFactory(population=n * 20_000)), partner_area=f"Ville {n}")
    many, rows = count()
    assert rows == 13
    assert many == few


def test_the_registry_links_to_the_finder_on_its_own_partner_countries(client, collectivite, agent):
    partner(collectivite, country="SN")
    partner(collectivite, country="ML")
    partner(collectivite, country="BF", state="termine")
    client.force_login(agent)
    response = client.get(reverse("partnership_list", args=[collectivite.public_id]))
    url = reverse("partnership_finder", args=[collectivite.public_id])
    assert f'href="{url}?pays=ML&amp;pays=SN"' in response.text


# --- The choice to be visible ----------------------------------------------------------------


def visibility_url(collectivite):
    return reverse("partnership_visibility", args=[collectivite.public_id])


def test_not_visible_by_default_and_said_so(client, collectivite, agent):
    client.force_login(agent)
    response = client.get(reverse("partnership_list", args=[collectivite.public_id]))
    assert "n’est pas visible des autres collectivités" in response.text
    assert "Seul le référent" in response.text
    assert visibility_url(collectivite) not in response.text


def test_the_referent_makes_it_visible_then_hides_it_and_history_keeps_both(
    client, collectivite, referent
):
    client.force_login(referent)
    response = client.post(
        visibility_url(collectivite),
        {"visible": "on", "contact_email": "international@exemple.localhost"},
    )
    assert response.status_code == 302
    profile = FinderProfile.objects.get(collectivite=collectivite)
    assert (profile.visible, profile.contact_email, profile.updated_by) == (
        True,
        "international@exemple.localhost",
        referent,
    )
    page = client.get(reverse("partnership_list", args=[collectivite.public_id])).text
    assert "est visible des autres collectivités de la plateforme" in page
    assert "international@exemple.localhost" in page

    client.post(visibility_url(collectivite), {"contact_email": "international@exemple.localhost"})
    profile.refresh_from_db()
    assert profile.visible is False
    kinds = list(
        PartnershipEvent.objects.filter(collectivite=collectivite)
        .order_by("pk")
        .values_list("kind", "actor")
    )
    assert kinds == [
        ("shown", referent.pk),
        ("finder_contact", referent.pk),
        ("hidden", referent.pk),
    ]
    page = client.get(reverse("partnership_list", args=[collectivite.public_id])).text
    assert "Collectivité masquée aux autres collectivités" in page


def test_an_unchanged_choice_records_nothing(client, collectivite, referent):
    client.force_login(referent)
    client.post(visibility_url(collectivite), {})
    assert not PartnershipEvent.objects.exists()


def test_a_wrong_contact_address_is_refused_and_nothing_changes(client, collectivite, referent):
    client.force_login(referent)
    response = client.post(visibility_url(collectivite), {"visible": "on", "contact_email": "non"})
    assert response.status_code == 400
    assert "adresse de courriel valide" in response.text
    assert not FinderProfile.objects.filter(visible=True).exists()


def test_agents_may_not_change_it_and_other_collectivites_are_told_nothing(
    client, collectivite, agent, elu, outsider
):
    for user, status in [(agent, 403), (elu, 403), (outsider, 404)]:
        client.force_login(user)
        response = client.post(visibility_url(collectivite), {"visible": "on"})
        assert response.status_code == status
    assert not FinderProfile.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, collectivite):
    url, _query = finder(collectivite)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
