"""Evolution against the previous diagnostic and anonymous peer figures, from stored scores."""

import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Avg, Count, FloatField, OuterRef, Subquery

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
    latest_of_collectivite = (
        Diagnostic.objects.filter(
            collectivite_id=OuterRef("collectivite_id"),
            status=DiagnosticStatus.SUBMITTED,
            catalogue_id=catalogue_id,
        )
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    peers = Diagnostic.objects.filter(
        status=DiagnosticStatus.SUBMITTED,
        catalogue_id=catalogue_id,
        collectivite__kind=kind,
        pk=Subquery(latest_of_collectivite),
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


def _stats_in_database(rows, value: str, group: str | None):
    """[(group, count, mean, median)] computed by PostgreSQL, two aggregates in one query."""
    if group:
        rows = rows.values(group).order_by(group)
    aggregated = (
        rows.annotate(n=Count(value), mean=Avg(value), median=Median(value))
        if group
        else [rows.aggregate(n=Count(value), mean=Avg(value), median=Median(value))]
    )
    return [
        (row.get(group) if group else None, row["n"], row["mean"], row["median"])
        for row in aggregated
    ]


def _stats_in_python(rows, value: str, group: str | None):
    values: dict = defaultdict(list)
    for key, item in rows.values_list(group or value, value):
        if item is not None:
            values[key if group else None].append(item)
    if not group and not values:
        return [(None, 0, None, None)]
    return [
        (key, len(items), statistics.fmean(items), statistics.median(items))
        for key, items in sorted(values.items(), key=lambda kv: (kv[0] is None, kv[0]))
    ]


def _stats(rows, value: str, group: str | None = None):
    if connection.vendor == "postgresql":
        return _stats_in_database(rows.filter(**{f"{value}__isnull": False}), value, group)
    return _stats_in_python(rows, value, group)


def peer_figures(diagnostic: Diagnostic) -> PeerFigures | None:
    """Mean and median among peers, or None while fewer than MIN_PEERS qualify.

    Always three queries, whatever the number of peers, questions or answers.
    """
    peers = peer_diagnostics(
        kind=diagnostic.collectivite.kind,
        catalogue_id=diagnostic.catalogue_id,
        exclude_collectivite_id=diagnostic.collectivite_id,
    )
    count = peers.count()
    per_recommendation = _stats(
        RecommendationScore.objects.filter(diagnostic__in=peers.values("pk")), "score", "number"
    )
    [(_, _, overall_mean, overall_median)] = _stats(peers, "overall_score")
    if count < MIN_PEERS:
        return None
    return PeerFigures(
        count=count,
        overall_mean=overall_mean,
        overall_median=overall_median,
        means={number: mean for number, n, mean, _ in per_recommendation if n},
        medians={number: median for number, n, _, median in per_recommendation if n},
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
