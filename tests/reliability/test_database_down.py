"""While the database is down, pages and the autosave answer 503 with « réessayez », never a 500."""

import json
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory
from django.urls import reverse

from aeict.middleware import unavailable_response
from tests.factories import DiagnosticFactory

DOWN = OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")
MESSAGE = "Le service est momentanément indisponible : réessayez dans quelques secondes."


@pytest.fixture
def web():
    """A client that gets the error responses instead of re-raising the view's exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def diagnostic(catalogue, collectivite, referent):
    return DiagnosticFactory(collectivite=collectivite, catalogue=catalogue, created_by=referent)


def save_url(diagnostic, code="R1.Q1"):
    return reverse("diagnostic_answer", args=[diagnostic.public_id, code])


def save_payload(code="R1.Q1"):
    return {f"{code}-value": "1", f"{code}-comment": "", f"{code}-revision": "0"}


def assert_french_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Service momentanément indisponible" in body
    assert "réessayez dans quelques instants" in body
    assert 'href="/"' in body
    assert "Traceback" not in body
    assert "OperationalError" not in body


def assert_json_answer(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "unavailable", "message": MESSAGE}


@pytest.mark.django_db
def test_a_page_whose_view_cannot_reach_the_database_answers_503_in_french(web):
    with mock.patch(
        "recommendations.models.CatalogueVersionQuerySet.latest_published", side_effect=DOWN
    ):
        response = web.get(reverse("home"))
    assert_french_page(response)


def test_the_autosave_endpoint_answers_json_the_browser_retries(web, diagnostic, agent):
    web.force_login(agent)
    with mock.patch("diagnostics.questionnaire.views.save_answer", side_effect=DOWN):
        response = web.post(
            save_url(diagnostic),
            save_payload(),
            headers={"X-Requested-With": "fetch", "Accept": "application/json"},
        )
    assert_json_answer(response)


def test_the_autosave_endpoint_answers_json_even_without_the_fetch_headers(web, diagnostic, agent):
    web.force_login(agent)
    with mock.patch("diagnostics.questionnaire.views.save_answer", side_effect=DOWN):
        response = web.post(save_url(diagnostic), save_payload())
    assert_json_answer(response)


def test_a_lost_connection_is_handled_like_a_refused_one(web, diagnostic, agent):
    web.force_login(agent)
    closed = InterfaceError("connection already closed")
    with mock.patch("diagnostics.questionnaire.views.save_answer", side_effect=closed):
        response = web.post(save_url(diagnostic), save_payload())
    assert_json_answer(response)


def test_a_session_that_cannot_be_loaded_answers_503_not_500(web, diagnostic, agent, caplog):
    web.force_login(agent)
    with mock.patch(
        "django.contrib.sessions.backends.cached_db.SessionStore.load", side_effect=DOWN
    ) as load:
        response = web.get(reverse("dashboard"))
    assert load.called
    assert_french_page(response)
    assert not [r for r in caplog.records if "Internal Server Error" in r.getMessage()]


def test_a_save_whose_session_cannot_be_loaded_answers_json(web, diagnostic, agent):
    web.force_login(agent)
    with mock.patch(
        "django.contrib.sessions.backends.cached_db.SessionStore.load", side_effect=DOWN
    ):
        response = web.post(
            save_url(diagnostic), save_payload(), headers={"X-Requested-With": "fetch"}
        )
    assert_json_answer(response)


def test_a_session_that_cannot_be_saved_after_the_view_answers_503(
    web, diagnostic, agent, settings
):
    settings.SESSION_SAVE_EVERY_REQUEST = True
    web.force_login(agent)
    with mock.patch(
        "django.contrib.sessions.backends.cached_db.SessionStore.save", side_effect=DOWN
    ) as save:
        response = web.get(reverse("dashboard"))
    assert save.called
    assert_french_page(response)


def test_other_errors_still_answer_500(web, diagnostic, agent):
    web.force_login(agent)
    with mock.patch("diagnostics.questionnaire.views.save_answer", side_effect=ValueError):
        response = web.post(save_url(diagnostic), save_payload())
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_503_answer_is_built_without_the_database():
    request = RequestFactory().get("/tableau-de-bord/")
    assert_french_page(unavailable_response(request))
