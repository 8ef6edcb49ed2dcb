"""Evolution against the previous diagnostic and anonymous peer figures, from stored scores."""

import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Avg, Count, FloatField, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.enums import CollectiviteKind
from accounts.size_bands import POPULATION_BANDS, band_label, population_band  # noqa: F401
from diagnostics import scoring
from diagnostics.enums import DiagnosticStatus
from diagnostics.models import Diagnostic, RecommendationScore
from diagnostics.selectors import scoring_method

MIN_PEERS = 5


@dataclass(frozen=True)
class Evolution:
    previous: Diagnostic
    same_catalogue: bool
    previous_scores: dict[int, float | None]
    previous_overall: float | None
    # Method versions of the previous diagnostic and of this one: the note « la méthode a
    # changé » when they differ.
    previous_method: str = scoring.METHOD_VERSION
    method: str = scoring.METHOD_VERSION

    @property
    def same_method(self) -> bool:
        return self.previous_method == self.method

    def delta(self, number: int, score) -> float | None:
        before = self.previous_scores.get(number)
        if before is None or score is None:
            return None
        return float(score) - before


class PeerScope:
    BAND = "band"  # same kind, same population band
    KIND = "kind"  # same kind in every band: the band had too few, or the population is unknown


@dataclass(frozen=True)
class PeerFigures:
    count: int
    overall_mean: float | None
    overall_median: float | None
    means: dict[int, float]
    medians: dict[int, float]
    scope: str = PeerScope.BAND
    band: tuple[int, int | None] | None = None


# The kinds in the plural, as the peer sentence names them.
KIND_PLURALS = {
    CollectiviteKind.COMMUNE: gettext_lazy("communes"),
    CollectiviteKind.EPCI: gettext_lazy("intercommunalités"),
    CollectiviteKind.METROPOLE: gettext_lazy("métropoles"),
    CollectiviteKind.DEPARTEMENT: gettext_lazy("départements"),
    CollectiviteKind.REGION: gettext_lazy("régions"),
    CollectiviteKind.OTHER: gettext_lazy("collectivités du même type"),
}


def peer_scope_sentence(peers: PeerFigures, *, kind: str) -> str:
    """Which collectivités the peer figures come from, in a sentence of the page and the PDF."""
    kinds = KIND_PLURALS.get(kind, KIND_PLURALS[CollectiviteKind.OTHER])
    if peers.scope == PeerScope.BAND:
        return _("Scores comparés aux %(n)s %(kinds)s %(band)s.") % {
            "n": peers.count,
            "kinds": kinds,
            "band": band_label(peers.band),
        }
    return _("Scores comparés aux %(n)s %(kinds)s, toutes tailles confondues.") % {
        "n": peers.count,
        "kinds": kinds,
    }


def previous_submitted(diagnostic: Diagnostic) -> Evolution | None:
    """The collectivité's latest submitted diagnostic of an earlier year (the latest submitted
    one, for a diagnostic without a year): a diagnostic of last year reopened and submitted again
    after this year's was started is still last year's."""
    previous = Diagnostic.objects.filter(
        collectivite_id=diagnostic.collectivite_id, status=DiagnosticStatus.SUBMITTED
    ).exclude(pk=diagnostic.pk)
    if diagnostic.year is not None:
        previous = previous.filter(year__lt=diagnostic.year).order_by(
            "-year", "-submitted_at", "-pk"
        )
    else:
        reference = diagnostic.submitted_at or diagnostic.created_at
        previous = previous.filter(submitted_at__lt=reference).order_by("-submitted_at", "-pk")
    previous = previous.first()
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
        previous_method=scoring_method(previous),
        method=scoring_method(diagnostic),
    )


def _method_versions(method: str) -> list[str]:
    # Diagnostics submitted before the method version was recorded were scored with the first.
    return [method, ""] if method == "1" else [method]


def peer_diagnostics(
    *,
    kind: str,
    catalogue_id: int,
    exclude_collectivite_id: int | None,
    method_version: str = scoring.METHOD_VERSION,
):
    """The latest submitted diagnostic of each collectivité of ``kind`` on that catalogue,
    scored with that method version."""
    # The submission and reopen services flag it: one index lookup rather than an anti-join
    # against every other submitted diagnostic.
    peers = Diagnostic.objects.filter(
        is_latest_submitted=True,
        catalogue_id=catalogue_id,
        collectivite__kind=kind,
        method_version__in=_method_versions(method_version),
    )
    if exclude_collectivite_id is not None:
        peers = peers.exclude(collectivite_id=exclude_collectivite_id)
    return peers


def _in_band(prefix: str, band: tuple[int, int | None]) -> Q:
    """Whether the collectivité reached by ``prefix`` is in ``band``."""
    low, high = band
    condition = Q(**{f"{prefix}population__gte": low})
    if high is not None:
        condition &= Q(**{f"{prefix}population__lt": high})
    return condition


class Median(Aggregate):
    """PostgreSQL's exact median (percentile_cont), computed in the database."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _per_recommendation(rows, band) -> tuple[list, list]:
    """([(number, mean, median)] over every peer, the same over the band's), in one query."""
    rows = rows.filter(score__isnull=False)
    if connection.vendor == "postgresql":
        figures = {"mean": Avg("score"), "median": Median("score")}
        if band is not None:
            in_band = _in_band("diagnostic__collectivite__", band)
            figures |= {
                "band_mean": Avg("score", filter=in_band),
                "band_median": Median("score", filter=in_band),
            }
        aggregated = rows.values("number").order_by("number").annotate(**figures)
        every = [(row["number"], row["mean"], row["median"]) for row in aggregated]
        banded = [
            (row["number"], row["band_mean"], row["band_median"])
            for row in aggregated
            if row.get("band_mean") is not None
        ]
        return every, banded
    values: dict[int, list[float]] = defaultdict(list)
    band_values: dict[int, list[float]] = defaultdict(list)
    for number, score, population in rows.values_list(
        "number", "score", "diagnostic__collectivite__population"
    ):
        values[number].append(score)
        if band is not None and population_band(population) == band:
            band_values[number].append(score)
    return _summaries(values), _summaries(band_values)


def _summaries(values: dict[int, list[float]]) -> list[tuple[int, float, float]]:
    return [
        (number, statistics.fmean(items), statistics.median(items))
        for number, items in sorted(values.items())
    ]


def _summary(scores: list[float | None]) -> tuple[int, float | None, float | None]:
    evaluated = [score for score in scores if score is not None]
    if not evaluated:
        return len(scores), None, None
    return len(scores), statistics.fmean(evaluated), statistics.median(evaluated)


def _overall(peers, band) -> tuple[tuple, tuple]:
    """(number of peers, mean, median of their evaluated overall scores), over every peer and
    over the band's, in one query."""
    if connection.vendor == "postgresql":
        figures = {
            "n": Count("pk"),
            "mean": Avg("overall_score"),
            "median": Median("overall_score"),
        }
        if band is not None:
            in_band = _in_band("collectivite__", band)
            figures |= {
                "band_n": Count("pk", filter=in_band),
                "band_mean": Avg("overall_score", filter=in_band),
                "band_median": Median("overall_score", filter=in_band),
            }
        row = peers.aggregate(**figures)
        return (
            (row["n"], row["mean"], row["median"]),
            (row.get("band_n", 0), row.get("band_mean"), row.get("band_median")),
        )
    rows = list(peers.values_list("overall_score", "collectivite__population"))
    banded = [
        score
        for score, population in rows
        if band is not None and population_band(population) == band
    ]
    return _summary([score for score, _ in rows]), _summary(banded)


def peer_figures(diagnostic: Diagnostic) -> PeerFigures | None:
    """Mean and median among peers: those of the same kind and population band when at least
    MIN_PEERS qualify, else those of the same kind in every band; None while fewer than MIN_PEERS
    of the same kind qualify. Peers are on the same catalogue version and method version.

    Always two queries, whatever the number of peers, questions or answers, and whichever group
    is shown: each query aggregates the band and the whole kind together.
    """
    collectivite = diagnostic.collectivite
    band = population_band(collectivite.population)
    peers = peer_diagnostics(
        kind=collectivite.kind,
        catalogue_id=diagnostic.catalogue_id,
        exclude_collectivite_id=diagnostic.collectivite_id,
        method_version=scoring_method(diagnostic),
    )
    every, in_band = _overall(peers, band)
    per_recommendation, per_recommendation_in_band = _per_recommendation(
        RecommendationScore.objects.filter(diagnostic__in=peers.values("pk")), band
    )
    if in_band[0] >= MIN_PEERS:
        (count, overall_mean, overall_median), rows = in_band, per_recommendation_in_band
        scope = PeerScope.BAND
    elif every[0] >= MIN_PEERS:
        (count, overall_mean, overall_median), rows = every, per_recommendation
        scope = PeerScope.KIND
    else:
        return None
    return PeerFigures(
        count=count,
        overall_mean=overall_mean,
        overall_median=overall_median,
        means={number: mean for number, mean, _ in rows},
        medians={number: median for number, _, median in rows},
        scope=scope,
        band=band if scope == PeerScope.BAND else None,
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
