"""Two référents at once: submitting one diagnostic, or creating the same year's diagnostic, is
serialised by row locks; one wins, the other gets the French refusal, nothing is lost.

Real threads with their own connections, on PostgreSQL (SQLite serialises whole transactions).
"""

import threading
import time
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Diagnostic, DiagnosticEvent, RecommendationScore
from tests.diagnostics.helpers import answer_everything
from tests.factories import DiagnosticFactory, MembershipFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL: DATABASE_URL"
    ),
]


def run_together(*calls):
    """Run each call in its own thread (and connection), started together; their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def slow_scoring(scoring: threading.Event | None = None):
    """Scoring that takes a moment, so that the second submission arrives while the first one
    holds the lock; ``scoring`` is set once the first one is inside."""
    real = services.score_answers

    def score(*args, **kwargs):
        if scoring is not None:
            scoring.set()
        time.sleep(0.3)
        return real(*args, **kwargs)

    return mock.patch.object(services, "score_answers", side_effect=score)


def test_two_referents_submitting_at_once_submit_once(catalogue, collectivite, referent):
    from diagnostics.catalogue import catalogue_data

    other_referent = MembershipFactory(collectivite=collectivite, role="referent").user
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=catalogue, year=2026)
    client = Client()
    client.force_login(referent)
    answer_everything(client, diagnostic, catalogue_data(catalogue.pk))

    def submit_as(user):
        browser = Client()
        browser.force_login(user)
        response = browser.post(reverse("diagnostic_submit", args=[diagnostic.public_id]))
        return response.status_code, [str(m) for m in get_messages(response.wsgi_request)]

    with slow_scoring():
        results = run_together(lambda: submit_as(referent), lambda: submit_as(other_referent))

    assert sorted(results) == [
        (302, ["Ce diagnostic est déjà soumis."]),
        (302, ["Diagnostic soumis\u00a0: ses scores sont enregistrés."]),
    ]
    diagnostic.refresh_from_db()
    assert diagnostic.is_submitted and diagnostic.is_latest_submitted
    events = DiagnosticEvent.objects.filter(diagnostic=diagnostic, kind="soumis")
    assert events.count() == 1
    assert events.get().actor == diagnostic.submitted_by
    assert RecommendationScore.objects.filter(diagnostic=diagnostic).count() == 10


def test_two_referents_creating_the_same_year_at_once_create_one(catalogue, collectivite, referent):
    other_referent = MembershipFactory(collectivite=collectivite, role="referent").user

    def create_as(user, title):
        return services.create_diagnostic(
            collectivite=collectivite, title=title, year=2027, by=user
        )

    results = run_together(
        lambda: create_as(referent, "Premier"), lambda: create_as(other_referent, "Second")
    )

    created = [r for r in results if isinstance(r, Diagnostic)]
    refused = [r for r in results if isinstance(r, services.YearTaken)]
    assert len(created) == 1 and len(refused) == 1, results
    assert refused[0].existing.pk == created[0].pk
    assert Diagnostic.objects.filter(collectivite=collectivite, year=2027).count() == 1


def test_deleting_while_submitting_leaves_one_outcome(catalogue, collectivite, referent):
    from diagnostics.catalogue import catalogue_data

    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=catalogue, year=2026)
    client = Client()
    client.force_login(referent)
    answer_everything(client, diagnostic, catalogue_data(catalogue.pk))

    scoring = threading.Event()

    def delete_once_the_submission_holds_the_lock():
        assert scoring.wait(timeout=10)
        return services.delete_diagnostic(diagnostic=diagnostic, by=referent)

    with slow_scoring(scoring):
        results = run_together(
            lambda: services.submit_diagnostic(diagnostic=diagnostic, by=referent),
            delete_once_the_submission_holds_the_lock,
        )

    # The submission locked first: the deletion then meets a submitted diagnostic and is refused.
    assert isinstance(results[0], Diagnostic)
    assert isinstance(results[1], services.SubmittedDiagnosticKept)
    assert Diagnostic.objects.get(pk=diagnostic.pk).is_submitted
