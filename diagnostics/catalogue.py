"""The catalogue version as a diagnostic sees it: loaded in a fixed number of queries, cached per
process, grouped for the pages and turned into the scoring method's specification."""

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from diagnostics import scoring
from diagnostics.question_kinds import kind_of
from recommendations.models import Option, Question, Recommendation, SuggestedAction


@dataclass
class CatalogueData:
    """A catalogue version loaded in a fixed number of queries, grouped for pages and scoring."""

    recommendations: list[Recommendation]
    questions_by_rec: dict[int, list[Question]]
    options_by_question: dict[int, list[Option]]
    actions: list[SuggestedAction] = field(default_factory=list)

    @cached_property
    def questions(self) -> list[Question]:
        return [q for r in self.recommendations for q in self.questions_by_rec[r.number]]

    @cached_property
    def _questions_by_code(self) -> dict[str, Question]:
        return {q.code: q for q in self.questions}

    @cached_property
    def questions_by_id(self) -> dict[int, Question]:
        return {q.pk: q for q in self.questions}

    @cached_property
    def digest(self) -> str:
        """A hash of every column of the version's recommendations, questions and options: a
        page cached with it changes when an edit in place (an English text) reaches this cache."""
        rows = [*self.recommendations, *self.questions]
        rows += [option for options in self.options_by_question.values() for option in options]
        values = [
            (type(row).__name__, *(getattr(row, f.attname) for f in row._meta.concrete_fields))
            for row in rows
        ]
        return hashlib.sha256(repr(values).encode()).hexdigest()

    def recommendation(self, number: int) -> Recommendation | None:
        return next((r for r in self.recommendations if r.number == number), None)

    def question_by_code(self, code: str) -> Question | None:
        return self._questions_by_code.get(code)

    @cached_property
    def options_by_id(self) -> dict:
        """Option lookups for describing answers: by option id, and scale levels by question."""
        lookup: dict = {}
        for question_id, options in self.options_by_question.items():
            lookup[("levels", question_id)] = options
            for option in options:
                lookup[option.pk] = option
        return lookup

    @cached_property
    def rules(self) -> tuple[tuple[int, scoring.Applicability | None], ...]:
        """(question id, applicability rule or None) in catalogue order (method v2)."""
        return tuple((q.pk, applicability_rule(q)) for q in self.questions)

    @cached_property
    def has_rules(self) -> bool:
        return any(rule is not None for _question, rule in self.rules)

    @cached_property
    def rule_questions(self) -> dict[int, frozenset[int]]:
        """For each recommendation number, the ids of the questions whose answers decide which of
        its questions are asked: the conditions of its rules, followed back through theirs."""
        by_id = {q.pk: q for q in self.questions}
        needed: dict[int, frozenset[int]] = {}
        for number, questions in self.questions_by_rec.items():
            found: set[int] = set()
            todo = [q.condition_question_id for q in questions if q.condition_question_id]
            while todo:
                qid = todo.pop()
                if qid in found or qid not in by_id:
                    continue
                found.add(qid)
                if by_id[qid].condition_question_id:
                    todo.append(by_id[qid].condition_question_id)
            needed[number] = frozenset(found)
        return needed

    def not_asked(self, *, collectivite_kind: str | None, answers: dict) -> frozenset[int]:
        """The question ids not asked of a collectivité of that kind, given scoring.AnswerData
        by question id."""
        return scoring.not_asked_questions(
            self.rules, collectivite_kind=collectivite_kind, answers=answers
        )

    @cached_property
    def _spec(self) -> scoring.CatalogueSpec:
        return self._build_spec()

    def spec(self) -> scoring.CatalogueSpec:
        return self._spec

    def _build_spec(self) -> scoring.CatalogueSpec:
        return scoring.CatalogueSpec(
            recommendations=tuple(
                scoring.RecommendationSpec(number=r.number, weight=Fraction(r.weight))
                for r in self.recommendations
            ),
            questions=tuple(
                scoring.QuestionSpec(
                    id=q.pk,
                    recommendation=q.recommendation.number,
                    kind=q.kind,
                    weight=Fraction(q.weight),
                    allows_not_applicable=q.allows_not_applicable,
                    level_count=kind_of(q).level_count(self.options_by_question.get(q.pk, [])),
                    option_scores={
                        o.pk: Fraction(o.score)
                        for o in self.options_by_question.get(q.pk, [])
                        if o.score is not None
                    },
                    position=q.position,
                    applicability=applicability_rule(q),
                )
                for q in self.questions
            ),
            actions=tuple(
                scoring.ActionSpec(
                    id=a.pk,
                    recommendation=a.recommendation.number,
                    question_id=a.question_id,
                    position=a.position,
                )
                for a in self.actions
            ),
        )


def applicability_rule(question: Question) -> scoring.Applicability | None:
    """The question's applicability rule as the scoring method takes it; None when it has none."""
    if not question.applies_to_kinds and question.condition_question_id is None:
        return None
    return scoring.Applicability(
        kinds=frozenset(question.applies_to_kinds or ()),
        condition_question=question.condition_question_id,
        condition_values=tuple(question.condition_values or ()),
    )


# Catalogue versions used by diagnostics never change (the admin and the loader refuse), so each
# process keeps the ones it has read. Any save or delete in the catalogue empties this cache, and
# entries expire anyway, which bounds what another process may keep after an unusual edit.
CACHE_SECONDS = 300
_cache: dict[int, tuple[float, "CatalogueData"]] = {}


def clear_catalogue_cache(**kwargs) -> None:
    _cache.clear()


def catalogue_data(catalogue_id: int, *, with_actions: bool = True) -> CatalogueData:
    """The whole catalogue version, actions included: four queries, or none when cached."""
    cached = _cache.get(catalogue_id)
    now = time.monotonic()
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    data = _load_catalogue_data(catalogue_id)
    _cache[catalogue_id] = (now, data)
    return data


def _load_catalogue_data(catalogue_id: int) -> CatalogueData:
    recommendations = list(
        Recommendation.objects.filter(catalogue_id=catalogue_id).order_by("number")
    )
    by_id = {r.pk: r for r in recommendations}
    questions_by_rec: dict[int, list[Question]] = {r.number: [] for r in recommendations}
    questions = Question.objects.filter(recommendation__catalogue_id=catalogue_id).order_by(
        "position", "pk"
    )
    for question in questions:
        question.recommendation = by_id[question.recommendation_id]
        questions_by_rec[question.recommendation.number].append(question)
    options_by_question: dict[int, list[Option]] = defaultdict(list)
    for option in Option.objects.filter(
        question__recommendation__catalogue_id=catalogue_id
    ).order_by("position", "pk"):
        options_by_question[option.question_id].append(option)
    actions = list(
        SuggestedAction.objects.filter(recommendation__catalogue_id=catalogue_id).order_by(
            "position", "pk"
        )
    )
    for action in actions:
        action.recommendation = by_id[action.recommendation_id]
    return CatalogueData(
        recommendations=recommendations,
        questions_by_rec=questions_by_rec,
        options_by_question=dict(options_by_question),
        actions=actions,
    )
