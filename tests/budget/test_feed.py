"""The budget feeds recommendation 8 of the diagnostic: its 1 % and budget questions are answered
from the figures of the diagnostic's year, shown with their source, read-only, and scored."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone

from budget.enums import Holder
from budget.services import save_competences, save_year
from diagnostics.catalogue import catalogue_data
from diagnostics.enums import AnswerChangeKind, AnswerSource, DiagnosticStatus
from diagnostics.models import Answer
from diagnostics.questionnaire.answers import AnswerFromBudget, save_answer
from diagnostics.selectors import answers_by_question, score_answers
from diagnostics.services import create_diagnostic, reopen_diagnostic
from tests.factories import CollectiviteFactory

YEAR = timezone.localdate().year
ALL_HELD_BY_OTHERS = {
    "eau": {"holder": Holder.OTHER, "holder_name": "Syndicat des eaux"},
    "assainissement": {"holder": Holder.OTHER, "holder_name": "Syndicat des eaux"},
    "electricite_gaz": {"holder": Holder.OTHER, "holder_name": "Syndicat d’énergie"},
    "dechets": {"holder": Holder.OTHER, "holder_name": "Agglomération"},
    "mobilite": {"holder": Holder.OTHER, "holder_name": "Agglomération"},
}


@pytest.fixture
def diagnostic(catalogue_2026_2, collectivite, referent):
    return create_diagnostic(collectivite=collectivite, title="Diagnostic", by=referent, year=YEAR)


def competences(collectivite, by, **changes):
    values = {**ALL_HELD_BY_OTHERS}
    for mechanism, holder in changes.items():
        values[mechanism] = {"holder": holder}
    save_competences(collectivite=collectivite, values=values, by=by)


def answer(diagnostic, code):
    question = catalogue_data(diagnostic.catalogue_id).question_by_code(code)
    return Answer.objects.filter(diagnostic=diagnostic, question=question).first()


def option_label(diagnostic, answer_):
    return catalogue_data(diagnostic.catalogue_id).options_by_id[answer_.value].label


def test_without_figures_nothing_is_answered(diagnostic):
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()


def test_committed_amounts_answer_the_1_percent_questions(diagnostic, collectivite, referent):
    competences(collectivite, referent, eau=Holder.SELF, mobilite=Holder.SELF)
    # Mobility: committed this year and last year; water: this year only.
    for year, mechanisms in (
        (YEAR - 1, {"mobilite": {"resources": Decimal(5_000_000), "committed": Decimal(1000)}}),
        (
            YEAR,
            {
                "eau": {"resources": Decimal("4180000"), "committed": Decimal("12000.50")},
                "mobilite": {"resources": Decimal(5_000_000), "committed": Decimal(2000)},
            },
        ),
    ):
        save_year(
            collectivite=collectivite, year=year, mechanisms=mechanisms, sources=None, by=referent
        )

    water = answer(diagnostic, "R8.Q2")
    assert water.source == AnswerSource.BUDGET
    assert option_label(diagnostic, water) == "Oui, ponctuellement"
    assert water.updated_by == referent
    change = water.changes.get(revision=water.revision)
    assert change.kind == AnswerChangeKind.FROM_BUDGET
    mobility = answer(diagnostic, "R8.Q10")
    assert (
        option_label(diagnostic, mobility)
        == "Oui, chaque année, dans une programmation pluriannuelle"
    )
    # Energy and waste: held by other bodies, hence « Non concerné ».
    for code in ("R8.Q8", "R8.Q9"):
        assert answer(diagnostic, code).not_applicable
        assert answer(diagnostic, code).source == AnswerSource.BUDGET
    # The services the collectivité runs itself: water and mobility.
    options = catalogue_data(diagnostic.catalogue_id).options_by_id
    services = answer(diagnostic, "R8.Q7")
    assert [options[pk].label for pk in services.value] == [
        "Distribution d’eau potable",
        "Organisation de la mobilité (autorité organisatrice de la mobilité)",
    ]
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.IN_PROGRESS


def test_nothing_committed_leaves_the_question_to_the_agents(diagnostic, collectivite, referent):
    competences(collectivite, referent, eau=Holder.SELF)
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal("4180000")}},
        sources=None,
        by=referent,
    )
    assert answer(diagnostic, "R8.Q2") is None


def test_figures_of_another_year_do_not_answer(diagnostic, collectivite, referent):
    competences(collectivite, referent, eau=Holder.SELF)
    save_year(
        collectivite=collectivite,
        year=YEAR - 1,
        mechanisms={"eau": {"resources": Decimal(1_000_000), "committed": Decimal(5000)}},
        sources=None,
        by=referent,
    )
    assert answer(diagnostic, "R8.Q2") is None


def test_another_collectivites_figures_never_reach_the_diagnostic(diagnostic, referent):
    other = CollectiviteFactory()
    competences(other, referent, eau=Holder.SELF)
    save_year(
        collectivite=other,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal(1_000_000), "committed": Decimal(5000)}},
        sources=None,
        by=referent,
    )
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()


def test_the_budget_by_source_answers_the_annual_budget(diagnostic, collectivite, referent):
    competences(collectivite, referent, eau=Holder.SELF)
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal(1_000_000), "committed": Decimal("2500.25")}},
        sources={"own_budget": Decimal(80_000), "cofunding_eu": Decimal(20_000)},
        by=referent,
    )
    # 80 000 + 2 500,25 + 20 000, staff excluded.
    assert answer(diagnostic, "R8.Q6").value == "102500.25"
    assert answer(diagnostic, "R8.Q6").source == AnswerSource.BUDGET


def test_a_derived_answer_cannot_be_changed_in_the_questionnaire(
    diagnostic, collectivite, referent, client
):
    competences(collectivite, referent, eau=Holder.SELF)
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal(1_000_000), "committed": Decimal(5000)}},
        sources=None,
        by=referent,
    )
    water = answer(diagnostic, "R8.Q2")
    question = water.question
    no = catalogue_data(diagnostic.catalogue_id).options_by_question[question.pk][0]
    with pytest.raises(AnswerFromBudget):
        save_answer(
            diagnostic=diagnostic,
            question=question,
            by=referent,
            state={"value": no.pk, "not_applicable": False, "comment": ""},
            base_revision=water.revision,
        )
    client.force_login(referent)
    response = client.post(
        reverse("diagnostic_answer", args=[diagnostic.public_id, "R8.Q2"]),
        {"R8.Q2-value": no.pk, "R8.Q2-revision": water.revision},
    )
    assert response.status_code == 400
    assert "tirée du budget" in response.json()["errors"]["value"][0]
    # The page post skips it (its fields are disabled, nothing posted) and saves the others.
    page = reverse("diagnostic_recommendation", args=[diagnostic.public_id, 8])
    response = client.post(page, {"R8.Q1-value": "2", "R8.Q1-revision": "0"})
    assert response.status_code == 302
    assert answer(diagnostic, "R8.Q2").value == water.value
    assert answer(diagnostic, "R8.Q1").value == 2


def test_the_questionnaire_shows_the_source_and_disables_the_fields(
    diagnostic, collectivite, referent, client
):
    competences(collectivite, referent, eau=Holder.SELF)
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal(1_000_000), "committed": Decimal(5000)}},
        sources=None,
        by=referent,
    )
    client.force_login(referent)
    html = client.get(reverse("diagnostic_recommendation", args=[diagnostic.public_id, 8]))
    text = html.content.decode()
    assert "D’après le budget saisi le" in text
    assert reverse("budget_year", args=[collectivite.public_id, YEAR]) in text
    card = text[text.index('id="q-R8.Q2"') :]
    card = card[: card.index('class="question-card"')]
    assert 'name="R8.Q2-value"' in card
    assert "disabled" in card[card.index('name="R8.Q2-value"') - 200 :][:400]


def test_removed_figures_leave_the_answer_editable_again(diagnostic, collectivite, referent):
    competences(collectivite, referent, eau=Holder.SELF)
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal(1_000_000), "committed": Decimal(5000)}},
        sources=None,
        by=referent,
    )
    derived = answer(diagnostic, "R8.Q2")
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": None, "committed": None}},
        sources=None,
        by=referent,
    )
    kept = answer(diagnostic, "R8.Q2")
    assert kept.value == derived.value
    assert kept.source == AnswerSource.TYPED
    _saved, changed = save_answer(
        diagnostic=diagnostic,
        question=kept.question,
        by=referent,
        state={"value": None, "not_applicable": False, "comment": ""},
        base_revision=kept.revision,
    )
    assert changed


def test_the_score_uses_the_derived_answers(diagnostic, collectivite, referent):
    data = catalogue_data(diagnostic.catalogue_id)
    before = score_answers(data, answers_by_question(diagnostic), diagnostic=diagnostic)
    competences(collectivite, referent, eau=Holder.SELF)
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal(1_000_000), "committed": Decimal(5000)}},
        sources=None,
        by=referent,
    )
    after = score_answers(data, answers_by_question(diagnostic), diagnostic=diagnostic)
    question = data.question_by_code("R8.Q2")
    result = next(q for q in after.recommendation(8).questions if q.question_id == question.pk)
    # « Oui, ponctuellement » is worth 0,6.
    assert result.answered and result.value == Fraction(3, 5)
    assert after.recommendation(8).score != before.recommendation(8).score


def test_a_submitted_diagnostic_keeps_its_answers_until_reopened(
    diagnostic, collectivite, referent
):
    diagnostic.status = DiagnosticStatus.SUBMITTED
    diagnostic.save(update_fields=["status"])
    competences(collectivite, referent, eau=Holder.SELF)
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal(1_000_000), "committed": Decimal(5000)}},
        sources=None,
        by=referent,
    )
    assert answer(diagnostic, "R8.Q2") is None
    reopen_diagnostic(diagnostic=diagnostic, by=referent, reason="Chiffres du budget")
    assert answer(diagnostic, "R8.Q2").source == AnswerSource.BUDGET


def test_a_new_diagnostic_starts_from_the_figures(catalogue_2026_2, collectivite, referent):
    competences(collectivite, referent, eau=Holder.SELF)
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal(1_000_000), "committed": Decimal(5000)}},
        sources={"own_budget": Decimal(1000)},
        by=referent,
    )
    diagnostic = create_diagnostic(
        collectivite=collectivite, title="Nouveau", by=referent, year=YEAR
    )
    assert answer(diagnostic, "R8.Q2").source == AnswerSource.BUDGET
    assert answer(diagnostic, "R8.Q6").value == "6000"


def test_catalogue_2026_1_waste_or_mobility_question(catalogue, collectivite, referent):
    diagnostic = create_diagnostic(collectivite=collectivite, title="D", by=referent, year=YEAR)
    competences(collectivite, referent, dechets=Holder.SELF)
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"dechets": {"resources": Decimal(1_000_000), "committed": Decimal(700)}},
        sources=None,
        by=referent,
    )
    assert option_label(diagnostic, answer(diagnostic, "R8.Q3")) == "Oui, ponctuellement"
    # Water and sanitation both held by others: « Non concerné ».
    assert answer(diagnostic, "R8.Q2").not_applicable


def test_the_history_says_the_answer_came_from_the_budget(
    diagnostic, collectivite, referent, client
):
    competences(collectivite, referent, eau=Holder.SELF)
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal(1_000_000), "committed": Decimal(5000)}},
        sources=None,
        by=referent,
    )
    client.force_login(referent)
    url = reverse("diagnostic_answer_history", args=[diagnostic.public_id, "R8.Q2"])
    page = client.get(url).content.decode()
    assert "Oui, ponctuellement (tirée du budget saisi)" in page
