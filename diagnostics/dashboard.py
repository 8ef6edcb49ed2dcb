"""The dashboard's read model: each diagnostic's completeness, last activity, stored overall score
and level, the current diagnostic's progress per recommendation, the scores of past years. A fixed
number of queries, whatever the number of diagnostics or answers."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from diagnostics.catalogue import catalogue_data
from diagnostics.models import Answer, Diagnostic, DiagnosticEvent
from diagnostics.scoring import MaturityLevel, maturity_level
from diagnostics.selectors import not_asked

# Answer.is_given in SQL: the questionnaire stores an empty value as NULL (see make_state).
GIVEN = Q(not_applicable=True) | Q(dont_know=True) | Q(value__isnull=False)


def _name(user: str):
    """A user's display_name (full name, else e-mail address) as an expression."""
    return Coalesce(
        NullIf(F(f"{user}__full_name"), Value("")),
        F(f"{user}__email"),
        output_field=CharField(),
    )


def with_last_activity(diagnostics: QuerySet) -> QuerySet:
    """Annotate the latest answer saved and the latest event (creation, submission…), each with
    who did it: four subqueries inside the diagnostics' own query."""
    answers = Answer.objects.filter(diagnostic=OuterRef("pk")).order_by("-updated_at", "-pk")
    events = DiagnosticEvent.objects.filter(diagnostic=OuterRef("pk")).order_by(
        "-created_at", "-pk"
    )
    return diagnostics.annotate(
        last_answer_at=Subquery(answers.values("updated_at")[:1]),
        last_answer_by=Subquery(answers.values(name=_name("updated_by"))[:1]),
        last_event_at=Subquery(events.values("created_at")[:1]),
        last_event_by=Subquery(events.values(name=_name("actor"))[:1]),
    )


@dataclass(frozen=True)
class RecommendationProgress:
    number: int
    short_title: str
    answered: int
    asked: int
    # « fr » when an English page shows the French title (no translation yet).
    lang: str = ""

    @property
    def completeness(self) -> Fraction | None:
        return Fraction(self.answered, self.asked) if self.asked else None


@dataclass(frozen=True)
class DiagnosticState:
    diagnostic: Diagnostic
    answered: int
    asked: int
    last_activity_at: datetime | None
    last_activity_by: str | None
    progress: list[RecommendationProgress] = field(default_factory=list)

    @property
    def completeness(self) -> Fraction | None:
        return Fraction(self.answered, self.asked) if self.asked else None

    @property
    def overall_score(self) -> float | None:
        """The score stored at submission; none before."""
        return self.diagnostic.overall_score if self.diagnostic.is_submitted else None

    @property
    def overall_level(self) -> MaturityLevel | None:
        return maturity_level(self.overall_score)


def _last_activity(diagnostic: Diagnostic) -> tuple[datetime | None, str | None]:
    candidates = [
        (diagnostic.last_answer_at, diagnostic.last_answer_by),
        (diagnostic.last_event_at, diagnostic.last_event_by),
    ]
    candidates = [c for c in candidates if c[0] is not None]
    if not candidates:
        return diagnostic.created_at, None
    return max(candidates, key=lambda c: c[0])


def _answered_by_recommendation(diagnostics: list[Diagnostic]) -> dict[int, dict[int, int]]:
    """Given answers per diagnostic and recommendation number, in one grouped query."""
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    if not diagnostics:
        return counts
    rows = (
        Answer.objects.filter(GIVEN, diagnostic_id__in=[d.pk for d in diagnostics])
        .values("diagnostic_id", "question__recommendation__number")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["diagnostic_id"]][row["question__recommendation__number"]] = row["n"]
    return counts


def _not_asked_by_diagnostic(
    diagnostics: list[Diagnostic],
) -> dict[int, tuple[frozenset[int], dict[int, int]]]:
    """For each diagnostic whose catalogue has applicability rules: the questions not asked of its
    collectivité, and how many of them hold a given answer, per recommendation number. Two
    queries when some catalogue has rules, none otherwise."""
    ruled = [d for d in diagnostics if catalogue_data(d.catalogue_id).has_rules]
    if not ruled:
        return {}
    kinds = dict(
        Diagnostic.objects.filter(pk__in=[d.pk for d in ruled]).values_list(
            "pk", "collectivite__kind"
        )
    )
    answers: dict[int, dict[int, Answer]] = defaultdict(dict)
    for answer in Answer.objects.filter(diagnostic_id__in=kinds).only(
        "diagnostic_id", "question_id", "value", "not_applicable", "dont_know"
    ):
        answers[answer.diagnostic_id][answer.question_id] = answer
    result = {}
    for diagnostic in ruled:
        data = catalogue_data(diagnostic.catalogue_id)
        held_answers = answers.get(diagnostic.pk, {})
        skipped = not_asked(data, held_answers, collectivite_kind=kinds.get(diagnostic.pk))
        held: dict[int, int] = defaultdict(int)
        for question in data.questions:
            answer = held_answers.get(question.pk)
            if question.pk in skipped and answer is not None and answer.is_given:
                held[question.recommendation.number] += 1
        result[diagnostic.pk] = (skipped, held)
    return result


def diagnostic_states(
    diagnostics: list[Diagnostic], *, detailed: set[int] = frozenset()
) -> dict[int, DiagnosticState]:
    """The state of each diagnostic (annotated by with_last_activity), by pk; the diagnostics
    whose pk is in ``detailed`` get their progress per recommendation."""
    answered = _answered_by_recommendation(diagnostics)
    skipped = _not_asked_by_diagnostic(diagnostics)
    states = {}
    for diagnostic in diagnostics:
        data = catalogue_data(diagnostic.catalogue_id)
        counts = answered.get(diagnostic.pk, {})
        not_asked, held = skipped.get(diagnostic.pk, (frozenset(), {}))
        progress = [
            RecommendationProgress(
                number=rec.number,
                short_title=rec.localized("short_title"),
                lang="fr" if rec.is_fallback("short_title") else "",
                # An answer kept by a question no longer asked does not count.
                answered=counts.get(rec.number, 0) - held.get(rec.number, 0),
                asked=sum(1 for q in data.questions_by_rec[rec.number] if q.pk not in not_asked),
            )
            for rec in data.recommendations
        ]
        at, by = _last_activity(diagnostic)
        states[diagnostic.pk] = DiagnosticState(
            diagnostic=diagnostic,
            answered=sum(p.answered for p in progress),
            asked=sum(p.asked for p in progress),
            last_activity_at=at,
            last_activity_by=by,
            progress=progress if diagnostic.pk in detailed else [],
        )
    return states


def score_timeline(states: list[DiagnosticState]) -> list[DiagnosticState]:
    """Submitted diagnostics with a year and a stored score, oldest year first, archived ones
    included; shown once there are two or more."""
    timeline = sorted(
        (s for s in states if s.overall_score is not None and s.diagnostic.year is not None),
        key=lambda s: s.diagnostic.year,
    )
    return timeline if len(timeline) >= 2 else []


# The timeline's drawing, in SVG user units; integers, so that no decimal comma of the locale
# ever reaches the SVG.
TIMELINE_WIDTH = 320
TIMELINE_HEIGHT = 120
TIMELINE_MARGIN = 24
# What the template draws around the points: the lines of 0 and 100, the row of the years.
TIMELINE_FRAME = {
    "width": TIMELINE_WIDTH,
    "height": TIMELINE_HEIGHT,
    "left": TIMELINE_MARGIN,
    "right": TIMELINE_WIDTH - TIMELINE_MARGIN,
    "top": TIMELINE_MARGIN,
    "bottom": TIMELINE_HEIGHT - TIMELINE_MARGIN,
    "years": TIMELINE_HEIGHT - 7,
}


@dataclass(frozen=True)
class TimelinePoint:
    x: int
    y: int
    state: DiagnosticState


def timeline_points(timeline: list[DiagnosticState]) -> list[TimelinePoint]:
    """Where each year's overall score sits on the line: years evenly spaced, 0 at the bottom
    and 100 at the top."""
    if len(timeline) < 2:
        return []
    width = TIMELINE_WIDTH - 2 * TIMELINE_MARGIN
    height = TIMELINE_HEIGHT - 2 * TIMELINE_MARGIN
    return [
        TimelinePoint(
            x=TIMELINE_MARGIN + round(i * width / (len(timeline) - 1)),
            y=TIMELINE_MARGIN + round(height * (1 - state.overall_score / 100)),
            state=state,
        )
        for i, state in enumerate(timeline)
    ]
