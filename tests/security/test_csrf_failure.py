"""A form or an autosave sent with an outdated CSRF token gets a French answer: our 403 page, or
JSON the autosave can show, never Django's English page with its inline style."""

import pytest
from django.test import Client
from django.urls import reverse

from diagnostics.catalogue import catalogue_data
from diagnostics.models import Answer
from recommendations.enums import QuestionKind
from tests.diagnostics.helpers import answer_payload, save_url
from tests.factories import DiagnosticFactory


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_a_form_sent_without_its_token_shows_our_expired_page(strict_client, db):
    response = strict_client.post(reverse("login"), {"username": "a@exemple.localhost"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert "Page expirée" in content
    assert "session a pris fin" in content
    assert f'href="{reverse("login")}"' in content  # reload
    assert f"{reverse('login')}?next=" in content  # log in again
    assert "Forbidden" not in content
    assert "style=" not in content
    assert "<style" not in content


def test_a_member_whose_token_expired_is_offered_to_reload(
    strict_client, catalogue, collectivite, referent
):
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=catalogue)
    strict_client.force_login(referent)
    url = reverse("diagnostic_submit", args=[diagnostic.public_id])
    page = reverse("diagnostic_overview", args=[diagnostic.public_id])
    response = strict_client.post(
        url, {"csrfmiddlewaretoken": "x" * 64}, headers={"Referer": f"http://testserver{page}"}
    )
    assert response.status_code == 403
    content = response.content.decode()
    assert "Page expirée" in content
    assert f'href="http://testserver{page}"' in content  # the page of the form, not the POST URL
    assert "Se reconnecter" not in content


def test_the_reload_link_never_leads_to_another_site(strict_client, db):
    response = strict_client.post(
        reverse("login"), headers={"Referer": "https://evil.example/connexion/"}
    )
    content = response.content.decode()
    assert "evil.example" not in content
    assert f'href="{reverse("login")}"' in content


@pytest.mark.parametrize(
    "headers",
    [{"X-Requested-With": "fetch", "Accept": "application/json"}, {"Accept": "application/json"}],
)
def test_an_autosave_without_a_valid_token_gets_a_french_json_message(
    strict_client, catalogue, collectivite, agent, headers
):
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=catalogue)
    questions = catalogue_data(catalogue.pk)
    strict_client.force_login(agent)
    question = next(q for q in questions.questions if q.kind == QuestionKind.SCALE)
    payload = answer_payload(question, questions.options_by_question[question.pk], comment="Vu")
    payload["csrfmiddlewaretoken"] = "x" * 64
    response = strict_client.post(save_url(diagnostic, question), payload, headers=headers)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["status"] == "csrf"
    assert "la page a expiré" in data["message"]
    assert "Rechargez la page" in data["message"]
    assert not Answer.objects.filter(diagnostic=diagnostic, question=question).exists()
