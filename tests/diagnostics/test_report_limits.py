"""One agent cannot flood the PDF worker: one render in flight per report and diagnostic, an
hourly ceiling per collectivité, and a queue that serves every collectivité in turn."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from diagnostics.catalogue import catalogue_data
from diagnostics.enums import ReportStatus
from diagnostics.models import ReportFile
from diagnostics.questionnaire.answers import make_state, save_answer
from diagnostics.reports.files import RenderLimitReached, request_report
from tests.diagnostics.helpers import small_catalogue
from tests.factories import DiagnosticFactory, MembershipFactory


@pytest.fixture
def database_queue(settings):
    """Reports wait in the database queue, as in production, instead of being rendered at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def version(db):
    return small_catalogue()


def request_url(diagnostic, variant="synthese"):
    return reverse("report_request", args=[diagnostic.public_id, variant])


def queued_report_ids():
    """The reports waiting for the worker, in the order it takes them."""
    return [task.args_kwargs["args"][0] for task in DBTaskResult.objects.ready()]


def test_a_second_request_while_a_render_is_queued_shows_its_progress(
    client, collectivite, agent, version, database_queue
):
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version)
    client.force_login(agent)
    first = client.post(request_url(diagnostic))
    again = client.post(request_url(diagnostic))
    assert first.status_code == again.status_code == 302
    assert again.url == first.url
    assert DBTaskResult.objects.count() == 1
    # New data makes a new report, but not while this kind of report is still being rendered.
    question = catalogue_data(version.pk).question_by_code("A1")
    state = make_state(value=2, not_applicable=False, comment="")
    save_answer(diagnostic=diagnostic, question=question, by=agent, state=state, base_revision=0)
    response = client.post(request_url(diagnostic), follow=True)
    assert response.redirect_chain[0][0] == first.url
    assert "il ne contient pas les dernières modifications" in response.content.decode()
    assert DBTaskResult.objects.count() == 1
    assert ReportFile.objects.count() == 1
    # The other kind of report has its own render.
    assert client.post(request_url(diagnostic, "complet")).url != first.url
    assert DBTaskResult.objects.count() == 2


def test_a_render_still_in_flight_after_a_retry_is_not_queued_twice(
    collectivite, agent, version, database_queue
):
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version)
    report = request_report(diagnostic=diagnostic, variant="synthese", by=agent)
    ReportFile.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED, created_at="2020-01-01T00:00:00Z"
    )
    assert request_report(diagnostic=diagnostic, variant="synthese", by=agent) == report
    assert request_report(diagnostic=diagnostic, variant="synthese", by=agent) == report
    assert DBTaskResult.objects.count() == 2  # the first render and the retry, no more


def test_past_the_hourly_ceiling_a_request_gets_429_in_french_and_queues_nothing(
    client, collectivite, agent, version, database_queue, settings
):
    settings.REPORT_RENDER_LIMIT_PER_HOUR = 2
    first, second, third = DiagnosticFactory.create_batch(
        3, collectivite=collectivite, catalogue=version
    )
    client.force_login(agent)
    assert client.post(request_url(first)).status_code == 302
    assert client.post(request_url(second)).status_code == 302
    response = client.post(request_url(third))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    content = response.content.decode()
    assert "Trop de rapports demandés" in content
    assert "Votre collectivité a déjà lancé 2 générations de rapports PDF" in content
    assert "rien n’est perdu" in content
    assert DBTaskResult.objects.count() == 2
    assert not ReportFile.objects.filter(diagnostic=third).exists()
    # A render already queued is still shown, and another collectivité is not held back.
    assert client.post(request_url(first)).status_code == 302
    other = MembershipFactory(role="agent")
    client.force_login(other.user)
    elsewhere = DiagnosticFactory(collectivite=other.collectivite, catalogue=version)
    assert client.post(request_url(elsewhere)).status_code == 302
    assert DBTaskResult.objects.count() == 3


def test_a_report_already_generated_is_served_past_the_ceiling(
    client, collectivite, agent, version, settings
):
    settings.REPORT_RENDER_LIMIT_PER_HOUR = 1
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version)
    client.force_login(agent)
    assert client.post(request_url(diagnostic)).status_code == 302  # rendered at once in tests
    report = ReportFile.objects.get()
    assert report.status == ReportStatus.READY
    again = client.post(request_url(diagnostic))
    assert again.url == reverse("report_download", args=[diagnostic.public_id, report.public_id])
    with pytest.raises(RenderLimitReached):
        request_report(diagnostic=diagnostic, variant="complet", by=agent)


def test_a_collectivite_with_renders_in_flight_waits_behind_the_others(version, database_queue):
    busy = MembershipFactory(role="agent")
    first, second = DiagnosticFactory.create_batch(
        2, collectivite=busy.collectivite, catalogue=version
    )
    other = MembershipFactory(role="agent")
    elsewhere = DiagnosticFactory(collectivite=other.collectivite, catalogue=version)

    a1 = request_report(diagnostic=first, variant="synthese", by=busy.user)
    a2 = request_report(diagnostic=first, variant="complet", by=busy.user)
    a3 = request_report(diagnostic=second, variant="synthese", by=busy.user)
    b1 = request_report(diagnostic=elsewhere, variant="synthese", by=other.user)

    priorities = dict(DBTaskResult.objects.values_list("args_kwargs__args__0", "priority"))
    assert priorities == {a1.pk: 0, a2.pk: -1, a3.pk: -2, b1.pk: 0}
    assert queued_report_ids() == [a1.pk, b1.pk, a2.pk, a3.pk]
