"""A diagnostic keeps the method version it was scored with: a method-1 diagnostic shows the
figures it was submitted with, new submissions are scored with method 2 (applicability rules,
« Je ne sais pas »)."""

from fractions import Fraction

import pytest
from django.urls import reverse

from diagnostics.catalogue import catalogue_data, clear_catalogue_cache
from diagnostics.enums import DiagnosticStatus
from diagnostics.models import Answer, RecommendationScore
from diagnostics.results.report import build_report
from diagnostics.scoring import State
from diagnostics.selectors import answers_by_question, score_answers
from diagnostics.services import submit_diagnostic
from recommendations.models import Question
from tests.diagnostics.test_results import HAND_ANSWERS, fill, small_catalogue
from tests.factories import DiagnosticFactory

# HAND_ANSWERS under method 1 (tests/diagnostics/test_results.py): S1 = 100 × 31/48 = 64,58…,
# S2 = 33,33…, S = 48,958… Under method 2 for a commune, with A2 (oui, 1) only asked of
# départements: S1 = 100 × (2 × 2/3 + 0,25) ÷ 3 = 52,77…, S = (52,77… + 33,33…) ÷ 2 = 43,05…
V1_S1 = Fraction(3100, 48)
V1_OVERALL = (V1_S1 + Fraction(100, 3)) / 2
V2_S1 = 100 * (2 * Fraction(2, 3) + Fraction(1, 4)) / 3
V2_OVERALL = (V2_S1 + Fraction(100, 3)) / 2


@pytest.fixture
def version(db):
    version = small_catalogue()
    Question.objects.filter(recommendation__catalogue=version, code="A2").update(
        applies_to_kinds=["departement", "region"]
    )
    clear_catalogue_cache()
    return version


def stored_as_method_1(diagnostic):
    """What a submission made before method 2 left: method "1" and its figures."""
    data = catalogue_data(diagnostic.catalogue_id)
    result = score_answers(data, answers_by_question(diagnostic))
    assert result.method_version == "2"
    diagnostic.status = DiagnosticStatus.SUBMITTED
    diagnostic.method_version = "1"
    diagnostic.overall_score = float(V1_OVERALL)
    diagnostic.save()
    RecommendationScore.objects.bulk_create(
        RecommendationScore(diagnostic=diagnostic, number=n, score=s)
        for n, s in ((1, float(V1_S1)), (2, 100 / 3), (3, None))
    )


def test_a_method_1_diagnostic_keeps_its_figures(client, version, collectivite, referent):
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version, year=2025)
    fill(diagnostic, referent, HAND_ANSWERS)
    stored_as_method_1(diagnostic)
    report = build_report(diagnostic)
    assert report.result.method_version == "1"
    assert report.result.overall == V1_OVERALL
    assert report.result.recommendation(1).score == V1_S1
    a2 = report.section(1).questions[1]
    assert a2.question.code == "A2" and a2.result.state == State.ANSWERED
    client.force_login(referent)
    content = client.get(reverse("diagnostic_results", args=[diagnostic.public_id])).content
    content = content.decode()
    assert ">49<" in content and ">65<" in content


def test_a_new_submission_is_scored_with_method_2(version, collectivite, referent):
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version, year=2026)
    fill(diagnostic, referent, HAND_ANSWERS)
    submit_diagnostic(diagnostic=diagnostic, by=referent)
    diagnostic.refresh_from_db()
    assert diagnostic.method_version == "2"
    assert diagnostic.overall_score == pytest.approx(float(V2_OVERALL))
    scores = dict(diagnostic.recommendation_scores.values_list("number", "score"))
    assert scores[1] == pytest.approx(float(V2_S1))
    report = build_report(diagnostic)
    assert report.result.overall == V2_OVERALL
    assert report.section(1).questions[1].result.state == State.NOT_ASKED


def test_dont_know_counts_as_answered_and_zero_in_method_2(version, collectivite, referent):
    # B1 « Je ne sais pas »: S2 = 0 (B2 « Non concerné »), answered for completeness.
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version, year=2026)
    fill(diagnostic, referent, HAND_ANSWERS)
    Answer.objects.filter(diagnostic=diagnostic, question__code="B1").update(
        value=None, dont_know=True
    )
    report = build_report(diagnostic)
    section = report.section(2)
    assert section.result.score == 0
    assert section.result.dont_know == 1
    assert (section.result.answered, section.result.asked) == (2, 2)


def test_a_required_question_not_asked_does_not_block_submission(version, collectivite, referent):
    answers = {code: value for code, value in HAND_ANSWERS.items() if code != "A2"}
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version, year=2026)
    fill(diagnostic, referent, answers)
    submit_diagnostic(diagnostic=diagnostic, by=referent)
    diagnostic.refresh_from_db()
    assert diagnostic.is_submitted


def test_dont_know_answers_are_counted_on_the_results_and_in_the_report(
    client, version, collectivite, referent
):
    from diagnostics.reports.data import full_report

    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version, year=2026)
    fill(diagnostic, referent, HAND_ANSWERS)
    Answer.objects.filter(diagnostic=diagnostic, question__code__in=["A1", "A3"]).update(
        value=None, dont_know=True
    )
    client.force_login(referent)
    content = client.get(reverse("diagnostic_results", args=[diagnostic.public_id])).content
    assert "2 réponses “Je ne sais pas” en préconisation 1" in content.decode()
    detail = client.get(reverse("diagnostic_results_detail", args=[diagnostic.public_id, 1]))
    assert "Je ne sais pas" in detail.content.decode()
    # A2 is not asked of a commune: shown as such, not as unanswered.
    assert "Question non posée à cette collectivité" in detail.content.decode()
    sections = {s["number"]: s for s in full_report(diagnostic)["sections"]}
    assert sections[1]["dont_know"].startswith("2 réponses “Je ne sais pas” en préconisation 1.")
    assert "interrogez le service concerné" in sections[1]["dont_know"]
    assert sections[2]["dont_know"] is None
