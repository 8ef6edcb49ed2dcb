"""Method version 2 (SCORING.md, sections marked v2): the five states of a question, the
applicability rule in scoring, « Je ne sais pas », suggested actions and strengths, against
hand-computed examples; and method 1, still computable for the diagnostics scored with it."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagnostics.scoring import (
    ActionSpec,
    AnswerData,
    Applicability,
    CatalogueSpec,
    Kind,
    QuestionSpec,
    RecommendationSpec,
    State,
    answer_is_given,
    answer_value,
    question_state,
    score_diagnostic,
)

DONT_KNOW = AnswerData(dont_know=True)
NOT_APPLICABLE = AnswerData(not_applicable=True)
FOR_DEPARTEMENTS = Applicability(kinds={"departement", "region"})


def boolean(id, rec=1, **fields):
    return QuestionSpec(id=id, recommendation=rec, kind=Kind.BOOLEAN, **fields)


def scale(id, rec=1, levels=5, **fields):
    return QuestionSpec(id=id, recommendation=rec, kind=Kind.SCALE, level_count=levels, **fields)


def spec(*questions, actions=()):
    numbers = sorted({q.recommendation for q in questions})
    return CatalogueSpec(
        recommendations=tuple(RecommendationSpec(n) for n in numbers),
        questions=questions,
        actions=actions,
    )


def states(result, number=1):
    return [q.state for q in result.recommendation(number).questions]


# The five states


def test_each_state_counts_as_the_method_says():
    # Q1 answered oui (1), Q2 unanswered (0), Q3 « Non concerné » (left out), Q4 « Je ne sais
    # pas » (0), Q5 not asked of a commune (left out): S = 100 * 1 / 3, completeness 3 / 4.
    catalogue = spec(
        boolean(1),
        boolean(2),
        boolean(3, allows_not_applicable=True),
        boolean(4),
        boolean(5, applicability=FOR_DEPARTEMENTS),
    )
    answers = {
        1: AnswerData(value=True),
        3: NOT_APPLICABLE,
        4: DONT_KNOW,
        5: AnswerData(value=True),
    }
    result = score_diagnostic(catalogue, answers, collectivite_kind="commune")
    assert states(result) == [
        State.ANSWERED,
        State.UNANSWERED,
        State.NOT_APPLICABLE,
        State.DONT_KNOW,
        State.NOT_ASKED,
    ]
    rec = result.recommendation(1)
    assert rec.score == Fraction(100, 3)
    assert (rec.answered, rec.asked) == (3, 4)
    assert result.completeness == Fraction(3, 4)
    assert rec.dont_know == result.dont_know == 1
    values = [q.value for q in rec.questions]
    assert values == [1, 0, None, 0, None]
    assert [q.contribution for q in rec.questions] == [Fraction(100, 3), 0, None, 0, None]
    assert [q.asked for q in rec.questions] == [True, True, True, True, False]


def test_the_same_answers_of_a_departement_ask_every_question():
    catalogue = spec(boolean(1), boolean(2, applicability=FOR_DEPARTEMENTS))
    answers = {1: AnswerData(value=True), 2: AnswerData(value=True)}
    result = score_diagnostic(catalogue, answers, collectivite_kind="departement")
    assert states(result) == [State.ANSWERED, State.ANSWERED]
    assert result.overall == 100
    commune = score_diagnostic(catalogue, answers, collectivite_kind="commune")
    # The value the not-asked question still holds is ignored.
    assert commune.overall == 100
    assert (commune.answered, commune.asked) == (1, 1)


def test_a_recommendation_whose_every_question_is_not_asked_is_not_evaluated():
    catalogue = spec(boolean(1), boolean(2, rec=2, applicability=FOR_DEPARTEMENTS))
    result = score_diagnostic(catalogue, {1: AnswerData(value=False)}, collectivite_kind="commune")
    rec = result.recommendation(2)
    assert rec.score is None and rec.level is None
    assert (rec.asked, rec.completeness) == (0, None)
    assert result.overall == 0
    assert result.priorities == (1,)


@pytest.mark.parametrize(
    "condition_answer, asked",
    [
        (AnswerData(value=True), True),
        (AnswerData(value=False), False),
        (None, True),
        (DONT_KNOW, True),
        (NOT_APPLICABLE, True),
    ],
)
def test_a_condition_hides_a_question_only_on_a_definite_answer(condition_answer, asked):
    catalogue = spec(
        boolean(1, allows_not_applicable=True),
        scale(2, applicability=Applicability(condition_question=1, condition_values=(True,))),
    )
    answers = {2: AnswerData(value=4)}
    if condition_answer is not None:
        answers[1] = condition_answer
    result = score_diagnostic(catalogue, answers, collectivite_kind="commune")
    assert result.recommendation(1).questions[1].asked is asked
    assert result.recommendation(1).asked == (2 if asked else 1)


def test_a_condition_on_a_not_asked_question_leaves_the_question_asked():
    # Q2 is not asked of a commune; Q3 depends on Q2's answer, which is ignored: Q3 is asked.
    catalogue = spec(
        boolean(1),
        boolean(2, applicability=FOR_DEPARTEMENTS),
        boolean(3, applicability=Applicability(condition_question=2, condition_values=(True,))),
    )
    answers = {2: AnswerData(value=False), 3: AnswerData(value=True)}
    result = score_diagnostic(catalogue, answers, collectivite_kind="commune")
    assert states(result) == [State.UNANSWERED, State.NOT_ASKED, State.ANSWERED]
    assert result.overall == 50


def test_a_condition_on_a_multi_question_asks_when_any_listed_option_is_selected():
    multi = QuestionSpec(
        id=1, recommendation=1, kind=Kind.MULTI, option_scores={10: 0.5, 11: 0.5, 12: 0}
    )
    gated = boolean(2, applicability=Applicability(condition_question=1, condition_values=(11,)))
    catalogue = spec(multi, gated)
    shown = score_diagnostic(catalogue, {1: AnswerData(value=[10, 11])}, collectivite_kind="epci")
    hidden = score_diagnostic(catalogue, {1: AnswerData(value=[12])}, collectivite_kind="epci")
    assert states(shown) == [State.ANSWERED, State.UNANSWERED]
    assert states(hidden) == [State.ANSWERED, State.NOT_ASKED]
    # Q1 is worth 1 and Q2 0 when asked; Q1's 0 alone when not.
    assert (shown.overall, hidden.overall) == (50, 0)


# « Je ne sais pas »


@pytest.mark.parametrize(
    "question",
    [
        boolean(1),
        scale(1),
        QuestionSpec(id=1, recommendation=1, kind=Kind.CHOICE, option_scores={5: 1}),
        QuestionSpec(id=1, recommendation=1, kind=Kind.NUMBER),
        QuestionSpec(id=1, recommendation=1, kind=Kind.TEXT),
    ],
)
def test_dont_know_is_an_answer_worth_zero_on_every_kind(question):
    assert question_state(question, DONT_KNOW) == State.DONT_KNOW
    assert answer_is_given(question, DONT_KNOW)
    expected = None if question.kind in (Kind.NUMBER, Kind.TEXT) else 0
    assert answer_value(question, DONT_KNOW) == expected


def test_dont_know_wins_over_a_value_left_with_it():
    assert answer_value(boolean(1), AnswerData(value=True, dont_know=True)) == 0


def test_dont_know_is_counted_per_recommendation():
    catalogue = spec(
        boolean(1), boolean(2), boolean(3, rec=8), boolean(4, rec=8), boolean(5, rec=8)
    )
    answers = {1: DONT_KNOW, 3: DONT_KNOW, 4: DONT_KNOW, 5: AnswerData(value=True)}
    result = score_diagnostic(catalogue, answers)
    assert [r.dont_know for r in result.recommendations] == [1, 2]
    assert result.dont_know == 3
    assert result.completeness == Fraction(4, 5)


def test_a_carried_unconfirmed_answer_is_an_answer():
    # Carried answers reach the method as ordinary AnswerData: confirmation is a workflow step.
    result = score_diagnostic(spec(scale(1)), {1: AnswerData(value=2)})
    assert states(result) == [State.ANSWERED]
    assert result.overall == 50


# Suggested actions


def test_an_action_tied_to_a_question_needs_it_asked_relevant_and_weak():
    catalogue = spec(
        scale(1),  # level 2 of 4: 0.5, proposed
        scale(2),  # level 3 of 4: 0.75, not proposed
        scale(3),  # « Je ne sais pas »: 0, proposed
        scale(4),  # unanswered: 0, proposed
        scale(5, allows_not_applicable=True),  # « Non concerné »: not proposed
        scale(6, applicability=FOR_DEPARTEMENTS),  # not asked, even at 0: not proposed
        actions=tuple(ActionSpec(id=10 + n, recommendation=1, question_id=n) for n in range(1, 7)),
    )
    answers = {
        1: AnswerData(value=2),
        2: AnswerData(value=3),
        3: DONT_KNOW,
        5: NOT_APPLICABLE,
        6: AnswerData(value=0),
    }
    result = score_diagnostic(catalogue, answers, collectivite_kind="commune")
    assert result.proposed_actions == (11, 13, 14)


def test_an_action_tied_to_a_recommendation_follows_its_score_without_not_asked_questions():
    # Without Q2 (not asked), R1 scores 100: its action is not proposed.
    catalogue = spec(
        boolean(1),
        boolean(2, applicability=FOR_DEPARTEMENTS),
        actions=(ActionSpec(id=1, recommendation=1),),
    )
    answers = {1: AnswerData(value=True)}
    assert score_diagnostic(catalogue, answers, collectivite_kind="commune").proposed_actions == ()
    assert score_diagnostic(catalogue, answers, collectivite_kind="region").proposed_actions == (1,)


# Strengths


def test_strengths_are_at_most_three_from_fifty_highest_first_ties_to_the_smaller_number():
    # R1 50, R2 100, R3 49.x (no), R4 100, R5 75.
    catalogue = spec(
        scale(1, rec=1, levels=3),
        boolean(2, rec=2),
        scale(3, rec=3, levels=3),
        boolean(31, rec=3),
        boolean(32, rec=3, weight=Fraction(1, 100)),
        boolean(4, rec=4),
        scale(5, rec=5),
    )
    answers = {
        1: AnswerData(value=1),
        2: AnswerData(value=True),
        3: AnswerData(value=0),
        31: AnswerData(value=True),
        32: AnswerData(value=False),
        4: AnswerData(value=True),
        5: AnswerData(value=3),
    }
    result = score_diagnostic(catalogue, answers)
    assert result.recommendation(3).score < 50
    assert result.strengths == (2, 4, 5)


# Method 1, kept for the diagnostics scored with it


def test_method_1_asks_every_question_and_knows_no_dont_know():
    catalogue = spec(boolean(1), boolean(2, applicability=FOR_DEPARTEMENTS), boolean(3))
    answers = {1: AnswerData(value=True), 2: AnswerData(value=True), 3: DONT_KNOW}
    v1 = score_diagnostic(catalogue, answers, collectivite_kind="commune", method_version="1")
    v2 = score_diagnostic(catalogue, answers, collectivite_kind="commune")
    assert states(v1) == [State.ANSWERED, State.ANSWERED, State.UNANSWERED]
    assert (v1.overall, v1.answered, v1.asked, v1.dont_know) == (Fraction(200, 3), 2, 3, 0)
    assert states(v2) == [State.ANSWERED, State.NOT_ASKED, State.DONT_KNOW]
    assert (v2.overall, v2.answered, v2.asked, v2.dont_know) == (50, 2, 2, 1)


answer_strategy = st.one_of(
    st.none(),
    st.builds(AnswerData, value=st.one_of(st.none(), st.booleans())),
    st.just(DONT_KNOW),
    st.just(NOT_APPLICABLE),
)


@given(
    answers=st.lists(answer_strategy, min_size=4, max_size=4),
    kind=st.sampled_from(["commune", "departement"]),
)
def test_the_score_is_the_weighted_mean_over_asked_relevant_questions(answers, kind):
    catalogue = spec(
        boolean(1, allows_not_applicable=True),
        boolean(2, allows_not_applicable=True, applicability=FOR_DEPARTEMENTS),
        boolean(3, allows_not_applicable=True, weight=2),
        boolean(
            4,
            allows_not_applicable=True,
            applicability=Applicability(condition_question=1, condition_values=(True,)),
        ),
    )
    given_answers = {n: a for n, a in enumerate(answers, start=1) if a is not None}
    result = score_diagnostic(catalogue, given_answers, collectivite_kind=kind)
    rec = result.recommendation(1)
    counted = [q for q in rec.questions if q.asked and q.state != State.NOT_APPLICABLE]
    weight = sum(q.weight for q in counted)
    points = sum(
        q.weight
        for q in counted
        if q.state == State.ANSWERED and given_answers[q.question_id].value is True
    )
    assert rec.score == (100 * points / weight if weight else None)
    assert rec.asked == sum(q.asked for q in rec.questions)
    assert rec.answered == sum(
        q.state in (State.ANSWERED, State.NOT_APPLICABLE, State.DONT_KNOW) for q in rec.questions
    )
    assert (rec.questions[1].state == State.NOT_ASKED) is (kind == "commune")
    hidden = given_answers.get(1) == AnswerData(value=False)
    assert (rec.questions[3].state == State.NOT_ASKED) is hidden
