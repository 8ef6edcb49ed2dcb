"""The findings of the review of the two PDF reports (issue 16), each read back from the PDF."""

import io
import itertools
import re
from datetime import date
from decimal import Decimal
from unittest import mock

import pikepdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from diagnostics.enums import ActionPriority
from diagnostics.plan import services as plan_service
from diagnostics.questionnaire.answers import make_state, save_answer
from diagnostics.reports import data as report_data
from diagnostics.reports.pdf import render_html, render_report, report_snapshot
from diagnostics.results.radar import LABEL_FONT_SIZE
from diagnostics.results.report import build_report
from diagnostics.services import submit_diagnostic
from tests.diagnostics import report_cases
from tests.diagnostics.pdf_checks import (
    MM,
    flat_text,
    pdf_text,
    reachable_mcids,
    reader,
    struct_elements,
    text_marks,
)
from tests.factories import DiagnosticFactory

# WeasyPrint renders and the text is read back: CI runs these once, on PostgreSQL (.ci/run).
pytestmark = pytest.mark.pdf

# The radar's printed width (static/pdf/report.css, .radar).
RADAR_WIDTH_MM = 150


@pytest.fixture
def ten_high(diagnostic, agent, questions):
    return report_cases.ten_high_priority_actions(diagnostic, agent, questions)


def test_no_action_is_hidden_and_totals_are_rounded_as_the_rows(ten_high):
    # Ten actions of 5 500,50 €: each row 5 501 €, the group and the plan 55 005 € (not 55 000).
    for variant in ("synthese", "complet"):
        text = flat_text(render_report(ten_high, variant))
        for number in range(1, 11):
            assert f"Action {number} du plan" in text
        row = " ".join(report_data.euros(Decimal("5500.50")).split())
        assert row == "5 501 €"
        assert text.count(row) >= 10
        assert "Total — Priorité haute 55 005 €" in text
        assert "Ensemble du plan 10 55 005 €" in text
        assert "55 000" not in text


def test_the_summary_notes_the_high_priority_actions_it_leaves_out(diagnostic, agent, questions):
    report_cases.sixty_actions(diagnostic, agent, questions)
    high = [a for a in plan_service.plan_actions(diagnostic) if a.priority == ActionPriority.HIGH]
    left_out = high[report_data.SUMMARY_ROWS :]
    total = report_data.euros(sum((a.budget_amount for a in left_out), Decimal(0)))
    summary = flat_text(render_report(diagnostic, "synthese"))
    note = f"et {len(left_out)} autres actions ({total}), détaillées dans le rapport complet"
    assert " ".join(note.split()) in summary
    for action in high[: report_data.SUMMARY_ROWS]:
        assert action.title[:30] in summary
    # The other groups by their count and total; the full report has every action.
    assert re.search(r"Priorité moyenne \(détail dans le rapport complet\) 25 ", summary)
    full = flat_text(render_report(diagnostic, "complet"))
    for action in plan_service.plan_actions(diagnostic):
        assert action.title[:30] in full


def test_an_unfinished_diagnostic_reads_as_provisional(diagnostic, agent, questions):
    # Half of the recommendations answered, at the lowest level; the others not started.
    numbers = {1, 2, 3, 4, 5}
    for question in questions.questions:
        if question.recommendation.number in numbers:
            options = questions.options_by_question.get(question.pk, [])
            from diagnostics.question_kinds import kind_of

            value = kind_of(question).sample(question, options, level=0.0)
            save_answer(
                diagnostic=diagnostic,
                question=question,
                by=agent,
                state=make_state(value=value, not_applicable=False, comment=""),
                base_revision=0,
            )
    report = build_report(diagnostic)
    text = flat_text(render_report(diagnostic, "synthese"))
    assert "À ce stade" in text
    assert "Les priorités pour la suite du mandat" not in text
    assert "Aucune priorité" not in text
    not_started = [s for s in report.sections if s.number not in numbers]
    assert "Non commencées à ce stade" in text
    for section in not_started:
        title = section.recommendation.short_title
        assert f"{section.number}. {title}"[:25] in text
    # Priorities are named among the started recommendations only.
    for priority in report_data.priorities(report):
        assert priority.number in numbers
    assert text.count("non commencée") == len(not_started)


def test_nothing_evaluated_says_so_and_not_that_all_is_at_100(diagnostic):
    text = flat_text(render_report(diagnostic, "synthese"))
    assert "Aucune priorité" not in text
    assert "Aucune préconisation n’est encore évaluée" in text


def test_with_no_plan_the_summary_gives_the_proposed_actions_as_next_step(
    diagnostic, agent, questions
):
    report_cases.answer_all(diagnostic, agent, questions, level=0.0)
    report = build_report(diagnostic)
    text = flat_text(render_report(diagnostic, "synthese"))
    assert "figurent dans chaque préconisation" not in text
    assert "Prochaines étapes" in text
    assert "Établir le plan d’action à partir des actions proposées" in text
    assert report.priorities
    for section in report.priorities:
        for action in section.actions:
            assert " ".join(action.title.split())[:30] in text


def test_the_summary_prints_the_ten_scores_and_a_readable_radar(diagnostic, agent, questions):
    report_cases.answer_all(diagnostic, agent, questions, level=0.5)
    report = build_report(diagnostic)
    snapshot = report_snapshot(diagnostic, "synthese")
    data = render_report(diagnostic, "synthese")
    text = flat_text(data)
    assert "Préconisation Score Niveau Évolution" in text
    for row in snapshot.data["scores"]:
        assert f"{row['number']}. {row['title']} {row['score']} {row['level_label']}" in text
    # Labels of at least 7 pt once the radar is printed 150 mm wide.
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', snapshot.data["radar"]).group(1))
    assert LABEL_FONT_SIZE * RADAR_WIDTH_MM * MM / width >= 7
    assert f"width: {RADAR_WIDTH_MM}mm" in render_html(snapshot)
    # Its alternative text carries the ten values.
    with pikepdf.open(io.BytesIO(data)) as pdf:
        figures = [e for e in struct_elements(pdf) if e.get("/S") == "/Figure"]
        alt = str(figures[0].Alt)
    for section in report.sections:
        assert f"{section.number}. {section.recommendation.short_title}" in alt
    assert alt.count("sur 100") >= 10


def test_headers_footers_are_artifacts_header_cells_have_a_scope(ten_high):
    data = render_report(ten_high, "complet")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        reachable = reachable_mcids(pdf)
        for number, page in enumerate(pdf.pages[1:], start=2):
            marks = text_marks(page)
            # The running header and footer: text, in artifacts.
            assert sum(1 for _mcid, artifact in marks if artifact) >= 2, number
            for mcid, artifact in marks:
                if not artifact:
                    assert (page.objgen[0], mcid) in reachable, number
        headers = [e for e in struct_elements(pdf) if e.get("/S") == "/TH"]
        assert headers
        assert all(str(e.A.Scope) in ("/Column", "/Row") for e in headers)
    # No leader dots in the table of contents.
    assert "....." not in pdf_text(data)


def test_header_rows_repeat_on_continuation_pages(diagnostic, agent, questions):
    report_cases.sixty_actions(diagnostic, agent, questions)
    pages = [
        " ".join(page.extract_text().split())
        for page in reader(render_report(diagnostic, "complet")).pages
    ]
    # The pages of the plan's chapter (its title is in their running header).
    plan_pages = [
        text
        for text in pages
        if "du plan, avec un intitulé" in text and "Plan d’action Diagnostic 2026 Page" in text
    ]
    assert len(plan_pages) >= 3
    for text in plan_pages:
        assert "Action Porteur Échéance Budget Statut" in text


def test_comments_print_once(diagnostic, agent, questions):
    question = questions.questions[0]
    save_answer(
        diagnostic=diagnostic,
        question=question,
        by=agent,
        state=make_state(value=None, not_applicable=True, comment="Remarque unique 4242"),
        base_revision=0,
    )
    assert flat_text(render_report(diagnostic, "complet")).count("Remarque unique 4242") == 1


def test_dates_say_1er_and_changes_have_a_minus_sign_and_a_unit(
    collectivite, referent, catalogue, questions
):
    before = DiagnosticFactory(
        collectivite=collectivite,
        catalogue=catalogue,
        created_by=referent,
        title="2025",
        year=2025,
    )
    report_cases.answer_all(before, referent, questions, level=1.0)
    submit_diagnostic(diagnostic=before, by=referent)
    now = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent, year=2026
    )
    report_cases.answer_all(now, referent, questions, level=0.0)
    submit_diagnostic(diagnostic=now, by=referent)
    now.refresh_from_db()
    with mock.patch.object(report_data, "today", return_value=date(2026, 12, 1)):
        text = flat_text(render_report(now, "synthese"))
    assert "document établi le 1er décembre 2026" in text
    assert "À ce stade" not in text
    assert re.search(r"Le score global a reculé de \d+ points depuis «\s?2025\s?»", text)
    # The headline's change, with a true minus sign and its unit.
    assert re.search(r"Depuis le diagnostic précédent : −\d+ points", text)
    assert re.search(r"−\d+ points", text)
    assert not re.search(r"(?<![\w−])-\d+ points", text)


def test_no_automatic_hyphenation(diagnostic, agent, questions):
    report_cases.long_name(diagnostic, agent, questions)
    snapshot = report_snapshot(diagnostic, "synthese")
    html = " ".join(render_html(snapshot).split())
    lines = [
        line.strip()
        for page in reader(render_report(diagnostic, "synthese")).pages
        for line in page.extract_text().splitlines()
        if line.strip()
    ]
    for line, following in itertools.pairwise(lines):
        if line.endswith("-") and following:
            word = line.split()[-1] + following.split()[0]
            # A line may end on a hyphen only where the text itself has one.
            assert word in html, word


def test_emoji_are_left_out_with_a_note_and_arabic_is_marked(diagnostic, agent, questions):
    report_cases.long_texts(diagnostic, agent, questions)
    snapshot = report_snapshot(diagnostic, "complet")
    assert snapshot.data["emoji_removed"]
    html = render_html(snapshot)
    assert "🤝" not in html and "🌍" not in html
    assert '<span lang="ar" dir="rtl">' in html
    text = flat_text(render_report(diagnostic, "synthese"))
    assert "Les émojis des textes saisis ne sont pas reproduits dans ce document." in text


def test_an_unfinished_diagnostic_announces_no_drop(collectivite, referent, catalogue, questions):
    before = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent, title="2025", year=2025
    )
    report_cases.answer_all(before, referent, questions, level=1.0)
    submit_diagnostic(diagnostic=before, by=referent)
    now = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent, year=2026
    )
    # Not submitted: the figures are those of this stage.
    report_cases.answer_all(now, referent, questions, level=0.0)
    text = flat_text(render_report(now, "synthese"))
    assert "reculé" not in text
    assert "Depuis le diagnostic précédent" not in text
    assert re.search(r"À ce stade, l’écart avec « 2025 » est de −\d+ points", text)


@pytest.mark.parametrize("build", [report_data.summary, report_data.full_report])
def test_the_data_of_a_report_takes_as_many_queries_for_60_actions_as_for_5(
    build, diagnostic, agent, questions
):
    report_cases.answer_all(diagnostic, agent, questions, level=0.5)
    report_cases.add_actions(diagnostic, agent, 5, priority=ActionPriority.HIGH)
    with CaptureQueriesContext(connection) as few:
        build(diagnostic)
    report_cases.add_actions(diagnostic, agent, 55, priority=ActionPriority.HIGH)
    with CaptureQueriesContext(connection) as many:
        shown = build(diagnostic)
    assert sum(group["count"] for group in shown["plan_groups"]) == 60
    assert len(many.captured_queries) == len(few.captured_queries)
