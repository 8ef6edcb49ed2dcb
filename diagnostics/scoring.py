"""The scoring method of a diagnostic (docs/scoring.md; the « Méthode » page tells users), as pure
functions over plain data, shared by the pages, the PDF and every export."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

METHOD_VERSION = "2"
# Every method version this module can still compute: a diagnostic keeps the one it was scored
# with (SCORING.md), so a submitted method-1 diagnostic keeps its figures.
METHOD_VERSIONS = ("1", "2")


class State:
    """The state of a question in a diagnostic (method v2)."""

    NOT_ASKED = "not_asked"
    UNANSWERED = "unanswered"
    ANSWERED = "answered"
    NOT_APPLICABLE = "not_applicable"
    DONT_KNOW = "dont_know"


class Kind:
    SCALE = "scale"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    MULTI = "multi"
    NUMBER = "number"
    TEXT = "text"


SCORED_KINDS = frozenset({Kind.SCALE, Kind.BOOLEAN, Kind.CHOICE, Kind.MULTI})
KINDS = SCORED_KINDS | {Kind.NUMBER, Kind.TEXT}

PRIORITY_COUNT = 3
STRENGTH_COUNT = 3
STRENGTH_THRESHOLD = Fraction(50)
ACTION_QUESTION_THRESHOLD = Fraction(1, 2)
ACTION_RECOMMENDATION_THRESHOLD = Fraction(75)


def _fraction(value: object, *, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction | str):
        raise TypeError(f"{what} must be a number, not {value!r}")
    return Fraction(value)


def _positive_weight(value: object) -> Fraction:
    weight = _fraction(value, what="weight")
    if weight <= 0:
        raise ValueError(f"weight must be > 0, not {weight}")
    return weight


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    recommendation: int
    kind: str
    weight: Fraction = Fraction(1)
    allows_not_applicable: bool = False
    level_count: int = 0
    option_scores: Mapping[int, Fraction] = field(default_factory=dict, hash=False)
    position: int = 0
    # The catalogue's applicability rule (method v2); None: asked of every collectivité.
    applicability: "Applicability | None" = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown question kind {self.kind!r}")
        object.__setattr__(self, "weight", _positive_weight(self.weight))
        scores = {}
        for option_id, score in self.option_scores.items():
            score = _fraction(score, what="option score")
            if not 0 <= score <= 1:
                raise ValueError(f"option score must be in [0, 1], not {score}")
            scores[option_id] = score
        object.__setattr__(self, "option_scores", MappingProxyType(scores))


@dataclass(frozen=True)
class RecommendationSpec:
    number: int
    weight: Fraction = Fraction(1)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", _positive_weight(self.weight))


@dataclass(frozen=True)
class ActionSpec:
    id: int
    recommendation: int
    question_id: int | None = None
    position: int = 0


@dataclass(frozen=True)
class CatalogueSpec:
    """One catalogue version. An inconsistent catalogue raises ValueError here, so that scoring
    itself never has to."""

    recommendations: tuple[RecommendationSpec, ...]
    questions: tuple[QuestionSpec, ...]
    actions: tuple[ActionSpec, ...] = ()

    def __post_init__(self) -> None:
        for name in ("recommendations", "questions", "actions"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        numbers = _unique([rec.number for rec in self.recommendations], what="recommendation")
        _unique([question.id for question in self.questions], what="question")
        _unique([action.id for action in self.actions], what="action")
        questions = {question.id: question for question in self.questions}
        for question in self.questions:
            if question.recommendation not in numbers:
                raise ValueError(
                    f"question {question.id} belongs to unknown recommendation "
                    f"{question.recommendation}"
                )
        for action in self.actions:
            if action.recommendation not in numbers:
                raise ValueError(
                    f"action {action.id} belongs to unknown recommendation {action.recommendation}"
                )
            if action.question_id is None:
                continue
            question = questions.get(action.question_id)
            if question is None or question.recommendation != action.recommendation:
                raise ValueError(
                    f"action {action.id} is tied to question {action.question_id}, "
                    f"which is not a question of recommendation {action.recommendation}"
                )


def _unique(values: list[int], *, what: str) -> set[int]:
    seen = set(values)
    if len(seen) != len(values):
        raise ValueError(f"duplicate {what} identifiers in the catalogue")
    return seen


@dataclass(frozen=True)
class AnswerData:
    not_applicable: bool = False
    value: object = None
    # « Je ne sais pas » (method v2): answered, worth 0.
    dont_know: bool = False


@dataclass(frozen=True)
class Applicability:
    """A question's applicability rule (method v2): the kinds of collectivité it applies to
    (empty: every kind) and an optional condition on another question's stored answer value."""

    kinds: frozenset[str] = frozenset()
    condition_question: int | None = None
    condition_values: tuple = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "kinds", frozenset(self.kinds))
        object.__setattr__(self, "condition_values", tuple(self.condition_values))


def _definite_value(answer: AnswerData | None) -> object:
    """The value an applicability condition may rely on; None when there is no definite answer
    (nothing recorded, « Je ne sais pas » or « Non concerné »)."""
    if answer is None or answer.not_applicable or answer.dont_know:
        return None
    if answer.value is None or answer.value == "":
        return None
    if isinstance(answer.value, list | tuple | set | frozenset) and not answer.value:
        return None
    return answer.value


def condition_holds(rule: Applicability, answer: AnswerData | None) -> bool:
    """Whether the condition part of ``rule`` lets the question be asked, given the answer to
    the condition's question (None when that question is itself not asked)."""
    if rule.condition_question is None:
        return True
    value = _definite_value(answer)
    if value is None:
        # Never hide a question on a guess.
        return True
    accepted = rule.condition_values
    if isinstance(value, list | tuple | set | frozenset):
        # A multi-choice: stored as a list, scored as a frozenset (question_kinds.Multi).
        return any(item in accepted for item in value)
    if isinstance(value, bool):
        return any(item is value for item in accepted)
    return any(item == value and not isinstance(item, bool) for item in accepted)


def is_asked(
    rule: Applicability | None,
    *,
    collectivite_kind: str | None,
    condition_answer: AnswerData | None = None,
) -> bool:
    """Whether a question is asked of a collectivité (SCORING.md, applicability rule).

    ``condition_answer`` is the answer to the rule's condition question, or None when it has
    none or when that question is not asked itself (the caller resolves rules in catalogue
    order, so a chain of conditions is followed)."""
    if rule is None:
        return True
    if rule.kinds and collectivite_kind not in rule.kinds:
        return False
    return condition_holds(rule, condition_answer)


def not_asked_questions(
    rules: Sequence[tuple[int, Applicability | None]],
    *,
    collectivite_kind: str | None,
    answers: Mapping[int, AnswerData],
) -> frozenset[int]:
    """The ids of the questions not asked of a collectivité. ``rules`` holds (question id, rule)
    in catalogue order, so that a condition's question is resolved before the questions that
    depend on it (the catalogue loader refuses a condition on a later question, or a cycle)."""
    not_asked: set[int] = set()
    for question_id, rule in rules:
        if rule is None:
            continue
        condition_answer = None
        if rule.condition_question is not None and rule.condition_question not in not_asked:
            condition_answer = answers.get(rule.condition_question)
        if not is_asked(
            rule, collectivite_kind=collectivite_kind, condition_answer=condition_answer
        ):
            not_asked.add(question_id)
    return frozenset(not_asked)


@dataclass(frozen=True)
class MaturityLevel:
    number: int
    label: str


EMERGING = MaturityLevel(1, "Émergente")
DEVELOPING = MaturityLevel(2, "En développement")
STRUCTURED = MaturityLevel(3, "Structurée")
INTEGRATED = MaturityLevel(4, "Intégrée")
MATURITY_LEVELS = (EMERGING, DEVELOPING, STRUCTURED, INTEGRATED)
_LEVEL_FLOORS = ((75, INTEGRATED), (50, STRUCTURED), (25, DEVELOPING), (0, EMERGING))


def maturity_level(score: Fraction | None) -> MaturityLevel | None:
    """The level of an unrounded score in [0, 100]; None for an undefined score."""
    if score is None:
        return None
    score = _fraction(score, what="score")
    if not 0 <= score <= 100:
        raise ValueError(f"a score must be in [0, 100], not {score}")
    return next(level for floor, level in _LEVEL_FLOORS if score >= floor)


def round_half_up(score: Fraction | float | None) -> int | None:
    """The integer shown for a score: exact, with halves rounded up (24.5 -> 25, 24.45 -> 24)."""
    if score is None:
        return None
    return math.floor(_fraction(score, what="score") + Fraction(1, 2))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_valid(question: QuestionSpec, value: object) -> bool:
    match question.kind:
        case Kind.SCALE:
            return (
                question.level_count >= 2 and _is_int(value) and 0 <= value < question.level_count
            )
        case Kind.BOOLEAN:
            return isinstance(value, bool)
        case Kind.CHOICE:
            return _is_int(value) and value in question.option_scores
        case Kind.MULTI:
            return isinstance(value, frozenset | set | tuple | list) and all(
                _is_int(option) and option in question.option_scores for option in value
            )
        case Kind.NUMBER:
            if isinstance(value, Decimal):
                return value.is_finite()
            if isinstance(value, float):
                return math.isfinite(value)
            return _is_int(value) or isinstance(value, Fraction)
        case Kind.TEXT:
            return isinstance(value, str) and value.strip() != ""
    return False


def _is_not_applicable(question: QuestionSpec, answer: AnswerData | None) -> bool:
    return answer is not None and answer.not_applicable and question.allows_not_applicable


def _check_method(method_version: str) -> None:
    if method_version not in METHOD_VERSIONS:
        raise ValueError(f"unknown scoring method version {method_version!r}")


def question_state(
    question: QuestionSpec,
    answer: AnswerData | None,
    *,
    asked: bool = True,
    method_version: str = METHOD_VERSION,
) -> str:
    """The question's State (SCORING.md, the state of a question in a diagnostic).

    A « Non concerné » flag on a question that does not allow it, and any value that does not fit
    the question, count as no answer at all. Method 1 knew neither « Je ne sais pas » nor
    questions not asked: under it every question is asked and « Je ne sais pas » is no answer."""
    _check_method(method_version)
    if not asked and method_version != "1":
        return State.NOT_ASKED
    if answer is None:
        return State.UNANSWERED
    if answer.not_applicable:
        return State.NOT_APPLICABLE if question.allows_not_applicable else State.UNANSWERED
    if answer.dont_know and method_version != "1":
        return State.DONT_KNOW
    return State.ANSWERED if _is_valid(question, answer.value) else State.UNANSWERED


ANSWERED_STATES = frozenset({State.ANSWERED, State.NOT_APPLICABLE, State.DONT_KNOW})


def answer_is_given(
    question: QuestionSpec, answer: AnswerData | None, *, method_version: str = METHOD_VERSION
) -> bool:
    """Whether an asked question counts as answered for completeness: answered, « Non concerné »
    or « Je ne sais pas »."""
    return question_state(question, answer, method_version=method_version) in ANSWERED_STATES


def _value_in_state(question: QuestionSpec, answer: AnswerData | None, state: str):
    if question.kind not in SCORED_KINDS or state in (State.NOT_ASKED, State.NOT_APPLICABLE):
        return None
    if state != State.ANSWERED:
        return Fraction(0)
    value = answer.value
    match question.kind:
        case Kind.SCALE:
            return Fraction(value, question.level_count - 1)
        case Kind.BOOLEAN:
            return Fraction(int(value))
        case Kind.CHOICE:
            return question.option_scores[value]
        case _:
            total = sum((question.option_scores[option] for option in set(value)), Fraction(0))
            return min(Fraction(1), total)


def answer_value(
    question: QuestionSpec,
    answer: AnswerData | None,
    *,
    asked: bool = True,
    method_version: str = METHOD_VERSION,
) -> Fraction | None:
    """v(q) in [0, 1]; None when the question does not count (not scored, not asked, or « Non
    concerné »).

    An unanswered, « Je ne sais pas » or invalid answer to a scored question is worth 0."""
    state = question_state(question, answer, asked=asked, method_version=method_version)
    return _value_in_state(question, answer, state)


@dataclass(frozen=True)
class QuestionResult:
    question_id: int
    value: Fraction | None
    weight: Fraction
    answered: bool
    not_applicable: bool
    # Points this question adds to S_r (they sum to S_r exactly); None when it is not counted.
    contribution: Fraction | None
    state: str = State.UNANSWERED

    @property
    def asked(self) -> bool:
        return self.state != State.NOT_ASKED

    @property
    def dont_know(self) -> bool:
        return self.state == State.DONT_KNOW


@dataclass(frozen=True)
class RecommendationResult:
    number: int
    weight: Fraction
    score: Fraction | None
    level: MaturityLevel | None
    answered: int
    asked: int
    completeness: Fraction | None
    questions: tuple[QuestionResult, ...]
    # Questions answered « Je ne sais pas » (method v2), every kind included.
    dont_know: int = 0

    @property
    def evaluated(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class DiagnosticResult:
    """The scores of one diagnostic, unrounded.

    `priorities` are the (at most three) evaluated recommendations with the largest
    P_r = W_r * (100 - S_r) > 0. `strengths` are the (at most three) evaluated recommendations with
    the highest S_r, ties to the smaller number, among those at least « Structurée » (S_r >= 50):
    a strength must be one in the reader's eyes too. A recommendation may be both a priority and a
    strength. `proposed_actions` are action ids in action-plan order."""

    recommendations: tuple[RecommendationResult, ...]
    overall: Fraction | None
    overall_level: MaturityLevel | None
    answered: int
    asked: int
    completeness: Fraction | None
    priorities: tuple[int, ...]
    strengths: tuple[int, ...]
    proposed_actions: tuple[int, ...]
    method_version: str = METHOD_VERSION
    dont_know: int = 0

    def recommendation(self, number: int) -> RecommendationResult:
        for result in self.recommendations:
            if result.number == number:
                return result
        raise KeyError(number)


def _completeness(answered: int, asked: int) -> Fraction | None:
    return Fraction(answered, asked) if asked else None


def _score_recommendation(
    recommendation: RecommendationSpec,
    questions: Sequence[QuestionSpec],
    answers: Mapping[int, AnswerData],
    *,
    not_asked: frozenset[int],
    method_version: str,
) -> RecommendationResult:
    rows = []
    for question in questions:
        answer = answers.get(question.id)
        state = question_state(
            question,
            answer,
            asked=question.id not in not_asked,
            method_version=method_version,
        )
        rows.append((question, state, _value_in_state(question, answer, state)))
    denominator = sum((q.weight for q, _, value in rows if value is not None), Fraction(0))
    results = tuple(
        QuestionResult(
            question_id=question.id,
            value=value,
            weight=question.weight,
            answered=state in ANSWERED_STATES,
            not_applicable=state == State.NOT_APPLICABLE,
            contribution=None if value is None else 100 * question.weight * value / denominator,
            state=state,
        )
        for question, state, value in rows
    )
    score = (
        sum((r.contribution for r in results if r.contribution is not None), Fraction(0))
        if denominator
        else None
    )
    answered = sum(r.answered for r in results)
    asked = sum(r.asked for r in results)
    return RecommendationResult(
        number=recommendation.number,
        weight=recommendation.weight,
        score=score,
        level=maturity_level(score),
        answered=answered,
        asked=asked,
        completeness=_completeness(answered, asked),
        questions=results,
        dont_know=sum(r.dont_know for r in results),
    )


def _priority_order(
    recommendations: Sequence[RecommendationResult],
) -> list[tuple[int, Fraction]]:
    """(number, P_r) of every evaluated recommendation, largest P_r first, ties to the smaller
    number."""
    ranking = [(r.number, r.weight * (100 - r.score)) for r in recommendations if r.evaluated]
    return sorted(ranking, key=lambda item: (-item[1], item[0]))


def _strengths(recommendations: Sequence[RecommendationResult]) -> tuple[int, ...]:
    candidates = sorted(
        (r for r in recommendations if r.evaluated and r.score >= STRENGTH_THRESHOLD),
        key=lambda r: (-r.score, r.number),
    )
    return tuple(r.number for r in candidates[:STRENGTH_COUNT])


def _proposed_actions(
    actions: Sequence[ActionSpec],
    recommendations: Sequence[RecommendationResult],
    ranking: Sequence[tuple[int, Fraction]],
) -> tuple[int, ...]:
    by_number = {r.number: r for r in recommendations}
    values = {q.question_id: q.value for r in recommendations for q in r.questions}

    def is_proposed(action: ActionSpec) -> bool:
        if action.question_id is not None:
            # None: not scored, not asked or « Non concerné »; unanswered and « Je ne sais pas »
            # are worth 0.
            value = values[action.question_id]
            return value is not None and value <= ACTION_QUESTION_THRESHOLD
        result = by_number[action.recommendation]
        return result.evaluated and result.score < ACTION_RECOMMENDATION_THRESHOLD

    rank = {number: index for index, (number, _) in enumerate(ranking)}
    proposed = sorted(
        (action for action in actions if is_proposed(action)),
        key=lambda a: (rank.get(a.recommendation, len(rank)), a.recommendation, a.position, a.id),
    )
    return tuple(action.id for action in proposed)


def score_diagnostic(
    catalogue: CatalogueSpec,
    answers: Mapping[int, AnswerData],
    *,
    collectivite_kind: str | None = None,
    method_version: str = METHOD_VERSION,
) -> DiagnosticResult:
    """Score answers (keyed by question id) against their catalogue version, for a collectivité
    of ``collectivite_kind`` (the applicability rules' kinds), with a method version.

    Answers to questions outside the catalogue are ignored, and so is any value a not-asked
    question still holds."""
    _check_method(method_version)
    ordered = sorted(catalogue.questions, key=lambda q: (q.recommendation, q.position, q.id))
    not_asked = (
        not_asked_questions(
            [(q.id, q.applicability) for q in ordered],
            collectivite_kind=collectivite_kind,
            answers=answers,
        )
        if method_version != "1"
        else frozenset()
    )
    questions_by_recommendation: dict[int, list[QuestionSpec]] = {}
    for question in ordered:
        questions_by_recommendation.setdefault(question.recommendation, []).append(question)
    recommendations = tuple(
        _score_recommendation(
            rec,
            questions_by_recommendation.get(rec.number, ()),
            answers,
            not_asked=not_asked,
            method_version=method_version,
        )
        for rec in sorted(catalogue.recommendations, key=lambda rec: rec.number)
    )
    evaluated = [r for r in recommendations if r.evaluated]
    total_weight = sum((r.weight for r in evaluated), Fraction(0))
    overall = (
        sum((r.weight * r.score for r in evaluated), Fraction(0)) / total_weight
        if evaluated
        else None
    )
    answered = sum(r.answered for r in recommendations)
    asked = sum(r.asked for r in recommendations)
    ranking = _priority_order(recommendations)
    return DiagnosticResult(
        recommendations=recommendations,
        overall=overall,
        overall_level=maturity_level(overall),
        answered=answered,
        asked=asked,
        completeness=_completeness(answered, asked),
        priorities=tuple(number for number, priority in ranking if priority > 0)[:PRIORITY_COUNT],
        strengths=_strengths(recommendations),
        proposed_actions=_proposed_actions(catalogue.actions, recommendations, ranking),
        method_version=method_version,
        dont_know=sum(r.dont_know for r in recommendations),
    )
