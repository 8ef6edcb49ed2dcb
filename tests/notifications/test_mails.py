"""Everyone is told by mail, sent by the worker, never inside a request: one task per event,
queued on commit; one mail per recipient, with a link to the page and no figure."""

import json
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import accept_invitation
from diagnostics.catalogue import catalogue_data
from diagnostics.enums import ReportStatus
from diagnostics.models import Diagnostic, ReportFile
from diagnostics.reports.files import generate_report
from notifications.mails import (
    send_diagnostic_reopened_mail,
    send_diagnostic_submitted_mail,
    send_member_joined_mail,
    send_report_ready_mail,
)
from notifications.models import NotificationPreference
from tests.diagnostics.helpers import answer_everything, small_catalogue
from tests.factories import DiagnosticFactory, MembershipFactory, UserFactory
from tests.tasks import queued, run_queued_tasks

SETTINGS_LINK = "http://testserver/compte/notifications/"


@pytest.fixture
def diagnostic(db, collectivite, referent):
    return DiagnosticFactory(
        collectivite=collectivite, catalogue=small_catalogue(), created_by=referent, year=2026
    )


@pytest.fixture
def answered(client, diagnostic, agent):
    client.force_login(agent)
    answer_everything(client, diagnostic, catalogue_data(diagnostic.catalogue_id))
    client.logout()
    return diagnostic


def submit(client, diagnostic, referent, capture):
    client.force_login(referent)
    with capture(execute=True):
        response = client.post(reverse("diagnostic_submit", args=[diagnostic.public_id]))
    assert response.status_code == 302
    return Diagnostic.objects.get(pk=diagnostic.pk)


def reopen(client, diagnostic, referent, capture):
    client.force_login(referent)
    with capture(execute=True):
        response = client.post(
            reverse("diagnostic_reopen", args=[diagnostic.public_id]),
            {"reason": "Une réponse était fausse."},
        )
    assert response.status_code == 302


def turn_off(user, kind):
    NotificationPreference.objects.update_or_create(user=user, defaults={kind: False})


def without_links(body: str) -> str:
    return re.sub(r"https?://\S+", "", body)


# --- Submitted ----------------------------------------------------------------------------------


def test_a_submission_queues_one_task_on_commit_and_sends_nothing_in_the_request(
    client, answered, referent, agent, elu, queue, mail_server, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    diagnostic = submit(client, answered, referent, django_capture_on_commit_callbacks)

    assert mail_server == []
    assert queued(queue) == [
        (send_diagnostic_submitted_mail, {"diagnostic_id": diagnostic.pk, "by_id": referent.pk})
    ]
    json.dumps([result.kwargs for result in queue.results])  # the database queue stores JSON

    run_queued_tasks(queue)

    # One mail per person, so that nobody sees the others' addresses; not to the référent who
    # submitted it.
    assert sorted(message.to[0] for message in mail_server) == sorted([agent.email, elu.email])
    assert all(len(message.to) == 1 and not message.bcc for message in mail_server)
    message = mail_server[0]
    assert message.subject == "Les résultats du diagnostic 2026 sont prêts"
    link = f"http://testserver/diagnostics/{diagnostic.public_id}/resultats/"
    assert link in message.body
    assert SETTINGS_LINK in message.body
    assert referent.display_name in message.body
    # No score: nothing but the page's address tells anything of the results.
    text = without_links(message.body)
    assert diagnostic.overall_score is not None
    assert f"{diagnostic.overall_score:g}" not in text.replace("2026", "")
    assert "%" not in text
    assert "score" not in text.lower()
    client.force_login(agent)
    assert client.get(link).status_code == 200


def test_the_submission_mail_is_queued_only_once_the_transaction_commits(
    client, answered, referent, queue, django_capture_on_commit_callbacks
):
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("diagnostic_submit", args=[answered.public_id]))
    assert queue.results == []
    assert len(callbacks) == 1


def test_who_turned_submissions_off_gets_no_submission_mail(
    client, answered, referent, agent, elu, queue, mail_server,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    turn_off(elu, "diagnostic_submitted")
    turn_off(agent, "diagnostic_reopened")  # another kind: no effect here
    submit(client, answered, referent, django_capture_on_commit_callbacks)
    run_queued_tasks(queue)
    assert [message.to for message in mail_server] == [[agent.email]]


def test_no_submission_mail_for_a_diagnostic_reopened_before_the_worker_ran(
    client, answered, referent, agent, elu, queue, mail_server,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    submit(client, answered, referent, django_capture_on_commit_callbacks)
    reopen(client, answered, referent, django_capture_on_commit_callbacks)
    assert [task for task, _kwargs in queued(queue)] == [
        send_diagnostic_submitted_mail,
        send_diagnostic_reopened_mail,
    ]
    run_queued_tasks(queue)
    assert {message.subject for message in mail_server} == {"Le diagnostic 2026 est rouvert"}


def test_members_of_other_collectivites_and_inactive_members_are_not_told(
    client, answered, referent, agent, outsider, queue, mail_server,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    gone = MembershipFactory(collectivite=answered.collectivite, role="elu").user
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    submit(client, answered, referent, django_capture_on_commit_callbacks)
    run_queued_tasks(queue)
    assert [message.to for message in mail_server] == [[agent.email]]


# --- Reopened -----------------------------------------------------------------------------------


def test_a_reopening_is_told_by_the_worker_to_everyone_but_who_reopened(
    client, answered, referent, agent, elu, queue, mail_server,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    other_referent = MembershipFactory(collectivite=answered.collectivite, role="referent").user
    submit(client, answered, referent, django_capture_on_commit_callbacks)
    queue.clear()
    turn_off(elu, "diagnostic_reopened")

    reopen(client, answered, other_referent, django_capture_on_commit_callbacks)

    assert mail_server == []
    assert queued(queue) == [
        (
            send_diagnostic_reopened_mail,
            {"diagnostic_id": answered.pk, "by_id": other_referent.pk},
        )
    ]
    run_queued_tasks(queue)
    assert sorted(message.to[0] for message in mail_server) == sorted([referent.email, agent.email])
    message = mail_server[0]
    assert f"http://testserver/diagnostics/{answered.public_id}/" in message.body
    assert other_referent.display_name in message.body
    assert "Motif de la réouverture\u00a0: Une réponse était fausse." in message.body
    assert SETTINGS_LINK in message.body


# --- Invitation accepted ------------------------------------------------------------------------


def test_the_referents_are_told_when_an_invitation_is_accepted(
    collectivite, referent, agent, queue, mail_server, django_capture_on_commit_callbacks
):
    quiet_referent = MembershipFactory(collectivite=collectivite, role="referent").user
    turn_off(quiet_referent, "member_joined")
    invitation = Invitation.objects.create(
        collectivite=collectivite, email="nouvelle@exemple.localhost", role="elu",
        invited_by=referent,
    )  # fmt: skip
    newcomer = UserFactory(email="nouvelle@exemple.localhost", full_name="Nina Nouvelle")

    with django_capture_on_commit_callbacks(execute=True):
        accept_invitation(invitation=invitation, user=newcomer)

    assert mail_server == []
    assert queued(queue) == [
        (send_member_joined_mail, {"invitation_id": invitation.pk, "user_id": newcomer.pk})
    ]
    run_queued_tasks(queue)
    [message] = mail_server
    assert message.to == [referent.email]
    assert message.subject == f"Nina Nouvelle a rejoint {collectivite.name}"
    assert f"http://testserver/collectivites/{collectivite.public_id}/membres/" in message.body
    assert SETTINGS_LINK in message.body


def test_no_mail_when_the_newcomer_was_removed_before_the_worker_ran(
    collectivite, referent, queue, mail_server, django_capture_on_commit_callbacks
):
    invitation = Invitation.objects.create(
        collectivite=collectivite, email="nouvelle@exemple.localhost", role="agent",
        invited_by=referent,
    )  # fmt: skip
    newcomer = UserFactory(email="nouvelle@exemple.localhost")
    with django_capture_on_commit_callbacks(execute=True):
        membership = accept_invitation(invitation=invitation, user=newcomer)
    membership.delete()
    run_queued_tasks(queue)
    assert mail_server == []


# --- Report ready -------------------------------------------------------------------------------


def report_in_flight(diagnostic, by, *, queued_ago, polled_ago=None):
    now = timezone.now()
    return ReportFile.objects.create(
        diagnostic=diagnostic,
        variant="synthese",
        content_hash="0" * 64,
        requested_by=by,
        queued_at=now - timedelta(seconds=queued_ago),
        last_polled_at=None if polled_ago is None else now - timedelta(seconds=polled_ago),
    )


@mock.patch("diagnostics.reports.files.render_report", return_value=b"%PDF-1.7 test")
def test_the_requester_who_left_the_page_is_told_by_the_worker(
    _render, diagnostic, elu, queue, mail_server
):
    report = report_in_flight(diagnostic, elu, queued_ago=120, polled_ago=60)

    generate_report.call(report.pk)

    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert queued(queue) == [(send_report_ready_mail, {"report_id": report.pk})]
    assert mail_server == []  # the render's task queues the mail, another task sends it
    run_queued_tasks(queue)
    [message] = mail_server
    assert message.to == [elu.email]
    assert message.subject == "Votre rapport «\u00a0Synthèse pour les élus\u00a0» est prêt"
    assert (
        f"http://testserver/diagnostics/{diagnostic.public_id}/rapports/fichiers/"
        f"{report.public_id}/" in message.body
    )
    assert SETTINGS_LINK in message.body


@pytest.mark.parametrize(
    ("queued_ago", "polled_ago"),
    [(120, 3), (5, None)],
    ids=["still-polling", "just-asked"],
)
@mock.patch("diagnostics.reports.files.render_report", return_value=b"%PDF-1.7 test")
def test_a_requester_still_on_the_page_gets_no_mail(
    _render, diagnostic, elu, queue, mail_server, queued_ago, polled_ago
):
    report = report_in_flight(diagnostic, elu, queued_ago=queued_ago, polled_ago=polled_ago)
    generate_report.call(report.pk)
    assert queue.results == []  # not even a task
    assert mail_server == []


@mock.patch("diagnostics.reports.files.render_report", return_value=b"%PDF-1.7 test")
def test_who_turned_report_mails_off_gets_none(_render, diagnostic, elu, queue, mail_server):
    turn_off(elu, "report_ready")
    report = report_in_flight(diagnostic, elu, queued_ago=120, polled_ago=60)
    generate_report.call(report.pk)
    run_queued_tasks(queue)
    assert mail_server == []


@mock.patch("diagnostics.reports.files.render_report", side_effect=RuntimeError("boom"))
def test_a_failed_render_sends_no_mail(_render, diagnostic, elu, queue, mail_server):
    report = report_in_flight(diagnostic, elu, queued_ago=120, polled_ago=60)
    generate_report.call(report.pk)
    assert queue.results == []


def test_the_status_page_notes_that_its_requester_is_still_there(client, diagnostic, elu, agent):
    report = report_in_flight(diagnostic, elu, queued_ago=120, polled_ago=60)
    url = reverse("report_status", args=[diagnostic.public_id, report.public_id])

    client.force_login(agent)  # someone else watching does not count
    client.get(url, headers={"Accept": "application/json"})
    report.refresh_from_db()
    assert timezone.now() - report.last_polled_at > timedelta(seconds=50)

    client.force_login(elu)
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.json()["status"] == "en_attente"
    report.refresh_from_db()
    assert timezone.now() - report.last_polled_at < timedelta(seconds=5)
    assert not report.requester_left()
