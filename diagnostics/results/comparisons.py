"""Evolution against the previous diagnostic and anonymous peer figures, from stored scores."""

import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Avg, Count, FloatField

from diagnostics.enums import DiagnosticStatus
from diagnostics.models import Diagnostic, RecommendationScore

MIN_PEERS = 5


@dataclass(frozen=True)
class Evolution:
    previous: Diagnostic
    same_catalogue: bool
    previous_scores: dict[int, float | None]
    previous_overall: float | None

    def delta(self, number: int, score) -> float | None:
        before = self.previous_scores.get(number)
        if before is None or score is None:
            return None
        return float(score) - before


@dataclass(frozen=True)
class PeerFigures:
    count: int
    overall_mean: float | None
    overall_median: float | None
    means: dict[int, float]
    medians: dict[int, float]


def previous_submitted(diagnostic: Diagnostic) -> Evolution | None:
    """The collectivité's last diagnostic submitted before this one was started or submitted."""
    reference = diagnostic.submitted_at or diagnostic.created_at
    previous = (
        Diagnostic.objects.filter(
            collectivite_id=diagnostic.collectivite_id,
            status=DiagnosticStatus.SUBMITTED,
            submitted_at__lt=reference,
        )
        .exclude(pk=diagnostic.pk)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if previous is None:
        return None
    scores = dict(
        RecommendationScore.objects.filter(diagnostic=previous).values_list("number", "score")
    )
    return Evolution(
        previous=previous,
        same_catalogue=previous.catalogue_id == diagnostic.catalogue_id,
        previous_scores=scores,
        previous_overall=previous.overall_score,
    )


def peer_diagnostics(*, kind: str, catalogue_id: int, exclude_collectivite_id: int | None):
    """The latest submitted diagnostic of each collectivité of ``kind`` on that catalogue."""
    # The submission and reopen services flag it: one index lookup rather than an anti-join
    # against every other submitted diagnostic.
    peers = Diagnostic.objects.filter(
        is_latest_submitted=True, catalogue_id=catalogue_id, collectivite__kind=kind
    )
    if exclude_collectivite_id is not None:
        peers = peers.exclude(collectivite_id=exclude_collectivite_id)
    return peers


class Median(Aggregate):
    """PostgreSQL's exact median (percentile_cont), computed in the database."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _per_recommendation(rows) -> list[tuple[int, float, float]]:
    """[(number, mean, median)] of the evaluated scores, in one query."""
    if connection.vendor == "postgresql":
        aggregated = (
            rows.filter(score__isnull=False)
            .values("number")
            .order_by("number")
            .annotate(mean=Avg("score"), median=Median("score"))
        )
        return [(row["number"], row["mean"], row["median"]) for row in aggregated]
    values: dict[int, list[float]] = defaultdict(list)
    for number, score in rows.filter(score__isnull=False).values_list("number", "score"):
        values[number].append(score)
    return [
        (number, statistics.fmean(items), statistics.median(items))
        for number, items in sorted(values.items())
    ]


def _overall(peers) -> tuple[int, float | None, float | None]:
    """(number of peers, mean, median of their evaluated overall scores), in one query."""
    if connection.vendor == "postgresql":
        row = peers.aggregate(
            n=Count("pk"), mean=Avg("overall_score"), median=Median("overall_score")
        )
        return row["n"], row["mean"], row["median"]
    scores = list(peers.values_list("overall_score", flat=True))
    evaluated = [score for score in scores if score is not None]
    if not evaluated:
        return len(scores), None, None
    return len(scores), statistics.fmean(evaluated), statistics.median(evaluated)


def peer_figures(diagnostic: Diagnostic) -> PeerFigures | None:
    """Mean and median among peers, or None while fewer than MIN_PEERS qualify.

    Always two queries, whatever the number of peers, questions or answers.
    """
    peers = peer_diagnostics(
        kind=diagnostic.collectivite.kind,
        catalogue_id=diagnostic.catalogue_id,
        exclude_collectivite_id=diagnostic.collectivite_id,
    )
    count, overall_mean, overall_median = _overall(peers)
    per_recommendation = _per_recommendation(
        RecommendationScore.objects.filter(diagnostic__in=peers.values("pk"))
    )
    if count < MIN_PEERS:
        return None
    return PeerFigures(
        count=count,
        overall_mean=overall_mean,
        overall_median=overall_median,
        means={number: mean for number, mean, _ in per_recommendation},
        medians={number: median for number, _, median in per_recommendation},
    )


def national_means() -> dict[int, float]:
    """Mean score per recommendation over every submitted diagnostic (stored scores)."""
    rows = (
        RecommendationScore.objects.filter(
            diagnostic__status=DiagnosticStatus.SUBMITTED, score__isnull=False
        )
        .values("number")
        .annotate(mean=Avg("score"))
        .order_by("number")
    )
    return {row["number"]: row["mean"] for row in rows}
