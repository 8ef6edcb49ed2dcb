"""The summary for partners: the élus' summary in English, with the same figures (issue 18)."""

import pytest
from django.urls import reverse
from django.utils import translation

from diagnostics.models import ReportFile
from diagnostics.reports.pdf import render_html, render_report, report_snapshot
from tests.diagnostics import report_cases
from tests.diagnostics.pdf_checks import flat_text, pdfua_findings

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


@pytest.fixture
def answered(diagnostic, agent, questions):
    report_cases.answer_all(diagnostic, agent, questions, level=0.5)
    return diagnostic


def test_the_partners_summary_is_in_english_with_the_summary_s_figures(answered):
    french = report_snapshot(answered, "synthese")
    english = report_snapshot(answered, "partenaire")
    assert english.content_hash != french.content_hash
    # Same figures, row by row: numbers, scores and completeness; only the words change.
    assert [(r["number"], r["score"]) for r in english.data["scores"]] == [
        (r["number"], r["score"]) for r in french.data["scores"]
    ]
    assert english.data["audience"] == "partners"
    html = render_html(english)
    assert '<html lang="en">' in html
    text = flat_text(render_report(answered, "partenaire"))
    assert "Summary for partners" in text
    assert "Synthèse pour les élus" not in text
    assert "Action plan" in text
    # The maturity levels are those of the method, in English.
    levels = {r["level_label"] for r in english.data["scores"]}
    assert levels <= {"Emerging", "Developing", "Structured", "Integrated"}, levels


def test_the_language_of_a_report_does_not_follow_the_person_asking(answered):
    with translation.override("en"):
        french = flat_text(render_report(answered, "synthese"))
    assert "Synthèse pour les élus" in french
    assert "Summary for partners" not in french
    with translation.override("fr"):
        english = flat_text(render_report(answered, "partenaire"))
    assert "Summary for partners" in english
    # Whoever asks, the same data gives the same file.
    with translation.override("en"):
        first = report_snapshot(answered, "partenaire").content_hash
    with translation.override("fr"):
        assert report_snapshot(answered, "partenaire").content_hash == first


def test_the_partners_summary_passes_the_pdf_ua_checker(answered):
    assert pdfua_findings(render_report(answered, "partenaire")) == []


def test_an_elu_downloads_it_under_an_english_file_name(client, answered, elu):
    client.force_login(elu)
    response = client.post(reverse("report_request", args=[answered.public_id, "partenaire"]))
    report = ReportFile.objects.get(diagnostic=answered, variant="partenaire")
    assert response.status_code == 302
    download = client.get(reverse("report_download", args=[answered.public_id, report.public_id]))
    assert download.status_code == 200
    assert 'filename="summary-for-partners-' in download["Content-Disposition"]
    assert "Summary for partners" in flat_text(b"".join(download.streaming_content))
