"""The applicability rule of method v2 (SCORING.md), as a pure function."""

import pytest

from diagnostics.scoring import AnswerData, Applicability, is_asked

OPTION_A, OPTION_B, OPTION_C = 11, 12, 13


def test_no_rule_is_always_asked():
    assert is_asked(None, collectivite_kind="commune")
    assert is_asked(Applicability(), collectivite_kind="region")


@pytest.mark.parametrize(
    ("kind", "asked"),
    [("departement", True), ("region", True), ("commune", False), ("epci", False), (None, False)],
)
def test_kinds(kind, asked):
    rule = Applicability(kinds={"departement", "region"})
    assert is_asked(rule, collectivite_kind=kind) is asked


@pytest.mark.parametrize(
    ("answer", "asked"),
    [
        (AnswerData(value=True), True),
        (AnswerData(value=False), False),
        # No definite answer: never hide a question on a guess.
        (None, True),
        (AnswerData(), True),
        (AnswerData(dont_know=True), True),
        (AnswerData(not_applicable=True), True),
        # A stale value under « Je ne sais pas » or « Non concerné » is not definite.
        (AnswerData(value=False, dont_know=True), True),
        (AnswerData(value=False, not_applicable=True), True),
    ],
)
def test_boolean_condition(answer, asked):
    rule = Applicability(condition_question=1, condition_values=(True,))
    assert is_asked(rule, collectivite_kind="commune", condition_answer=answer) is asked


def test_boolean_condition_does_not_confuse_true_with_one():
    on_true = Applicability(condition_question=1, condition_values=(True,))
    on_one = Applicability(condition_question=1, condition_values=(1,))
    assert not is_asked(on_true, collectivite_kind="commune", condition_answer=AnswerData(value=1))
    assert not is_asked(
        on_one, collectivite_kind="commune", condition_answer=AnswerData(value=True)
    )
    assert is_asked(on_one, collectivite_kind="commune", condition_answer=AnswerData(value=1))


def test_choice_and_scale_conditions():
    rule = Applicability(condition_question=1, condition_values=(OPTION_A, OPTION_B))
    assert is_asked(rule, collectivite_kind="epci", condition_answer=AnswerData(value=OPTION_B))
    assert not is_asked(rule, collectivite_kind="epci", condition_answer=AnswerData(value=OPTION_C))
    levels = Applicability(condition_question=1, condition_values=(2, 3))
    assert is_asked(levels, collectivite_kind="epci", condition_answer=AnswerData(value=3))
    assert not is_asked(levels, collectivite_kind="epci", condition_answer=AnswerData(value=0))


def test_multi_condition_any_selected_option():
    rule = Applicability(condition_question=1, condition_values=(OPTION_A,))
    both = AnswerData(value=[OPTION_C, OPTION_A])
    other = AnswerData(value=[OPTION_B, OPTION_C])
    assert is_asked(rule, collectivite_kind="commune", condition_answer=both)
    assert not is_asked(rule, collectivite_kind="commune", condition_answer=other)
    # Nothing ticked is no definite answer.
    assert is_asked(rule, collectivite_kind="commune", condition_answer=AnswerData(value=[]))
    # As the pages score a stored multi-choice answer (question_kinds.Multi.scoring_value).
    chosen = AnswerData(value=frozenset({OPTION_C, OPTION_A}))
    assert is_asked(rule, collectivite_kind="commune", condition_answer=chosen)
    assert not is_asked(
        rule, collectivite_kind="commune", condition_answer=AnswerData(value=frozenset({OPTION_B}))
    )
    assert is_asked(
        rule, collectivite_kind="commune", condition_answer=AnswerData(value=frozenset())
    )


def test_kind_and_condition_both_apply():
    rule = Applicability(kinds={"commune"}, condition_question=1, condition_values=(True,))
    yes, no = AnswerData(value=True), AnswerData(value=False)
    assert is_asked(rule, collectivite_kind="commune", condition_answer=yes)
    assert not is_asked(rule, collectivite_kind="commune", condition_answer=no)
    assert not is_asked(rule, collectivite_kind="region", condition_answer=yes)


def test_not_asked_questions_follows_a_chain_in_catalogue_order():
    from diagnostics.scoring import not_asked_questions

    rules = [
        (1, None),
        (2, Applicability(condition_question=1, condition_values=(True,))),
        # Asked when 2 is true: 2 is not asked, so 3 is asked (no definite answer to rely on).
        (3, Applicability(condition_question=2, condition_values=(True,))),
        (4, Applicability(kinds={"region"})),
    ]
    answers = {1: AnswerData(value=False), 2: AnswerData(value=False)}
    assert not_asked_questions(rules, collectivite_kind="commune", answers=answers) == {2, 4}
    answers = {1: AnswerData(value=True), 2: AnswerData(value=False)}
    assert not_asked_questions(rules, collectivite_kind="region", answers=answers) == {3}
