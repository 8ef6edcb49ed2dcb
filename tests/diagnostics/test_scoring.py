from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from diagnostics.scoring import (
    METHOD_VERSION,
    SCORED_KINDS,
    ActionSpec,
    AnswerData,
    CatalogueSpec,
    Kind,
    MaturityLevel,
    QuestionSpec,
    RecommendationSpec,
    answer_is_given,
    answer_value,
    maturity_level,
    round_half_up,
    score_diagnostic,
)

ALL_KINDS = (Kind.SCALE, Kind.BOOLEAN, Kind.CHOICE, Kind.MULTI, Kind.NUMBER, Kind.TEXT)
NOT_APPLICABLE = AnswerData(not_applicable=True)
EPSILON = Fraction(1, 10**9)


def question(id, kind, rec=1, **fields):
    return QuestionSpec(
        id=id, recommendation=rec, kind=kind, weight=fields.pop("weight", 1), **fields
    )


def answer(value):
    return AnswerData(value=value)


def catalogue(*questions, weights=None, actions=()):
    weights = weights or {}
    numbers = sorted({q.recommendation for q in questions} | set(weights))
    recommendations = tuple(RecommendationSpec(n, weights.get(n, 1)) for n in numbers)
    return CatalogueSpec(recommendations=recommendations, questions=questions, actions=actions)


def rated(scores, weights=None, actions=()):
    """A catalogue where recommendation n has one choice question (id n) answered at scores[n]%."""
    questions = tuple(
        question(n, Kind.CHOICE, rec=n, option_scores={1: Fraction(score) / 100})
        for n, score in scores.items()
    )
    answers = {n: answer(1) for n in scores}
    return catalogue(*questions, weights=weights, actions=actions), answers


# Answer values


def test_scale_level_is_worth_its_share_of_the_top_level():
    four_levels = question(1, Kind.SCALE, level_count=4)
    assert [answer_value(four_levels, answer(k)) for k in range(4)] == [
        0,
        Fraction(1, 3),
        Fraction(2, 3),
        1,
    ]


def test_boolean_yes_is_worth_one_and_no_zero():
    yes_no = question(1, Kind.BOOLEAN)
    assert answer_value(yes_no, answer(True)) == 1
    assert answer_value(yes_no, answer(False)) == 0


def test_choice_is_worth_the_score_of_its_option():
    choice = question(1, Kind.CHOICE, option_scores={7: Fraction(1, 4), 8: 1})
    assert answer_value(choice, answer(7)) == Fraction(1, 4)


def test_multi_sums_the_selected_scores_capped_at_one():
    multi = question(1, Kind.MULTI, option_scores={1: Fraction(1, 2), 2: Fraction(3, 4), 3: "0.25"})
    assert answer_value(multi, answer(frozenset({3}))) == Fraction(1, 4)
    assert answer_value(multi, answer((1, 3))) == Fraction(3, 4)
    assert answer_value(multi, answer(frozenset({1, 2}))) == 1  # 1/2 + 3/4 = 5/4, capped
    assert answer_value(multi, answer((3, 3))) == Fraction(1, 4)  # an option counts once


def test_selecting_no_option_is_an_answer_worth_zero():
    multi = question(1, Kind.MULTI, option_scores={1: 1})
    assert answer_value(multi, answer(frozenset())) == 0
    assert answer_is_given(multi, answer(frozenset()))


def test_unanswered_question_counts_zero():
    assert answer_value(question(1, Kind.BOOLEAN), None) == 0
    assert answer_value(question(1, Kind.BOOLEAN), AnswerData()) == 0
    assert not answer_is_given(question(1, Kind.BOOLEAN), None)


def test_number_and_text_are_not_scored_but_count_as_answered():
    number, text = question(1, Kind.NUMBER), question(2, Kind.TEXT)
    assert answer_value(number, answer(Decimal("12.5"))) is None
    assert answer_value(text, answer("Un agent à mi-temps")) is None
    assert answer_is_given(number, answer(0))
    assert answer_is_given(text, answer("Un agent à mi-temps"))


def test_blank_text_is_unanswered():
    text = question(1, Kind.TEXT)
    assert not answer_is_given(text, answer(""))
    assert not answer_is_given(text, answer(" \n\t"))


def test_not_applicable_is_answered_and_not_scored():
    allowed = question(1, Kind.BOOLEAN, allows_not_applicable=True)
    assert answer_is_given(allowed, NOT_APPLICABLE)
    assert answer_value(allowed, NOT_APPLICABLE) is None
    assert answer_value(allowed, AnswerData(not_applicable=True, value=True)) is None


def test_not_applicable_is_ignored_where_the_catalogue_does_not_allow_it():
    not_allowed = question(1, Kind.BOOLEAN)
    assert not answer_is_given(not_allowed, AnswerData(not_applicable=True, value=True))
    assert answer_value(not_allowed, AnswerData(not_applicable=True, value=True)) == 0


@pytest.mark.parametrize(
    "spec, value",
    [
        (question(1, Kind.SCALE, level_count=4), 4),
        (question(1, Kind.SCALE, level_count=4), -1),
        (question(1, Kind.SCALE, level_count=4), True),
        (question(1, Kind.SCALE, level_count=4), 2.0),
        (question(1, Kind.SCALE, level_count=4), "2"),
        (question(1, Kind.SCALE, level_count=1), 0),
        (question(1, Kind.SCALE, level_count=0), 0),
        (question(1, Kind.BOOLEAN), 1),
        (question(1, Kind.BOOLEAN), "oui"),
        (question(1, Kind.CHOICE, option_scores={1: 1}), 99),
        (question(1, Kind.CHOICE, option_scores={1: 1}), True),
        (question(1, Kind.CHOICE, option_scores={1: 1}), [1]),
        (question(1, Kind.MULTI, option_scores={1: 1}), (1, 99)),
        (question(1, Kind.MULTI, option_scores={1: 1}), 1),
        (question(1, Kind.MULTI, option_scores={1: 1}), "1"),
        (question(1, Kind.NUMBER), "3"),
        (question(1, Kind.NUMBER), True),
        (question(1, Kind.NUMBER), float("nan")),
        (question(1, Kind.NUMBER), Decimal("sNaN")),
        (question(1, Kind.TEXT), 3),
    ],
)
def test_invalid_value_counts_as_unanswered(spec, value):
    assert not answer_is_given(spec, answer(value))
    expected = 0 if spec.kind in SCORED_KINDS else None
    assert answer_value(spec, answer(value)) == expected


# Recommendation and overall scores


def test_recommendation_score_is_the_weighted_mean_of_values():
    # (2 * 2/3 + 1 * 1 + 1 * 1/4) / (2 + 1 + 1) * 100 = (31/12) / 4 * 100 = 775/12 = 64.58...
    result = score_diagnostic(
        catalogue(
            question(1, Kind.SCALE, level_count=4, weight=2),
            question(2, Kind.BOOLEAN),
            question(3, Kind.CHOICE, option_scores={7: Fraction(1, 4)}),
        ),
        {1: answer(2), 2: answer(True), 3: answer(7)},
    )
    rec = result.recommendation(1)
    assert rec.score == Fraction(775, 12)
    assert round_half_up(rec.score) == 65
    assert rec.level == MaturityLevel(3, "Structurée")
    # 100 * 2 * 2/3 / 4 = 100/3, 100 * 1 / 4 = 25, 100 * 1/4 / 4 = 25/4
    assert [q.contribution for q in rec.questions] == [Fraction(100, 3), 25, Fraction(25, 4)]


def test_unanswered_questions_pull_the_score_down():
    # (1 + 0 + 0) / 3 * 100 = 33.33...
    result = score_diagnostic(
        catalogue(*(question(n, Kind.BOOLEAN) for n in (1, 2, 3))), {1: answer(True)}
    )
    assert result.recommendation(1).score == Fraction(100, 3)


def test_not_applicable_takes_the_question_out_of_the_score():
    # the N/A question weighs 3 but leaves the denominator: (1 * 1 + 1 * 0) / 2 * 100 = 50
    result = score_diagnostic(
        catalogue(
            question(1, Kind.BOOLEAN),
            question(2, Kind.BOOLEAN),
            question(3, Kind.BOOLEAN, weight=3, allows_not_applicable=True),
        ),
        {1: answer(True), 2: answer(False), 3: NOT_APPLICABLE},
    )
    rec = result.recommendation(1)
    assert rec.score == 50
    assert rec.questions[2].not_applicable
    assert rec.questions[2].value is None
    assert rec.questions[2].contribution is None
    assert rec.answered == 3


def test_informative_questions_do_not_change_the_score():
    result = score_diagnostic(
        catalogue(question(1, Kind.BOOLEAN), question(2, Kind.NUMBER), question(3, Kind.TEXT)),
        {1: answer(True), 2: answer(4), 3: answer("Voir le schéma directeur")},
    )
    assert result.recommendation(1).score == 100


def test_overall_score_weighs_the_evaluated_recommendations():
    # rec 1 (W=1): 775/12 as above; rec 2 (W=2): (1 + 0) / 2 * 100 = 50; rec 3: text only, left out.
    # (1 * 775/12 + 2 * 50) / (1 + 2) = (775/12 + 1200/12) / 3 = 1975/36 = 54.86...
    result = score_diagnostic(
        catalogue(
            question(1, Kind.SCALE, level_count=4, weight=2),
            question(2, Kind.BOOLEAN),
            question(3, Kind.CHOICE, option_scores={7: Fraction(1, 4)}),
            question(4, Kind.BOOLEAN, rec=2),
            question(5, Kind.BOOLEAN, rec=2),
            question(6, Kind.TEXT, rec=3),
            weights={2: 2, 3: 5},
        ),
        {1: answer(2), 2: answer(True), 3: answer(7), 4: answer(True), 5: answer(False)},
    )
    assert result.overall == Fraction(1975, 36)
    assert round_half_up(result.overall) == 55
    assert result.overall_level.number == 3
    assert not result.recommendation(3).evaluated


def test_completeness_counts_not_applicable_as_answered():
    result = score_diagnostic(
        catalogue(
            question(1, Kind.SCALE, level_count=3),
            question(2, Kind.BOOLEAN, allows_not_applicable=True),
            question(3, Kind.TEXT),
            question(4, Kind.CHOICE, option_scores={1: 1}),
            question(5, Kind.NUMBER, rec=2),
        ),
        {1: answer(0), 2: NOT_APPLICABLE, 3: answer("Oui"), 5: answer(" ")},
    )
    assert result.recommendation(1).completeness == Fraction(3, 4)
    assert result.recommendation(2).completeness == 0
    assert (result.answered, result.asked, result.completeness) == (3, 5, Fraction(3, 5))


def test_answers_to_unknown_questions_are_ignored():
    spec = catalogue(question(1, Kind.BOOLEAN))
    assert score_diagnostic(spec, {1: answer(True), 99: answer(False)}) == score_diagnostic(
        spec, {1: answer(True)}
    )


def test_results_follow_recommendation_numbers_and_catalogue_order():
    spec = CatalogueSpec(
        recommendations=(RecommendationSpec(3), RecommendationSpec(1), RecommendationSpec(2)),
        questions=(
            question(10, Kind.BOOLEAN, rec=1, position=2),
            question(11, Kind.BOOLEAN, rec=1, position=1),
            question(9, Kind.BOOLEAN, rec=1, position=1),
        ),
    )
    result = score_diagnostic(spec, {})
    assert [r.number for r in result.recommendations] == [1, 2, 3]
    assert [q.question_id for q in result.recommendation(1).questions] == [9, 11, 10]


def test_looking_up_an_unknown_recommendation_raises_key_error():
    with pytest.raises(KeyError):
        score_diagnostic(catalogue(question(1, Kind.BOOLEAN)), {}).recommendation(2)


def test_results_carry_the_method_version_they_were_computed_with():
    assert METHOD_VERSION == "2"
    assert score_diagnostic(catalogue(), {}).method_version == "2"
    assert score_diagnostic(catalogue(), {}, method_version="1").method_version == "1"


def test_an_unknown_method_version_is_refused():
    with pytest.raises(ValueError):
        score_diagnostic(catalogue(), {}, method_version="3")


# Maturity levels and display rounding


@pytest.mark.parametrize(
    "score, level",
    [
        (0, 1),
        (25 - EPSILON, 1),
        (25, 2),
        (50 - EPSILON, 2),
        (50, 3),
        (75 - EPSILON, 3),
        (75, 4),
        (100, 4),
    ],
)
def test_maturity_level_boundaries(score, level):
    assert maturity_level(Fraction(score)).number == level


def test_maturity_levels_have_their_french_labels():
    labels = [maturity_level(Fraction(score)).label for score in (0, 25, 50, 75)]
    assert labels == ["Émergente", "En développement", "Structurée", "Intégrée"]


def test_maturity_level_uses_the_unrounded_score():
    # 74.5 is shown as 75 but is still « Structurée »
    assert round_half_up(Fraction(149, 2)) == 75
    assert maturity_level(Fraction(149, 2)).number == 3


def test_undefined_score_has_no_level_and_no_display_value():
    assert maturity_level(None) is None
    assert round_half_up(None) is None


@pytest.mark.parametrize("score", [-EPSILON, 100 + EPSILON])
def test_maturity_level_rejects_a_score_outside_zero_to_hundred(score):
    with pytest.raises(ValueError):
        maturity_level(score)


@pytest.mark.parametrize(
    "score, shown",
    [
        (Fraction(49, 2), 25),
        (Fraction(489, 20), 24),
        (Fraction(1, 2), 1),
        (Fraction(1, 2) - EPSILON, 0),
        (Fraction(199, 2), 100),
        (Fraction(0), 0),
        (Fraction(100), 100),
        (24.5, 25),
        (Decimal("24.45"), 24),
    ],
)
def test_round_half_up(score, shown):
    assert round_half_up(score) == shown


# Priorities and strengths


def test_priorities_rank_by_weighted_distance_to_hundred():
    # P = W * (100 - S): rec 1: 20, rec 2: 60, rec 3: 2 * 30 = 60, rec 4: 0, rec 5: 90 / 2 = 45
    spec, answers = rated({1: 80, 2: 40, 3: 70, 4: 100, 5: 10}, weights={3: 2, 5: Fraction(1, 2)})
    assert score_diagnostic(spec, answers).priorities == (2, 3, 5)


def test_priorities_skip_recommendations_with_nothing_left_to_do():
    spec, answers = rated({1: 100, 2: 90, 3: 100})
    assert score_diagnostic(spec, answers).priorities == (2,)
    spec, answers = rated({1: 100, 2: 100})
    assert score_diagnostic(spec, answers).priorities == ()


def test_strengths_are_the_best_recommendations_at_least_structuree():
    # rec 3 (70) is both a priority and a strength; rec 5 (50) comes fourth; rec 2 (40) is too low
    spec, answers = rated({1: 80, 2: 40, 3: 70, 4: 100, 5: 50})
    result = score_diagnostic(spec, answers)
    assert result.strengths == (4, 1, 3)
    assert 3 in result.priorities


def test_strengths_need_a_score_of_fifty():
    spec, answers = rated({1: Fraction(4999, 100), 2: 50, 3: 50})
    assert score_diagnostic(spec, answers).strengths == (2, 3)


def test_no_strengths_when_every_recommendation_is_below_fifty():
    spec, answers = rated({1: 49, 2: 0})
    assert score_diagnostic(spec, answers).strengths == ()


# Suggested actions


def test_question_action_is_proposed_when_the_answer_is_worth_half_or_less():
    options = {1: Fraction(1, 2), 2: Fraction(51, 100)}
    spec = catalogue(
        question(1, Kind.CHOICE, option_scores=options),
        question(2, Kind.CHOICE, option_scores=options),
        question(3, Kind.BOOLEAN, allows_not_applicable=True),
        question(4, Kind.BOOLEAN),
        question(5, Kind.TEXT),
        actions=tuple(ActionSpec(id=10 + n, recommendation=1, question_id=n) for n in range(1, 6)),
    )
    result = score_diagnostic(spec, {1: answer(1), 2: answer(2), 3: NOT_APPLICABLE})
    # 1/2 -> proposed; 0.51 -> not; N/A -> not; unanswered -> proposed; text -> never
    assert result.proposed_actions == (11, 14)


def test_recommendation_action_is_proposed_below_seventy_five():
    actions = tuple(ActionSpec(id=n, recommendation=n) for n in (1, 2, 3, 4))
    spec, answers = rated({1: 75, 2: 75 - EPSILON, 3: 100}, weights={4: 1}, actions=actions)
    # rec 4 has no question: not evaluated, so nothing is proposed for it
    assert score_diagnostic(spec, answers).proposed_actions == (2,)


def test_actions_follow_the_rank_of_every_evaluated_recommendation_then_catalogue_order():
    # P: rec 1: 30, rec 2: 100, rec 3: 40, rec 5: 30 * 1/10 = 3 -> order 2, 3, 1, 5
    actions = (
        ActionSpec(id=10, recommendation=1),
        ActionSpec(id=11, recommendation=2, position=2),
        ActionSpec(id=12, recommendation=2, position=1),
        ActionSpec(id=13, recommendation=5),
        ActionSpec(id=15, recommendation=3, position=1),
        ActionSpec(id=14, recommendation=3, position=1),
    )
    spec, answers = rated(
        {1: 70, 2: 0, 3: 60, 5: 70}, weights={5: Fraction(1, 10)}, actions=actions
    )
    result = score_diagnostic(spec, answers)
    assert result.priorities == (2, 3, 1)
    assert result.proposed_actions == (12, 11, 14, 15, 10, 13)


# Totality


def test_empty_catalogue_has_no_scores():
    result = score_diagnostic(catalogue(), {1: answer(True)})
    assert result.recommendations == ()
    assert (result.overall, result.overall_level, result.completeness) == (None, None, None)
    assert (result.priorities, result.strengths, result.proposed_actions) == ((), (), ())


def test_recommendation_with_only_informative_questions_is_not_evaluated():
    spec = catalogue(
        question(1, Kind.NUMBER),
        question(2, Kind.TEXT),
        actions=(
            ActionSpec(id=1, recommendation=1),
            ActionSpec(id=2, recommendation=1, question_id=2),
        ),
    )
    result = score_diagnostic(spec, {1: answer(3)})
    rec = result.recommendation(1)
    assert (rec.evaluated, rec.score, rec.level) == (False, None, None)
    assert rec.completeness == Fraction(1, 2)
    assert (result.overall, result.priorities, result.proposed_actions) == (None, (), ())


def test_recommendation_without_questions_is_not_evaluated():
    rec = score_diagnostic(catalogue(weights={1: 1}), {}).recommendation(1)
    assert (rec.score, rec.asked, rec.completeness) == (None, 0, None)


def test_all_not_applicable_leaves_the_recommendation_unevaluated():
    spec = catalogue(
        question(1, Kind.BOOLEAN, allows_not_applicable=True),
        question(2, Kind.SCALE, level_count=3, allows_not_applicable=True),
        question(3, Kind.BOOLEAN, rec=2),
    )
    result = score_diagnostic(spec, {1: NOT_APPLICABLE, 2: NOT_APPLICABLE, 3: answer(True)})
    assert not result.recommendation(1).evaluated
    assert result.recommendation(1).completeness == 1
    assert result.overall == 100


def test_empty_answers_score_zero_and_put_the_heaviest_recommendations_first():
    # every S_r = 0, so P_r = 100 * W_r: rec 2: 300, rec 4: 300, rec 3: 200, rec 1: 100
    spec = catalogue(
        *(question(n, Kind.BOOLEAN, rec=n) for n in (1, 2, 3, 4)),
        weights={2: 3, 3: 2, 4: 3},
        actions=(ActionSpec(id=1, recommendation=1), ActionSpec(id=2, recommendation=4)),
    )
    result = score_diagnostic(spec, {})
    assert [r.score for r in result.recommendations] == [0, 0, 0, 0]
    assert result.overall == 0
    assert result.overall_level.label == "Émergente"
    assert result.completeness == 0
    assert result.priorities == (2, 4, 3)
    assert result.strengths == ()
    assert result.proposed_actions == (2, 1)


# The catalogue is checked when it is built, so scoring never has to


@pytest.mark.parametrize(
    "build",
    [
        lambda: question(1, Kind.BOOLEAN, weight=0),
        lambda: question(1, Kind.BOOLEAN, weight=-1),
        lambda: question(1, "date"),
        lambda: question(1, Kind.CHOICE, option_scores={1: Fraction(3, 2)}),
        lambda: RecommendationSpec(1, weight=0),
        lambda: CatalogueSpec(recommendations=(), questions=(question(1, Kind.BOOLEAN),)),
        lambda: catalogue(question(1, Kind.BOOLEAN), question(1, Kind.TEXT)),
        lambda: catalogue(
            question(1, Kind.BOOLEAN),
            question(2, Kind.BOOLEAN, rec=2),
            actions=(ActionSpec(id=1, recommendation=1, question_id=2),),
        ),
        lambda: catalogue(question(1, Kind.BOOLEAN), actions=(ActionSpec(id=1, recommendation=2),)),
    ],
)
def test_inconsistent_catalogue_is_rejected(build):
    with pytest.raises(ValueError):
        build()


def test_weights_accept_integers_decimals_and_fractions():
    assert question(1, Kind.BOOLEAN, weight=Decimal("1.5")).weight == Fraction(3, 2)
    assert RecommendationSpec(1, weight=2).weight == Fraction(2)
    assert question(1, Kind.CHOICE, option_scores={1: Decimal("0.1")}).option_scores[1] == Fraction(
        1, 10
    )


# Properties over random catalogues and answers

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
WEIGHTS = st.sampled_from([Fraction(n, 4) for n in (1, 2, 3, 4, 6, 8, 12, 20, 32)])
OPTION_SCORES = st.sampled_from(sorted({Fraction(n, d) for d in (3, 4, 8) for n in range(d + 1)}))
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 12),
    st.text(max_size=3),
    st.floats(),
    st.decimals(),
    st.lists(st.integers(-1, 8), max_size=3),
)


OPTIONS = st.dictionaries(st.integers(1, 6), OPTION_SCORES, max_size=4)
NUMBERS = st.integers() | st.decimals(allow_nan=False, allow_infinity=False)
TEXTS = st.text(max_size=5)
ANSWER_FORMS = st.sampled_from(("missing", "not applicable", "valid", "junk"))
KINDS = st.sampled_from(ALL_KINDS)
BOOLEANS = st.booleans()
UP_TO = tuple(st.integers(0, n) for n in range(9))


# Plain functions of `draw` rather than nested strategies: building strategies per question is
# what made generation slow.
def draw_question(draw, *, id, rec):
    kind = draw(KINDS)
    return QuestionSpec(
        id=id,
        recommendation=rec,
        kind=kind,
        weight=draw(WEIGHTS),
        allows_not_applicable=draw(BOOLEANS),
        level_count=draw(UP_TO[6]) if kind == Kind.SCALE else 0,
        option_scores=draw(OPTIONS) if kind in (Kind.CHOICE, Kind.MULTI) else {},
        position=draw(UP_TO[3]),
    )


def draw_valid_value(draw, spec):
    options = sorted(spec.option_scores)
    if spec.kind == Kind.SCALE:
        return draw(UP_TO[max(spec.level_count - 1, 0)])
    if spec.kind == Kind.BOOLEAN:
        return draw(BOOLEANS)
    if spec.kind == Kind.CHOICE:
        return options[draw(UP_TO[len(options) - 1])] if options else 1
    if spec.kind == Kind.MULTI:
        return frozenset(option for option in options if draw(BOOLEANS))
    return draw(NUMBERS if spec.kind == Kind.NUMBER else TEXTS)


def draw_answer(draw, spec):
    form = draw(ANSWER_FORMS)
    if form == "missing":
        return None
    if form == "not applicable":
        return AnswerData(not_applicable=True, value=draw_valid_value(draw, spec))
    return answer(draw_valid_value(draw, spec) if form == "valid" else draw(JUNK))


@st.composite
def diagnostics(draw):
    numbers = draw(st.lists(st.integers(1, 12), min_size=1, max_size=10, unique=True))
    recommendations = tuple(RecommendationSpec(n, draw(WEIGHTS)) for n in numbers)
    specs = []
    for rec in numbers:
        for _ in range(draw(UP_TO[8])):
            specs.append(draw_question(draw, id=len(specs) + 1, rec=rec))
    actions = []
    for rec in numbers:
        own = [spec.id for spec in specs if spec.recommendation == rec]
        for _ in range(draw(UP_TO[3])):
            tied = draw(UP_TO[len(own)])
            position = draw(UP_TO[3])
            question_id = own[tied - 1] if tied else None
            actions.append(ActionSpec(len(actions) + 1, rec, question_id, position))
    answers = {}
    for spec in specs:
        given = draw_answer(draw, spec)
        if given is not None:
            answers[spec.id] = given
    if draw(BOOLEANS):
        answers[10_000] = answer(True)
    return CatalogueSpec(recommendations, tuple(specs), tuple(actions)), answers


def replaced(answers, question_id, new):
    answers = {k: v for k, v in answers.items() if k != question_id}
    if new is not None:
        answers[question_id] = new
    return answers


def priority(rec):
    return rec.weight * (100 - rec.score)


def rank(rec, recs):
    """How many evaluated recommendations come before rec in the priority order."""
    return sum(
        1
        for other in recs
        if other.evaluated and (priority(other), -other.number) > (priority(rec), -rec.number)
    )


@PROPERTY
@given(diagnostics())
def test_scores_are_defined_and_within_bounds(diagnostic):
    spec, answers = diagnostic
    result = score_diagnostic(spec, answers)
    for rec in result.recommendations:
        counted = [q for q in rec.questions if q.value is not None]
        assert rec.evaluated == bool(counted)
        assert rec.level == maturity_level(rec.score)
        assert 0 <= rec.answered <= rec.asked
        if rec.evaluated:
            assert 0 <= rec.score <= 100
            assert all(0 <= q.value <= 1 for q in counted)
            expected = (
                100 * sum(q.weight * q.value for q in counted) / sum(q.weight for q in counted)
            )
            assert rec.score == expected == sum(q.contribution for q in counted)
    evaluated = [r for r in result.recommendations if r.evaluated]
    if evaluated:
        assert min(r.score for r in evaluated) <= result.overall <= max(r.score for r in evaluated)
    else:
        assert result.overall is None
    assert result.overall_level == maturity_level(result.overall)
    assert result.asked == len(spec.questions)
    assert result.completeness is None or 0 <= result.completeness <= 1


def raisable(spec):
    if spec.kind == Kind.SCALE:
        return spec.level_count >= 2
    return spec.kind == Kind.BOOLEAN or (spec.kind in SCORED_KINDS and bool(spec.option_scores))


@st.composite
def raised_answers(draw, spec):
    """A (lower, higher) pair of answers to spec, the lower one possibly missing."""
    scores = spec.option_scores
    if spec.kind == Kind.SCALE:
        low = draw(st.integers(0, spec.level_count - 1))
        high = draw(st.integers(low, spec.level_count - 1))
    elif spec.kind == Kind.BOOLEAN:
        low = draw(st.booleans())
        high = low or draw(st.booleans())
    elif spec.kind == Kind.CHOICE:
        low = draw(st.sampled_from(sorted(scores)))
        high = draw(st.sampled_from(sorted(o for o in scores if scores[o] >= scores[low])))
    else:
        low = draw(st.frozensets(st.sampled_from(sorted(scores))))
        high = low | {draw(st.sampled_from(sorted(scores)))}
    return None if draw(st.booleans()) else answer(low), answer(high)


@PROPERTY
@given(diagnostics(), st.data())
def test_raising_an_answer_never_lowers_a_score(diagnostic, data):
    spec, answers = diagnostic
    candidates = [q for q in spec.questions if raisable(q)]
    assume(candidates)
    raised = data.draw(st.sampled_from(candidates))
    low, high = data.draw(raised_answers(raised))
    before = score_diagnostic(spec, replaced(answers, raised.id, low))
    after = score_diagnostic(spec, replaced(answers, raised.id, high))
    rec = raised.recommendation
    assert before.recommendation(rec).score <= after.recommendation(rec).score
    assert before.overall <= after.overall


@PROPERTY
@given(diagnostics(), st.data())
def test_not_applicable_is_the_same_as_leaving_the_question_out(diagnostic, data):
    spec, answers = diagnostic
    candidates = [q for q in spec.questions if q.allows_not_applicable]
    assume(candidates)
    dropped = data.draw(st.sampled_from(candidates))
    with_not_applicable = score_diagnostic(spec, replaced(answers, dropped.id, NOT_APPLICABLE))
    without = score_diagnostic(
        CatalogueSpec(
            spec.recommendations,
            tuple(q for q in spec.questions if q.id != dropped.id),
            tuple(a for a in spec.actions if a.question_id != dropped.id),
        ),
        replaced(answers, dropped.id, None),
    )
    assert [r.score for r in with_not_applicable.recommendations] == [
        r.score for r in without.recommendations
    ]
    assert with_not_applicable.overall == without.overall
    assert with_not_applicable.priorities == without.priorities
    assert with_not_applicable.strengths == without.strengths


def zero_value(spec):
    if spec.kind == Kind.SCALE:
        return 0
    if spec.kind == Kind.BOOLEAN:
        return False
    if spec.kind == Kind.MULTI:
        return frozenset()
    return next((o for o, score in spec.option_scores.items() if score == 0), None)


@PROPERTY
@given(diagnostics(), st.data())
def test_unanswered_is_scored_like_an_explicit_zero(diagnostic, data):
    spec, answers = diagnostic
    candidates = [q for q in spec.questions if q.kind in SCORED_KINDS and zero_value(q) is not None]
    assume(candidates)
    chosen = data.draw(st.sampled_from(candidates))
    unanswered = score_diagnostic(spec, replaced(answers, chosen.id, None))
    zero = score_diagnostic(spec, replaced(answers, chosen.id, answer(zero_value(chosen))))
    assert [r.score for r in unanswered.recommendations] == [r.score for r in zero.recommendations]
    assert unanswered.overall == zero.overall
    assert unanswered.priorities == zero.priorities
    assert unanswered.strengths == zero.strengths
    assert unanswered.proposed_actions == zero.proposed_actions


@PROPERTY
@given(diagnostics(), st.data())
def test_an_invalid_answer_is_the_same_as_no_answer(diagnostic, data):
    spec, answers = diagnostic
    assume(spec.questions)
    chosen = data.draw(st.sampled_from(spec.questions))
    blank = score_diagnostic(spec, replaced(answers, chosen.id, answer("  ")))
    assert blank == score_diagnostic(spec, replaced(answers, chosen.id, None))


@PROPERTY
@given(diagnostics(), st.data())
def test_a_refused_not_applicable_is_the_same_as_no_answer(diagnostic, data):
    spec, answers = diagnostic
    candidates = [q for q in spec.questions if not q.allows_not_applicable]
    assume(candidates)
    chosen = data.draw(st.sampled_from(candidates))
    flagged = AnswerData(not_applicable=True, value=draw_valid_value(data.draw, chosen))
    assert score_diagnostic(spec, replaced(answers, chosen.id, flagged)) == score_diagnostic(
        spec, replaced(answers, chosen.id, None)
    )


@PROPERTY
@given(diagnostics())
def test_priorities_are_the_three_largest_positive_weighted_gaps(diagnostic):
    result = score_diagnostic(*diagnostic)
    recs = [r for r in result.recommendations if r.evaluated]
    expected = [r for r in recs if priority(r) > 0 and rank(r, recs) < 3]
    assert result.priorities == tuple(
        r.number for r in sorted(expected, key=lambda r: rank(r, recs))
    )


@PROPERTY
@given(diagnostics())
def test_strengths_are_the_three_best_scores_from_fifty(diagnostic):
    result = score_diagnostic(*diagnostic)
    recs = [r for r in result.recommendations if r.evaluated and r.score >= 50]

    def better(rec):
        return sum(1 for o in recs if (o.score, -o.number) > (rec.score, -rec.number))

    expected = sorted((r for r in recs if better(r) < 3), key=better)
    assert result.strengths == tuple(r.number for r in expected)


@PROPERTY
@given(diagnostics())
def test_proposed_actions_follow_the_rule_and_the_priority_order(diagnostic):
    spec, answers = diagnostic
    result = score_diagnostic(spec, answers)
    by_id = {q.id: q for q in spec.questions}
    recs = list(result.recommendations)

    def proposed(action):
        if action.question_id is not None:
            value = answer_value(by_id[action.question_id], answers.get(action.question_id))
            return value is not None and value <= Fraction(1, 2)
        rec = result.recommendation(action.recommendation)
        return rec.evaluated and rec.score < 75

    def order(action):
        rec = result.recommendation(action.recommendation)
        place = rank(rec, recs) if rec.evaluated else len(recs) + rec.number
        return place, action.position, action.id

    expected = sorted((a for a in spec.actions if proposed(a)), key=order)
    assert result.proposed_actions == tuple(a.id for a in expected)
