import io
import time
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from diagnostics.enums import ReportStatus
from diagnostics.models import ReportFile
from diagnostics.plan import services as plan_service
from diagnostics.questionnaire.answers import make_state, save_answer
from diagnostics.reports.files import generate_report, request_report
from diagnostics.reports.pdf import render_report
from diagnostics.results.report import build_report
from diagnostics.scoring import round_half_up
from tests.diagnostics.helpers import answer_everything
from tests.factories import MembershipFactory

# WeasyPrint renders and the text is read back: CI runs these once, on PostgreSQL (.ci/run).
pytestmark = pytest.mark.pdf


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def filled(client, diagnostic, agent, questions):
    client.force_login(agent)
    answer_everything(client, diagnostic, questions, high=False)
    report = build_report(diagnostic)
    plan_service.accept_proposals(
        diagnostic=diagnostic,
        items=plan_service.proposals(report, []),
        by=agent,
    )
    return diagnostic


def test_the_full_report_contains_what_the_results_page_shows(client, filled, agent):
    text = pdf_text(render_report(filled, "complet"))
    flat = " ".join(text.split())
    assert filled.collectivite.name in flat
    report = build_report(filled)
    for section in report.sections:
        assert section.recommendation.short_title in flat
    results_page = client.get(reverse("diagnostic_results", args=[filled.public_id]))
    overall = round_half_up(report.result.overall)
    assert f">{overall}<" in results_page.content.decode()
    assert f"{overall} / 100" in flat
    for action in plan_service.plan_actions(filled)[:5]:
        assert " ".join(action.title.split())[:40] in flat
    assert "Méthode de calcul" in flat
    assert "Provisoire" in flat or "provisoire" in flat


def test_the_pdf_is_tagged_pdf_ua_in_french_with_a_title(filled):
    reader = PdfReader(io.BytesIO(render_report(filled, "complet")))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid" in metadata
    assert filled.collectivite.name in reader.metadata.title


def test_the_summary_for_elus_has_two_to_four_pages(filled):
    reader = PdfReader(io.BytesIO(render_report(filled, "synthese")))
    assert 2 <= len(reader.pages) <= 4
    assert "Synthèse pour les élus" in pdf_text(render_report(filled, "synthese"))


def test_hostile_texts_are_escaped_and_wrapped(filled, agent, questions):
    question = questions.questions[0]
    comment = "<b>gras</b><script>alert(1)</script> 😀 " + "x" * 300
    save_answer(
        diagnostic=filled,
        question=question,
        by=agent,
        state=make_state(value=None, not_applicable=False, comment=comment),
        base_revision=1,
    )
    recommendation = filled.catalogue.recommendations.get(number=1)
    for index in range(200):
        plan_service.add_action(
            diagnostic=filled,
            by=agent,
            values={
                "title": f"Action {index} <i>italique</i>",
                "recommendation": recommendation,
                "description": "Description très longue. " * 400 if index == 0 else "",
            },
        )
    # Lines may wrap anywhere in these long texts: compare without whitespace.
    text = "".join(pdf_text(render_report(filled, "complet")).split())
    assert "<b>gras</b><script>alert(1)</script>" in text
    assert "Action199<i>italique</i>" in text


def test_a_report_is_generated_once_then_served_from_the_cache(client, filled, elu):
    client.force_login(elu)
    url = reverse("report_request", args=[filled.public_id, "complet"])
    with mock.patch("diagnostics.reports.files.render_report", wraps=render_report) as render:
        first = client.post(url)
        second = client.post(url)
    assert render.call_count == 1
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    download = client.get(first.url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    body = b"".join(download.streaming_content)
    download.close()
    assert body.startswith(b"%PDF")
    assert filled.collectivite.name in pdf_text(body)


@mock.patch("diagnostics.reports.files.render_report", return_value=b"%PDF-1.7 test")
def test_any_change_makes_a_new_report(_render, filled, agent, questions):
    first = request_report(diagnostic=filled, variant="complet", by=agent)
    question = questions.questions[1]
    save_answer(
        diagnostic=filled,
        question=question,
        by=agent,
        state=make_state(value=None, not_applicable=False, comment="Nouveau commentaire"),
        base_revision=1,
    )
    second = request_report(diagnostic=filled, variant="complet", by=agent)
    assert second.pk != first.pk
    assert second.content_hash != first.content_hash
    action = plan_service.plan_actions(filled)[0]
    plan_service.update_action(
        action=action, by=agent, values={"owner": "Cabinet du maire"}, base_revision=1
    )
    third = request_report(diagnostic=filled, variant="complet", by=agent)
    assert third.content_hash not in {first.content_hash, second.content_hash}


def test_a_failed_render_leaves_no_file_and_can_be_retried(filled, agent):
    with mock.patch("diagnostics.reports.files.render_report", side_effect=RuntimeError("boom")):
        report = request_report(diagnostic=filled, variant="synthese", by=agent)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "échoué" in report.error
    assert not report.file
    assert not default_storage.exists(
        f"rapports/{filled.public_id}/synthese-{report.content_hash}.pdf"
    )
    retried = request_report(diagnostic=filled, variant="synthese", by=agent)
    retried.refresh_from_db()
    assert retried.pk == report.pk
    assert retried.status == ReportStatus.READY
    assert default_storage.exists(retried.file.name)


def test_a_render_that_takes_too_long_is_stopped(filled, agent, settings):
    settings.REPORT_RENDER_TIMEOUT = 1

    def slow(*args, **kwargs):
        time.sleep(5)
        return b"%PDF-never"

    with mock.patch("diagnostics.reports.files.render_report", side_effect=slow):
        report = request_report(diagnostic=filled, variant="synthese", by=agent)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "trop de temps" in report.error
    assert not report.file


def test_the_status_page_reports_a_failure_in_french(client, filled, elu):
    client.force_login(elu)
    with mock.patch("diagnostics.reports.files.render_report", side_effect=RuntimeError("boom")):
        response = client.post(reverse("report_request", args=[filled.public_id, "complet"]))
    page = client.get(response.url).content.decode()
    assert "La génération du rapport a échoué" in page
    assert "Relancer la génération" in page
    data = client.get(response.url, HTTP_ACCEPT="application/json").json()
    assert data["status"] == "echec"


@pytest.fixture
def database_queue(settings):
    """Reports go through the database queue, as in production, instead of running at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_hands_the_render_to_a_worker(filled, agent, database_queue):
    report = request_report(diagnostic=filled, variant="synthese", by=agent)
    assert report.status == ReportStatus.PENDING
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert default_storage.exists(report.file.name)


def test_tests_render_reports_at_once_unless_they_ask_for_the_queue(filled, agent):
    report = request_report(diagnostic=filled, variant="synthese", by=agent)
    assert report.status == ReportStatus.READY
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize("role", ["referent", "agent", "elu"])
def test_every_member_downloads_reports(client, filled, role):
    user = MembershipFactory(collectivite=filled.collectivite, role=role).user
    client.force_login(user)
    response = client.post(reverse("report_request", args=[filled.public_id, "synthese"]))
    assert response.status_code == 302
    download = client.get(response.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    download.close()


def test_outsiders_get_404_for_reports(client, filled, agent, outsider):
    report = request_report(diagnostic=filled, variant="synthese", by=agent)
    client.force_login(outsider)
    assert (
        client.post(reverse("report_request", args=[filled.public_id, "synthese"])).status_code
        == 404
    )
    for name in ["report_status", "report_download"]:
        url = reverse(name, args=[filled.public_id, report.public_id])
        assert client.get(url).status_code == 404


def test_an_unknown_variant_is_404(client, filled, elu):
    client.force_login(elu)
    assert (
        client.post(reverse("report_request", args=[filled.public_id, "autre"])).status_code == 404
    )


def test_generate_report_ignores_a_report_already_taken(filled, agent):
    report = ReportFile.objects.create(
        diagnostic=filled, variant="synthese", content_hash="x" * 64, status=ReportStatus.RUNNING
    )
    generate_report.call(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING
