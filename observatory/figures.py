"""The national observatory's tables: anonymous aggregates over stored scores and the registry.

Everything is read from the scores stored at submission (``Diagnostic.overall_score``,
``RecommendationScore``) and from the partnerships registry; nothing is computed again from
answers. The number of queries does not depend on the number of collectivités: each table is one
grouped query (PostgreSQL computes quartiles itself; SQLite, used in development and tests, sends
the grouped values and Python interpolates them the same way as ``percentile_cont``).
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _
from django_countries.fields import Country

from accounts.enums import CollectiviteKind
from accounts.size_bands import POPULATION_BANDS, band_label
from diagnostics.enums import DiagnosticStatus
from diagnostics.models import Diagnostic, RecommendationScore
from observatory.suppression import Additive, Cell, suppress
from partnerships.enums import PartnershipKind, PartnershipState, Theme
from partnerships.models import Partnership

UNKNOWN_BAND = -1
RECOMMENDATIONS = range(1, 11)
# Maturity levels by their floor on the unrounded score (SCORING.md): 1 from 0, 2 from 25…
LEVEL_FLOORS = ((1, 0, 25), (2, 25, 50), (3, 50, 75), (4, 75, None))

STUDY_SOURCE = (
    "France urbaine et INET, « L’action internationale des villes. Enjeux et perspectives pour "
    "les mandats 2020-2026 », d’après l’Atlas français de la coopération décentralisée"
)


class Quartiles(Aggregate):
    """PostgreSQL's ``percentile_cont`` of the three quartiles at once: one sort per group."""

    function = "PERCENTILE_CONT"
    name = "Quartiles"
    template = "%(function)s(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY %(expressions)s)"

    @property
    def output_field(self):
        from django.contrib.postgres.fields import ArrayField

        return ArrayField(FloatField())


@dataclass
class Row:
    label: str
    cells: list[Cell]
    total: bool = False


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]  # headers of the value columns; the first column holds the row labels
    rows: list[Row]
    row_header: str
    note: str = ""
    chart: list[tuple[str, Cell]] = field(default_factory=list)
    chart_unit: str = "count"


@dataclass
class Observatory:
    tables: list[Table]
    references: list[tuple[str, str, Cell]]  # (what, the study's figure, the platform's)
    relations: list[Additive] = field(default_factory=list)  # the sums a reader could use
    source: str = STUDY_SOURCE

    def table(self, slug: str) -> Table | None:
        return next((table for table in self.tables if table.slug == slug), None)


# --- Groups ------------------------------------------------------------------------------------


def band_expression(prefix: str):
    """The index of the population band in POPULATION_BANDS, or UNKNOWN_BAND."""
    whens = [When(**{f"{prefix}population__isnull": True}, then=Value(UNKNOWN_BAND))]
    for index, (_low, high) in enumerate(POPULATION_BANDS):
        if high is not None:
            whens.append(When(**{f"{prefix}population__lt": high}, then=Value(index)))
    return Case(*whens, default=Value(len(POPULATION_BANDS) - 1), output_field=IntegerField())


def band_name(index: int) -> str:
    if index == UNKNOWN_BAND:
        return _("taille inconnue")
    return band_label(POPULATION_BANDS[index])


def kind_name(kind: str) -> str:
    try:
        return str(CollectiviteKind(kind).label)
    except ValueError:
        return kind


def latest_diagnostics():
    """Each collectivité's latest submitted diagnostic, whatever its catalogue: one per
    collectivité (the submission flags the latest one per catalogue; the newest of those wins)."""
    newer = Diagnostic.objects.filter(
        collectivite=OuterRef("collectivite"), is_latest_submitted=True
    ).filter(
        Q(submitted_at__gt=OuterRef("submitted_at"))
        | Q(submitted_at=OuterRef("submitted_at"), pk__gt=OuterRef("pk"))
    )
    return Diagnostic.objects.filter(
        is_latest_submitted=True, status=DiagnosticStatus.SUBMITTED
    ).exclude(Exists(newer))


def quartiles(queryset, groups: list[str], value: str) -> dict[tuple, tuple[int, tuple]]:
    """For each group: (number of values, (first quartile, median, third quartile)), in one
    query; None values are left out."""
    queryset = queryset.filter(**{f"{value}__isnull": False})
    if connection.vendor == "postgresql":
        rows = queryset.values(*groups).order_by().annotate(n=Count(value), q=Quartiles(value))
        return {tuple(row[g] for g in groups): (row["n"], tuple(row["q"])) for row in rows}
    values: dict[tuple, list[float]] = defaultdict(list)
    for row in queryset.values_list(*groups, value).order_by():
        values[tuple(row[:-1])].append(row[-1])
    return {group: (len(items), _quartiles(items)) for group, items in values.items()}


def quartiles_two_ways(
    queryset, fine: dict, coarse: list[str], value
) -> tuple[dict[tuple, tuple[int, tuple]], dict[tuple, tuple[int, tuple]]]:
    """``quartiles`` by the ``fine`` groups (name -> expression) and by the ``coarse`` ones (a
    subset of their names), in one query: PostgreSQL groups the rows both ways at once
    (GROUPING SETS), SQLite sends them once and Python groups them."""
    names = list(fine)
    rows = (
        queryset.order_by()
        .annotate(**fine, observed_value=value)
        .filter(observed_value__isnull=False)
        .values_list(*names, "observed_value")
    )
    positions = [names.index(name) for name in coarse]
    fine_result: dict[tuple, tuple[int, tuple]] = {}
    coarse_result: dict[tuple, tuple[int, tuple]] = {}
    if connection.vendor == "postgresql":
        sql, params = rows.query.sql_with_params()
        columns = [f"g{index}" for index in range(len(names))]
        every = ", ".join(columns)
        some = ", ".join(columns[index] for index in positions)
        left_out = ", ".join(c for index, c in enumerate(columns) if index not in positions)
        grouped = (
            f"SELECT {every}, GROUPING({left_out}), COUNT(v), "
            f"PERCENTILE_CONT(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY v) "
            f"FROM ({sql}) AS r({every}, v) GROUP BY GROUPING SETS (({every}), ({some}))"
        )
        with connection.cursor() as cursor:
            cursor.execute(grouped, params)
            for *key, coarse_only, n, figures in cursor:
                if coarse_only:
                    coarse_result[tuple(key[i] for i in positions)] = (n, tuple(figures))
                else:
                    fine_result[tuple(key)] = (n, tuple(figures))
        return fine_result, coarse_result
    fine_values: dict[tuple, list[float]] = defaultdict(list)
    coarse_values: dict[tuple, list[float]] = defaultdict(list)
    for *key, observed in rows:
        fine_values[tuple(key)].append(observed)
        coarse_values[tuple(key[i] for i in positions)].append(observed)
    for source, target in ((fine_values, fine_result), (coarse_values, coarse_result)):
        for group, items in source.items():
            target[group] = (len(items), _quartiles(items))
    return fine_result, coarse_result


def _quartiles(items: list[float]) -> tuple:
    if len(items) == 1:
        return (items[0],) * 3
    q1, q2, q3 = statistics.quantiles(items, n=4, method="inclusive")
    return q1, q2, q3


# --- Tables ------------------------------------------------------------------------------------


def _count(value: int) -> Cell:
    return Cell(value, value)


def _score(n: int, value: float | None) -> Cell:
    return Cell(value, n, unit="score")


def _submitted(latest) -> tuple[dict, list, list]:
    """Counts per (kind, band) of collectivités with a submitted diagnostic, with their levels."""
    level_counts = {
        f"level{number}": Count(
            "pk",
            filter=Q(overall_score__gte=low) & (Q(overall_score__lt=high) if high else Q()),
        )
        for number, low, high in LEVEL_FLOORS
    }
    rows = (
        latest.annotate(band=band_expression("collectivite__"))
        .values("collectivite__kind", "band")
        .order_by()
        .annotate(n=Count("pk"), unscored=Count("pk", filter=Q(overall_score__isnull=True)))
        .annotate(**level_counts)
    )
    groups = {(row["collectivite__kind"], row["band"]): row for row in rows}
    kinds = [kind for kind in CollectiviteKind.values if any(k == kind for k, _b in groups)]
    bands = [index for index in range(len(POPULATION_BANDS)) if any(b == index for _k, b in groups)]
    if any(b == UNKNOWN_BAND for _k, b in groups):
        bands.append(UNKNOWN_BAND)
    return groups, kinds, bands


def _submitted_tables(latest) -> tuple[list[Table], list[Additive]]:
    groups, kinds, bands = _submitted(latest)
    cells = {
        (kind, band): _count(groups[(kind, band)]["n"] if (kind, band) in groups else 0)
        for kind in kinds
        for band in bands
    }
    row_totals = {kind: _count(sum(cells[(kind, b)].value for b in bands)) for kind in kinds}
    column_totals = {band: _count(sum(cells[(k, band)].value for k in kinds)) for band in bands}
    grand = _count(sum(total.value for total in row_totals.values()))
    relations = [Additive(row_totals[k], [cells[(k, b)] for b in bands]) for k in kinds]
    relations += [Additive(column_totals[b], [cells[(k, b)] for k in kinds]) for b in bands]
    relations += [
        Additive(grand, list(row_totals.values())),
        Additive(grand, list(column_totals.values())),
    ]
    submitted = Table(
        slug="collectivites",
        title=_("Collectivités ayant soumis un diagnostic, par type et par taille"),
        row_header=_("Type de collectivité"),
        columns=[band_name(b) for b in bands] + [_("Ensemble")],
        rows=[Row(kind_name(k), [cells[(k, b)] for b in bands] + [row_totals[k]]) for k in kinds]
        + [Row(_("Toutes collectivités"), [*list(column_totals.values()), grand], total=True)],
        chart=[(kind_name(k), row_totals[k]) for k in kinds],
    )
    # The levels of each group add up to the group's count of the first table: the same cell.
    level_rows = []
    for kind in kinds:
        for band in bands:
            group = groups.get((kind, band))
            if group is None:
                continue
            parts = [_count(group[f"level{n}"]) for n, _low, _high in LEVEL_FLOORS]
            parts.append(_count(group["unscored"]))
            relations.append(Additive(cells[(kind, band)], parts))
            level_rows.append(
                Row(f"{kind_name(kind)}, {band_name(band)}", [*parts, cells[kind, band]])
            )
    levels = Table(
        slug="niveaux",
        title=_("Niveau de maturité global, par type et par taille"),
        row_header=_("Collectivités"),
        columns=[
            _("Émergente (1)"),
            _("En développement (2)"),
            _("Structurée (3)"),
            _("Intégrée (4)"),
            _("Non évaluée"),
            _("Ensemble"),
        ],
        rows=level_rows,
        note=_("Dernier diagnostic soumis de chaque collectivité."),
    )
    return [submitted, levels], relations


def _score_tables(latest) -> list[Table]:
    by_group, by_kind = quartiles_two_ways(
        latest,
        {"kind": F("collectivite__kind"), "band": band_expression("collectivite__")},
        ["kind"],
        F("overall_score"),
    )
    scores = RecommendationScore.objects.filter(diagnostic__in=latest.values("pk"))
    recs_by_group, recs_by_kind = quartiles_two_ways(
        scores,
        {
            "kind": F("diagnostic__collectivite__kind"),
            "band": band_expression("diagnostic__collectivite__"),
            "rec": F("number"),
        },
        ["kind", "rec"],
        F("score"),
    )

    def group_label(group):
        kind, *band = group
        if not band:
            return _("%(kind)s, toutes tailles") % {"kind": kind_name(kind)}
        return f"{kind_name(kind)}, {band_name(band[0])}"

    def ordered(groups):
        kinds = CollectiviteKind.values
        return sorted(
            groups,
            key=lambda g: (kinds.index(g[0]) if g[0] in kinds else 99, len(g), *g[1:]),
        )

    overall_rows = []
    for group in ordered(set(by_kind) | set(by_group)):
        n, (q1, q2, q3) = by_kind.get(group) or by_group[group]
        overall_rows.append(Row(group_label(group), [_score(n, q1), _score(n, q2), _score(n, q3)]))
    overall = Table(
        slug="scores",
        title=_("Score global : quartiles, par type et par taille"),
        row_header=_("Collectivités"),
        columns=[_("1er quartile"), _("Médiane"), _("3e quartile")],
        rows=overall_rows,
        note=_("Scores sur 100 enregistrés à la soumission du dernier diagnostic."),
    )
    per_rec: dict[tuple, dict[int, Cell]] = defaultdict(dict)
    for source in (recs_by_kind, recs_by_group):
        for (*group, number), (n, (_q1, median, _q3)) in source.items():
            per_rec[tuple(group)][number] = _score(n, median)
    rec_rows = [
        Row(
            group_label(group),
            [per_rec[group].get(number) or _score(0, None) for number in RECOMMENDATIONS],
        )
        for group in ordered(per_rec)
    ]
    recommendations = Table(
        slug="preconisations",
        title=_("Score médian par préconisation, par type et par taille"),
        row_header=_("Collectivités"),
        columns=[_("P%(n)s") % {"n": number} for number in RECOMMENDATIONS],
        rows=rec_rows,
        note=_("P1 à P10 : les dix préconisations de l’étude ; médiane des scores sur 100."),
    )
    return [overall, recommendations]


def _evolution_table() -> Table:
    submitted = Diagnostic.objects.submitted().filter(year__isnull=False)
    counts = dict(
        submitted.values("year")
        .order_by()
        .annotate(n=Count("collectivite", distinct=True))
        .values_list("year", "n")
    )
    scores = quartiles(submitted, ["year"], "overall_score")
    rows = []
    for year in sorted(counts):
        n, (q1, q2, q3) = scores.get((year,), (0, (None, None, None)))
        rows.append(
            Row(str(year), [_count(counts[year]), _score(n, q1), _score(n, q2), _score(n, q3)])
        )
    return Table(
        slug="evolution",
        title=_("Évolution d’une année sur l’autre"),
        row_header=_("Année"),
        columns=[
            _("Collectivités ayant soumis"),
            _("Score global : 1er quartile"),
            _("Score global : médiane"),
            _("Score global : 3e quartile"),
        ],
        rows=rows,
        chart=[(row.label, row.cells[2]) for row in rows],
        chart_unit="score",
    )


def active_partnerships():
    return Partnership.objects.filter(state=PartnershipState.ACTIF)


def _partnership_tables() -> tuple[list[Table], list[Additive], dict]:
    active = active_partnerships()
    totals = active.aggregate(
        collectivites=Count("collectivite", distinct=True),
        partnerships=Count("pk"),
        partners=Count("partner_name", distinct=True),
        budgeted=Count("collectivite", distinct=True, filter=Q(yearly_budget__isnull=False)),
        budget=Sum("yearly_budget"),
    )
    total_collectivites = _count(totals["collectivites"])
    total_partnerships = Cell(totals["partnerships"], totals["collectivites"])
    relations = []

    by_country = list(
        active.values("country")
        .order_by()
        .annotate(collectivites=Count("collectivite", distinct=True), partnerships=Count("pk"))
    )
    by_country.sort(key=lambda row: (-row["partnerships"], str(Country(row["country"]).name)))
    country_rows = [
        Row(
            str(Country(row["country"]).name),
            [_count(row["collectivites"]), Cell(row["partnerships"], row["collectivites"])],
        )
        for row in by_country
    ]
    relations.append(Additive(total_partnerships, [row.cells[1] for row in country_rows]))
    countries = Table(
        slug="pays",
        title=_("Partenariats actifs par pays"),
        row_header=_("Pays"),
        columns=[_("Collectivités"), _("Partenariats")],
        rows=[
            *country_rows,
            Row(_("Tous pays"), [total_collectivites, total_partnerships], total=True),
        ],
        note=_(
            "Une collectivité peut avoir des partenariats dans plusieurs pays : la colonne "
            "« Collectivités » ne s’additionne pas."
        ),
    )

    by_kind = {
        row["kind"]: row
        for row in active.values("kind")
        .order_by()
        .annotate(collectivites=Count("collectivite", distinct=True), partnerships=Count("pk"))
    }
    kind_rows = []
    for kind in PartnershipKind:
        row = by_kind.get(kind.value)
        if row is None:
            continue
        kind_rows.append(
            Row(
                str(kind.label),
                [_count(row["collectivites"]), Cell(row["partnerships"], row["collectivites"])],
            )
        )
    relations.append(Additive(total_partnerships, [row.cells[1] for row in kind_rows]))
    kinds = Table(
        slug="types",
        title=_("Partenariats actifs par type"),
        row_header=_("Type de partenariat"),
        columns=[_("Collectivités"), _("Partenariats"), _("Part des partenariats")],
        rows=[
            *kind_rows,
            Row(_("Tous types"), [total_collectivites, total_partnerships], total=True),
        ],
        chart=[(row.label, row.cells[1]) for row in kind_rows],
    )

    by_theme = partnerships_by_theme()
    theme_rows = []
    for theme in Theme:
        if theme.value in by_theme:
            collectivites, count = by_theme[theme.value]
            theme_rows.append(
                Row(str(theme.label), [_count(collectivites), Cell(count, collectivites)])
            )
    themes = Table(
        slug="thematiques",
        title=_("Partenariats actifs par thématique"),
        row_header=_("Thématique"),
        columns=[_("Collectivités"), _("Partenariats")],
        rows=theme_rows,
        note=_("Un partenariat peut porter sur plusieurs thématiques : rien ne s’additionne."),
    )
    platform = {
        "collectivites": total_collectivites,
        "partnerships": total_partnerships,
        "partners": Cell(totals["partners"], totals["collectivites"]),
        "budget": Cell(totals["budget"], totals["budgeted"], unit="euros"),
    }
    return [countries, kinds, themes], relations, platform


THEMES_SQL = {
    # One row per (partnership, theme) through the JSON list, then grouped: one pass, one query.
    "postgresql": (
        "SELECT t.theme, COUNT(DISTINCT p.collectivite_id), COUNT(*) FROM {table} p "
        "CROSS JOIN LATERAL jsonb_array_elements_text(p.themes) AS t(theme) "
        "WHERE p.state = %s AND jsonb_typeof(p.themes) = 'array' GROUP BY t.theme"
    ),
    "sqlite": (
        "SELECT t.value, COUNT(DISTINCT p.collectivite_id), COUNT(*) FROM {table} p, "
        "json_each(p.themes) AS t WHERE p.state = %s AND json_type(p.themes) = 'array' "
        "GROUP BY t.value"
    ),
}


def partnerships_by_theme() -> dict[str, tuple[int, int]]:
    """Theme code -> (collectivités, active partnerships), in one query."""
    sql = THEMES_SQL[connection.vendor].format(table=Partnership._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [PartnershipState.ACTIF.value])
        return {theme: (collectivites, count) for theme, collectivites, count in cursor}


def _add_shares(kinds: Table) -> None:
    """The share of each kind among partnerships, after secrecy: shown only when both the kind's
    count and the total are (a share times the total is the count)."""
    total = kinds.rows[-1].cells[1]
    for row in kinds.rows:
        count = row.cells[1]
        share = Cell(
            count.value / total.value if total.value else None,
            count.contributors,
            unit="share",
        )
        if not (count.shown and total.shown):
            share.hidden = count.hidden or total.hidden
        row.cells.append(share)


def build_observatory() -> Observatory:
    latest = latest_diagnostics()
    submitted_tables, relations = _submitted_tables(latest)
    score_tables = _score_tables(latest)
    evolution = _evolution_table()
    partnership_tables, partnership_relations, platform = _partnership_tables()
    tables = [*submitted_tables, *score_tables, evolution, *partnership_tables]
    cells = [cell for table in tables for row in table.rows for cell in row.cells]
    cells += list(platform.values())
    relations += partnership_relations
    suppress(cells, relations)
    _add_shares(partnership_tables[1])
    references = [
        (
            _("Collectivités françaises engagées à l’international"),
            "4 700",
            platform["collectivites"],
        ),
        (_("Collectivités étrangères partenaires"), "8 150", platform["partners"]),
        (_("Partenariats en cours"), "10 440", platform["partnerships"]),
        (
            _("Aide publique au développement des collectivités, par an"),
            _("plus de 100 M€"),
            platform["budget"],
        ),
    ]
    return Observatory(tables=tables, references=references, relations=relations)
