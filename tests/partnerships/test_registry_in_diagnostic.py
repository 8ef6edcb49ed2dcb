"""The registry answers recommendation 1's informative questions: number of active partnerships,
of jumelages, partner countries — shown « d'après le registre », never typed on the
questionnaire; a collectivité without a registry answers them by hand as before."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from diagnostics.models import Answer
from partnerships.models import Partnership
from tests.factories import DiagnosticFactory


@pytest.fixture
def diagnostic(catalogue, collectivite, referent):
    return DiagnosticFactory(collectivite=collectivite, catalogue=catalogue, created_by=referent)


def add(collectivite, **fields):
    values = {"partner_name": "Ville de Kindia", "country": "GN", "kind": "cooperation", **fields}
    return Partnership.objects.create(collectivite=collectivite, **values)


def page(client, diagnostic, number=1):
    return client.get(reverse("diagnostic_recommendation", args=[diagnostic.public_id, number]))


def test_without_a_registry_the_questions_are_typed_as_before(client, agent, diagnostic):
    client.force_login(agent)
    html = page(client, diagnostic).content.decode()
    assert 'name="R1.Q6-value"' in html
    assert "d’après le registre" not in html.lower()


def test_the_registry_answers_the_informative_questions(client, agent, collectivite, diagnostic):
    add(collectivite, partner_name="Cité de Québec", country="CA", kind="jumelage")
    add(collectivite, partner_name="Ville d’Essen", country="DE", kind="jumelage")
    add(collectivite, partner_name="Ville de Kindia", country="GN")
    add(
        collectivite,
        partner_name="Ville de Tczew",
        country="PL",
        kind="jumelage",
        state="en_sommeil",
    )
    add(collectivite, partner_name="Ville de Mopti", country="ML", state="termine")
    client.force_login(agent)
    response = page(client, diagnostic)
    html = response.content.decode()
    # Active: Québec, Essen, Kindia; jumelages not ended: Québec, Essen, Tczew (asleep).
    assert "3 partenariats actifs" in html
    assert "3 jumelages" in html
    assert "Allemagne, Canada, Guinée" in html
    assert "D’après le registre des partenariats au" in html
    assert reverse("partnership_list", args=[collectivite.public_id]) in html
    # No field for them: they are not editable here.
    for code in ["R1.Q6", "R1.Q7", "R1.Q8"]:
        assert f'name="{code}-value"' not in html
    assert 'name="R1.Q1-value"' in html


def test_the_questionnaire_does_not_save_what_the_registry_answers(
    client, agent, collectivite, diagnostic
):
    add(collectivite)
    client.force_login(agent)
    url = reverse("diagnostic_recommendation", args=[diagnostic.public_id, 1])
    response = client.post(url, {"R1.Q6-value": "40", "R1.Q6-revision": "0"})
    assert response.status_code == 302
    autosave = reverse("diagnostic_answer", args=[diagnostic.public_id, "R1.Q7"])
    response = client.post(autosave, {"R1.Q7-value": "12", "R1.Q7-revision": "0"})
    assert response.status_code == 400
    assert "registre des partenariats" in response.json()["message"]
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()


def test_the_results_show_the_registry_figures(client, elu, collectivite, diagnostic):
    add(collectivite, country="SN", kind="jumelage")
    client.force_login(elu)
    response = client.get(reverse("diagnostic_results_detail", args=[diagnostic.public_id, 1]))
    html = response.content.decode()
    assert "1 partenariat actif (d’après le registre des partenariats au" in html
    assert "1 jumelage (d’après" in html
    assert "Sénégal (d’après" in html


def test_the_date_is_the_registry_s_last_change(collectivite, diagnostic):
    from diagnostics.registry import registry_answers

    partnership = add(collectivite)
    # Noon in Paris: the date shown is the local one, whatever the hour the test runs at.
    noon = datetime(2027, 3, 12, 11, 0, tzinfo=UTC)
    Partnership.objects.filter(pk=partnership.pk).update(updated_at=noon)
    questions = list(diagnostic.catalogue.recommendations.get(number=1).questions.all())
    answers = registry_answers(diagnostic, questions)
    assert answers["R1.Q6"].as_of == date(2027, 3, 12)
    assert answers["R1.Q6"].value == 1


def test_a_submitted_diagnostic_keeps_its_own_answers(collectivite, diagnostic):
    from diagnostics.registry import registry_answers

    add(collectivite)
    diagnostic.status = "soumis"
    questions = list(diagnostic.catalogue.recommendations.get(number=1).questions.all())
    assert registry_answers(diagnostic, questions) == {}
