"""Peer comparison and national aggregate at national scale, against recomputing from answers.

Recreates the PostgreSQL database aeict_national (migrate, loadcatalogue), creates 4 700
collectivités (the study's count of collectivités engaged internationally) in a plausible mix of
kinds, each with a submitted diagnostic answering all 55 questions, plus an earlier submitted
diagnostic for 430 of them: 5 130 diagnostics, 282 150 answers. Stored scores
(Diagnostic.overall_score, RecommendationScore) are computed in memory with
diagnostics.scoring.score_diagnostic, as at submission. Then measures peer_figures() for a
commune (the largest peer group), national_means(), and one SQL query that recomputes the mean
score per recommendation from the raw answers; checks that it agrees with national_means().
Prints the figures against the targets of issue 4 and writes benchmarks/results/national.json.

Issue 14 adds three years of submitted diagnostics (2024 for 60 % of the collectivités, 2025 for
80 %, 2026 for all: about 11 300 diagnostics), 10 440 partnerships over 150 countries (the
study's count), a third of the collectivités with partnerships visible in the finder; and
measures the national observatory's page (target < 150 ms) and the finder (< 50 ms), each beside
a naive computation (one collectivité at a time; every partnership read into Python), at least
10× slower.

    uv run python benchmarks/national.py [--runs 20] [--warmup 3] [--naive-runs 3] [--scale 1]

The recomputation follows method 2's applicability rules (a question not asked of the
collectivité's kind, or under an unmet condition, does not count, whatever value the generated
answers give it), as scoring.score_diagnostic does at submission.

Exit status: 0 once measured (targets met or not), 1 if the recomputation disagrees with
national_means(), 2 if the setup failed.
"""

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

import common
from common import SetupError

# (kind, count, first two SIREN digits, population range, mean maturity)
MIX = [
    ("commune", 3_600, "21", (2_000, 150_000), 0.35),
    ("epci", 790, "24", (15_000, 300_000), 0.40),
    ("metropole", 22, "20", (250_000, 2_000_000), 0.65),
    ("departement", 95, "22", (80_000, 2_600_000), 0.50),
    ("region", 17, "23", (300_000, 12_000_000), 0.60),
    ("autre", 176, "25", (1_000, 100_000), 0.40),
]
# Share of the collectivités with a submitted diagnostic each year (issue 14: three years).
YEARS = {2024: 0.6, 2025: 0.8, 2026: 1.0}
PARTNERSHIPS = 10_440
COUNTRIES = 150
# Partnerships drawn per collectivité in proportion to these weights, by kind.
PARTNERSHIP_WEIGHTS = {
    "commune": 1.0,
    "epci": 1.5,
    "metropole": 25.0,
    "departement": 6.0,
    "region": 12.0,
    "autre": 0.5,
}
PARTNERSHIP_KINDS = {
    "jumelage": 0.35,
    "cooperation": 0.30,
    "partenariat": 0.20,
    "reseau": 0.08,
    "projet_europeen": 0.07,
}
PARTNERSHIP_STATES = {"actif": 0.8, "en_sommeil": 0.12, "termine": 0.08}
VISIBLE_SHARE = 1 / 3
OBSERVATORY_TARGET_MS = 150.0
FINDER_TARGET_MS = 50.0
ISSUE_14_SPEEDUP = 10.0
TARGET_MS = 50.0
TARGET_SPEEDUP = 5.0
TOLERANCE = 1e-6

RECOMPUTE_SQL = """
WITH levels AS (
    SELECT question_id, count(*) AS n FROM recommendations_option GROUP BY question_id
),
multi AS (
    SELECT a.id AS answer_id,
           bool_and(o.id IS NOT NULL) AS valid,
           LEAST(1, coalesce(sum(o.score), 0)) AS v
    FROM diagnostics_answer a
    JOIN diagnostics_diagnostic d ON d.id = a.diagnostic_id AND d.status = %(submitted)s
    JOIN recommendations_question q ON q.id = a.question_id AND q.kind = 'multi'
    CROSS JOIN LATERAL (
        SELECT DISTINCT element
        FROM jsonb_array_elements(
            CASE WHEN jsonb_typeof(a.value) = 'array' THEN a.value ELSE '[]'::jsonb END
        ) AS e(element)
    ) AS chosen
    LEFT JOIN recommendations_option o
        ON o.question_id = q.id
        AND o.score IS NOT NULL
        AND o.id = CASE WHEN jsonb_typeof(chosen.element) = 'number'
                        THEN chosen.element::numeric END
    GROUP BY a.id
),
question_values AS (
    SELECT d.id AS diagnostic_id,
           r.number,
           q.weight,
           CASE
               -- Method 2: a question not asked of the collectivité does not count, whatever
               -- value it still holds: its kind is not among the rule's kinds…
               WHEN d.method_version <> '1'
                   AND jsonb_array_length(q.applies_to_kinds) > 0
                   AND NOT q.applies_to_kinds ? c.kind
                   THEN NULL
               -- …or the condition's question, itself asked, holds a definite value (not
               -- « Non concerné », « Je ne sais pas », empty) none of whose items is accepted.
               WHEN d.method_version <> '1'
                   AND q.condition_question_id IS NOT NULL
                   AND (jsonb_array_length(cq.applies_to_kinds) = 0
                        OR cq.applies_to_kinds ? c.kind)
                   AND ca.id IS NOT NULL
                   AND NOT ca.not_applicable
                   AND NOT ca.dont_know
                   AND ca.value IS NOT NULL
                   AND ca.value NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb)
                   AND NOT EXISTS (
                       SELECT 1
                       FROM jsonb_array_elements(
                           CASE WHEN jsonb_typeof(ca.value) = 'array' THEN ca.value
                                ELSE jsonb_build_array(ca.value) END
                       ) AS item(element)
                       WHERE q.condition_values @> jsonb_build_array(item.element)
                   )
                   THEN NULL
               WHEN a.not_applicable AND q.allows_not_applicable THEN NULL
               WHEN a.id IS NULL OR a.not_applicable OR a.value IS NULL THEN 0
               -- « Je ne sais pas » (method 2) is answered and worth 0.
               WHEN a.dont_know AND d.method_version <> '1' THEN 0
               WHEN q.kind = 'scale' THEN
                   CASE
                       WHEN jsonb_typeof(a.value) <> 'number' OR coalesce(lv.n, 0) < 2 THEN 0
                       WHEN a.value::numeric = trunc(a.value::numeric)
                           AND a.value::numeric >= 0 AND a.value::numeric < lv.n
                           THEN a.value::numeric / (lv.n - 1)
                       ELSE 0
                   END
               WHEN q.kind = 'boolean' THEN CASE WHEN a.value = 'true'::jsonb THEN 1 ELSE 0 END
               WHEN q.kind = 'choice' THEN coalesce(co.score, 0)
               ELSE CASE WHEN m.valid THEN m.v ELSE 0 END
           END AS v
    FROM diagnostics_diagnostic d
    JOIN accounts_collectivite c ON c.id = d.collectivite_id
    JOIN recommendations_recommendation r ON r.catalogue_id = d.catalogue_id
    JOIN recommendations_question q
        ON q.recommendation_id = r.id AND q.kind IN ('scale', 'boolean', 'choice', 'multi')
    LEFT JOIN diagnostics_answer a ON a.diagnostic_id = d.id AND a.question_id = q.id
    LEFT JOIN recommendations_question cq ON cq.id = q.condition_question_id
    LEFT JOIN diagnostics_answer ca
        ON ca.diagnostic_id = d.id AND ca.question_id = q.condition_question_id
    LEFT JOIN levels lv ON lv.question_id = q.id
    LEFT JOIN recommendations_option co
        ON q.kind = 'choice'
        AND co.question_id = q.id
        AND co.score IS NOT NULL
        AND co.id = CASE WHEN jsonb_typeof(a.value) = 'number' THEN a.value::numeric END
    LEFT JOIN multi m ON m.answer_id = a.id
    WHERE d.status = %(submitted)s
),
per_recommendation AS (
    SELECT diagnostic_id,
           number,
           100 * sum(weight * v) / nullif(sum(weight) FILTER (WHERE v IS NOT NULL), 0) AS score
    FROM question_values
    GROUP BY diagnostic_id, number
)
SELECT number, avg(score::float8) AS mean, count(*) AS n
FROM per_recommendation
WHERE score IS NOT NULL
GROUP BY number
ORDER BY number
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each measure")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs first")
    parser.add_argument(
        "--naive-runs", type=int, default=3, help="timed runs of each naive computation"
    )
    common.add_database_options(parser, database="aeict_national")
    parser.add_argument("--explain", action="store_true", help="print the plans even if met")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds before giving up")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="share of the collectivités and partnerships created (1: the study's counts)",
    )
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be ≥ 1, --warmup ≥ 0")
    if not 0 < args.scale <= 1:
        parser.error("--scale must be in ]0, 1]")
    return args


# Setup ------------------------------------------------------------------------------------------


def random_state(question, options, rng, maturity):
    from diagnostics.question_kinds import kind_of
    from diagnostics.questionnaire.answers import make_state

    if question.allows_not_applicable and rng.random() < 0.08:
        return make_state(value=None, not_applicable=True, comment="")
    value = kind_of(question).sample(question, options, level=maturity, rng=rng)
    comment = "Voir la délibération du conseil." if rng.random() < 0.05 else ""
    return make_state(value=value, not_applicable=False, comment=comment)


def copy_rows(table, columns, rows):
    from django.db import connection

    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def scaled(count, scale):
    return max(1, round(count * scale))


def populate(seed, scale=1.0):
    from django.db import connection, transaction

    from accounts.models import Collectivite
    from accounts.siren import siren_with_key
    from diagnostics import scoring
    from diagnostics.catalogue import catalogue_data
    from diagnostics.enums import DiagnosticStatus
    from diagnostics.models import Answer, Diagnostic
    from diagnostics.selectors import answer_data
    from recommendations.models import CatalogueVersion

    started = time.perf_counter()
    common.call_commands("migrate --noinput", "loadcatalogue")
    catalogue = CatalogueVersion.objects.latest_published()
    data = catalogue_data(catalogue.pk)
    spec = data.spec()
    questions = data.questions
    rng = random.Random(seed)

    collectivites = []
    maturity_of = {}
    for kind, full_count, prefix, (low, high), maturity in MIX:
        count = scaled(full_count, scale)
        label = dict(Collectivite._meta.get_field("kind").flatchoices)[kind]
        for index in range(1, count + 1):
            siren = siren_with_key(f"{prefix}{index:06d}")
            collectivites.append(
                Collectivite(
                    name=f"{label} n° {index}",
                    kind=kind,
                    siren=siren,
                    population=int(rng.uniform(low, high)),
                )
            )
            maturity_of[siren] = maturity
    with transaction.atomic():
        Collectivite.objects.bulk_create(collectivites, batch_size=1000)
    print(f"  {len(collectivites)} collectivités created", flush=True)

    plans = []
    for collectivite in collectivites:
        base = maturity_of[collectivite.siren]
        for year, share in YEARS.items():
            if share < 1 and rng.random() >= share:
                continue
            submitted = datetime(year, 1, 5, tzinfo=UTC) + timedelta(days=rng.uniform(0, 150))
            plans.append(
                (collectivite, f"Diagnostic {year}", base - 0.05 * (2026 - year), submitted, year)
            )

    # Flagged as the submission service does: latest by (submitted_at, pk), pk in plans' order.
    latest = {}
    for index, (collectivite, _title, _base, submitted, _year) in enumerate(plans):
        latest[collectivite.siren] = max(latest.get(collectivite.siren, ()), (submitted, index))

    diagnostics, answer_rows, score_rows = [], [], []
    for number, (collectivite, title, base, submitted, year) in enumerate(plans, start=1):
        maturity = min(0.95, max(0.05, rng.gauss(base, 0.15)))
        answers = {}
        rows = []
        for question in questions:
            state = random_state(
                question, data.options_by_question.get(question.pk, []), rng, maturity
            )
            answer = Answer(
                question_id=question.pk,
                value=state["value"],
                not_applicable=state["not_applicable"],
                comment=state["comment"],
            )
            answers[question.pk] = answer_data(answer, question)
            rows.append(state)
        result = scoring.score_diagnostic(spec, answers, collectivite_kind=collectivite.kind)
        diagnostics.append(
            Diagnostic(
                collectivite=collectivite,
                catalogue=catalogue,
                title=title,
                year=year,
                status=DiagnosticStatus.SUBMITTED,
                submitted_at=submitted,
                is_latest_submitted=latest[collectivite.siren] == (submitted, number - 1),
                overall_score=float(result.overall) if result.overall is not None else None,
                method_version=result.method_version,
            )
        )
        answer_rows.append((submitted, rows))
        score_rows.append(
            [
                (rec.number, float(rec.score) if rec.score is not None else None)
                for rec in result.recommendations
            ]
        )
        if number % 1000 == 0 or number == len(plans):
            print(f"  {number}/{len(plans)} diagnostics answered and scored", flush=True)

    with transaction.atomic():
        Diagnostic.objects.bulk_create(diagnostics, batch_size=1000)
        print(f"  {len(diagnostics)} diagnostics inserted", flush=True)
        copy_rows(
            "diagnostics_answer",
            [
                "diagnostic_id",
                "question_id",
                "value",
                "not_applicable",
                "comment",
                "revision",
                "updated_at",
                "dont_know",
                "needs_confirmation",
                "source",
            ],
            (
                (
                    diagnostic.pk,
                    question.pk,
                    None if state["value"] is None else json.dumps(state["value"]),
                    state["not_applicable"],
                    state["comment"],
                    1,
                    submitted,
                    False,
                    False,
                    "",
                )
                for diagnostic, (submitted, states) in zip(diagnostics, answer_rows, strict=True)
                for question, state in zip(questions, states, strict=True)
            ),
        )
        answer_count = len(diagnostics) * len(questions)
        print(f"  {answer_count} answers copied", flush=True)
        copy_rows(
            "diagnostics_recommendationscore",
            ["diagnostic_id", "number", "score"],
            (
                (diagnostic.pk, number, score)
                for diagnostic, scores in zip(diagnostics, score_rows, strict=True)
                for number, score in scores
            ),
        )
        score_count = sum(len(scores) for scores in score_rows)
        print(f"  {score_count} recommendation scores copied", flush=True)
    registry = populate_partnerships(collectivites, rng, scaled(PARTNERSHIPS, scale))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE done; setup took {time.perf_counter() - started:.0f} s", flush=True)
    counts = {kind: scaled(count, scale) for kind, count, *_ in MIX}
    return {
        "collectivites": len(collectivites),
        "collectivites_by_kind": counts,
        "diagnostics": len(diagnostics),
        "diagnostics_by_year": {
            str(year): sum(1 for plan in plans if plan[4] == year) for year in YEARS
        },
        **registry,
        "questions": len(questions),
        "answers": answer_count,
        "recommendation_scores": score_count,
        "setup_s": round(time.perf_counter() - started, 1),
    }


def populate_partnerships(collectivites, rng, count=PARTNERSHIPS):
    """10 440 partnerships (``count``) over 150 countries, more for the large collectivités; a
    third of the collectivités with partnerships visible in the finder."""
    from django.db import transaction
    from django_countries import countries

    from partnerships.enums import Theme
    from partnerships.models import FinderProfile, Partnership

    codes = [code for code, _name in countries if code != "FR"]
    chosen_countries = rng.sample(codes, COUNTRIES)
    # A few countries (Germany, Senegal…) hold many partnerships, most hold a few.
    country_weights = [1 / (rank**0.9) for rank in range(1, COUNTRIES + 1)]
    owners = rng.choices(
        collectivites,
        weights=[PARTNERSHIP_WEIGHTS[c.kind] for c in collectivites],
        k=count,
    )
    themes = list(Theme.values)
    rows = []
    for index, owner in enumerate(owners, start=1):
        state = rng.choices(list(PARTNERSHIP_STATES), weights=PARTNERSHIP_STATES.values())[0]
        rows.append(
            Partnership(
                collectivite=owner,
                partner_name=f"Partenaire n° {index}",
                country=rng.choices(chosen_countries, weights=country_weights)[0],
                kind=rng.choices(list(PARTNERSHIP_KINDS), weights=PARTNERSHIP_KINDS.values())[0],
                themes=rng.sample(themes, rng.randint(1, 3)),
                state=state,
                ended_on=datetime(2024, 6, 30, tzinfo=UTC).date() if state == "termine" else None,
                yearly_budget=rng.choice([None, 5_000, 20_000, 80_000]),
            )
        )
    with_partnerships = sorted({owner.pk: owner for owner in owners}.values(), key=lambda c: c.pk)
    visible = rng.sample(with_partnerships, int(len(with_partnerships) * VISIBLE_SHARE))
    with transaction.atomic():
        Partnership.objects.bulk_create(rows, batch_size=2000)
        FinderProfile.objects.bulk_create(
            FinderProfile(collectivite=c, visible=True, contact_email="ri@exemple.localhost")
            for c in visible
        )
    print(
        f"  {len(rows)} partnerships over {COUNTRIES} countries, "
        f"{len(with_partnerships)} collectivités, {len(visible)} visible in the finder",
        flush=True,
    )
    return {
        "partnerships": len(rows),
        "partnership_countries": COUNTRIES,
        "collectivites_with_partnerships": len(with_partnerships),
        "visible_in_finder": len(visible),
    }


# Measures ---------------------------------------------------------------------------------------


def time_runs(function, runs, warmup):
    for _ in range(warmup):
        function()
    values = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        values.append(time.perf_counter() - start)
    return {
        "median_ms": round(statistics.median(values) * 1000, 2),
        "min_ms": round(min(values) * 1000, 2),
        "max_ms": round(max(values) * 1000, 2),
        "runs": runs,
        "values_ms": [round(v * 1000, 2) for v in values],
    }


def recompute():
    from django.db import connection

    from diagnostics.enums import DiagnosticStatus
    from recommendations.models import Question

    # RECOMPUTE_SQL follows a condition one level deep (the condition's question asked by kind).
    if Question.objects.filter(condition_question__condition_question__isnull=False).exists():
        raise SetupError("a condition's question has a condition itself: RECOMPUTE_SQL ignores it")
    with connection.cursor() as cursor:
        cursor.execute(RECOMPUTE_SQL, {"submitted": DiagnosticStatus.SUBMITTED.value})
        return {number: (mean, n) for number, mean, n in cursor.fetchall()}


def captured(function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        function()
    return [query["sql"] for query in context.captured_queries]


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [line for (line,) in cursor.fetchall()]


def measure_all(args):
    from accounts.models import Collectivite
    from diagnostics.models import Diagnostic
    from diagnostics.results.comparisons import (
        MIN_PEERS,
        national_means,
        peer_figures,
        population_band,
    )

    diagnostic = (
        Diagnostic.objects.select_related("collectivite")
        .filter(collectivite__kind="commune", title="Diagnostic 2026")
        .order_by("pk")
        .first()
    )
    peers = peer_figures(diagnostic)
    # Peers of the same population band first (SCORING.md), the whole kind when too few.
    band = population_band(diagnostic.collectivite.population)
    communes = Collectivite.objects.filter(kind="commune")
    in_band = communes.filter(population__gte=band[0])
    if band[1] is not None:
        in_band = in_band.filter(population__lt=band[1])
    expected_peers = in_band.count() - 1
    if expected_peers < MIN_PEERS:
        expected_peers = communes.count() - 1
    if peers is None or peers.count != expected_peers:
        raise SetupError(
            f"peer_figures counted {peers.count if peers else None} peers, "
            f"expected {expected_peers}"
        )
    print(f"Measures: {args.warmup} warm-up then {args.runs} timed runs each", flush=True)
    found = {}
    for key, label, function in (
        ("peer_figures", "peer_figures(commune)", lambda: peer_figures(diagnostic)),
        ("national_means", "national_means()", national_means),
        ("recompute_sql", "recompute from answers (SQL)", recompute),
    ):
        print(f"  {label}…", flush=True)
        found[key] = time_runs(function, args.runs, args.warmup)

    stored = national_means()
    raw = recompute()
    differences = {
        number: abs(stored[number] - raw[number][0]) if number in raw else None for number in stored
    }
    missing = sorted(set(stored) ^ set(raw))
    worst = max((d for d in differences.values() if d is not None), default=None)
    agreement = {
        "max_abs_difference": worst,
        "tolerance": TOLERANCE,
        "missing_numbers": missing,
        "agree": not missing and worst is not None and worst <= TOLERANCE,
        "national_means": {str(k): v for k, v in stored.items()},
        "recomputed": {str(k): v for k, (v, _) in raw.items()},
        "diagnostics_per_number": {str(k): n for k, (_, n) in raw.items()},
    }
    plans = {
        "peer_figures": [
            {"sql": sql, "plan": explain(sql)} for sql in captured(lambda: peer_figures(diagnostic))
        ],
        "national_means": [{"sql": sql, "plan": explain(sql)} for sql in captured(national_means)],
    }
    return diagnostic, peers.count, found, agreement, plans


def naive_observatory():
    """The observatory's figures as a first version would get them: one collectivité at a time
    (its submitted diagnostics, the latest one's scores, its partnerships), then Python."""
    from collections import Counter, defaultdict

    from accounts.models import Collectivite
    from accounts.size_bands import population_band
    from diagnostics.models import Diagnostic, RecommendationScore
    from partnerships.models import Partnership

    groups = defaultdict(list)
    per_recommendation = defaultdict(list)
    years = defaultdict(list)
    by_country, by_kind = Counter(), Counter()
    for collectivite in Collectivite.objects.all():
        diagnostics = list(
            Diagnostic.objects.filter(collectivite=collectivite, status="soumis").order_by(
                "-submitted_at", "-pk"
            )
        )
        for diagnostic in diagnostics:
            if diagnostic.year is not None and diagnostic.overall_score is not None:
                years[diagnostic.year].append(diagnostic.overall_score)
        if diagnostics:
            latest = diagnostics[0]
            group = (collectivite.kind, population_band(collectivite.population))
            groups[group].append(latest.overall_score)
            for score in RecommendationScore.objects.filter(diagnostic=latest):
                if score.score is not None:
                    per_recommendation[(*group, score.number)].append(score.score)
        for partnership in Partnership.objects.filter(collectivite=collectivite, state="actif"):
            by_country[partnership.country.code] += 1
            by_kind[partnership.kind] += 1
    summary = {
        group: statistics.quantiles([s for s in scores if s is not None] or [0, 0], n=4)
        for group, scores in groups.items()
        if len(scores) >= 2
    }
    medians = {key: statistics.median(values) for key, values in per_recommendation.items()}
    return summary, medians, years, by_country, by_kind


def observatory_page_function():
    from django.conf import settings
    from django.test import RequestFactory, override_settings

    from accounts.models import User
    from observatory.views import observatory

    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        email="observatoire@exemple.localhost", password="bench-observatoire-2026"
    )

    # The page links the theme's static files: no manifest here (no collectstatic).
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()

    def page():
        request = RequestFactory().get("/plateforme/observatoire/")
        request.user = admin
        response = observatory(request)
        assert response.status_code == 200
        return response

    return page


def naive_finder(searcher, countries, theme):
    """Every partnership and every profile read into Python, then filtered there."""
    from partnerships.models import FinderProfile, Partnership

    visible = {p.collectivite_id for p in FinderProfile.objects.all() if p.visible}
    return [
        p
        for p in Partnership.objects.select_related("collectivite").all()
        if p.collectivite_id in visible
        and p.collectivite_id != searcher.pk
        and p.state == "actif"
        and (not countries or p.country.code in countries)
        and (not theme or theme in p.themes)
    ]


def measure_issue_14(args):
    """The observatory's page and the finder, each beside its naive computation."""
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Collectivite
    from partnerships.finder import find_partnerships
    from partnerships.models import Partnership

    page = observatory_page_function()
    top_country = (
        Partnership.objects.values("country").annotate(n=Count("pk")).order_by("-n").first()
    )["country"]
    searcher = Collectivite.objects.filter(kind="metropole").order_by("pk").first()

    def finder():
        return find_partnerships(searcher=searcher, countries=[top_country], theme="eau")

    results, _truncated = finder()
    naive = naive_finder(searcher, [top_country], "eau")
    if len(naive) != len(results) and len(results) < 200:
        raise SetupError(f"the finder found {len(results)}, the naive filter {len(naive)}")
    with CaptureQueriesContext(connection) as queries:
        page()
    found = {}
    print("Issue 14 measures…", flush=True)
    for key, function, runs, warmup in (
        ("observatory_page", page, args.runs, args.warmup),
        ("observatory_naive", naive_observatory, args.naive_runs, 1),
        ("finder", finder, args.runs, args.warmup),
        ("finder_naive", lambda: naive_finder(searcher, [top_country], "eau"), args.runs, 1),
    ):
        print(f"  {key}…", flush=True)
        found[key] = time_runs(function, runs, warmup)
    verdict = {}
    for key, target in (("observatory_page", OBSERVATORY_TARGET_MS), ("finder", FINDER_TARGET_MS)):
        median = found[key]["median_ms"]
        naive_median = found[key.replace("_page", "") + "_naive"]["median_ms"]
        speedup = round(naive_median / median, 1) if median else None
        verdict[key] = {
            "median_ms": median,
            "target_ms": target,
            "fast_enough": median < target,
            "naive_median_ms": naive_median,
            "speedup": speedup,
            "target_speedup": ISSUE_14_SPEEDUP,
            "speedup_met": speedup is not None and speedup >= ISSUE_14_SPEEDUP,
        }
    finder_sql = captured(finder)
    return {
        "timings": found,
        "targets": verdict,
        "observatory_queries": len(queries.captured_queries),
        "finder": {"country": top_country, "theme": "eau", "results": len(results)},
        "finder_plans": [{"sql": sql, "plan": explain(sql)} for sql in finder_sql],
    }


def print_issue_14(result, always_explain):
    print()
    print(
        f"issue 14: observatory page in {result['observatory_queries']} queries; finder on "
        f"{result['finder']['country']} / eau: {result['finder']['results']} results"
    )
    for key, label in (("observatory_page", "observatory page"), ("finder", "finder")):
        t = result["targets"][key]
        print(
            f"  {'✓' if t['fast_enough'] else '✗'} {label:<17} {t['median_ms']:7.1f} ms   "
            f"target < {t['target_ms']:g} ms"
        )
        print(
            f"  {'✓' if t['speedup_met'] else '✗'} {label:<17} {t['speedup']:7.1f}×   "
            f"faster than the naive computation ({t['naive_median_ms']:.1f} ms), "
            f"target ≥ {ISSUE_14_SPEEDUP:g}×"
        )
    if always_explain or not result["targets"]["finder"]["fast_enough"]:
        for query in result["finder_plans"]:
            print(f"\n  {query['sql']}\n")
            for line in query["plan"]:
                print(f"    {line}")


# Report -----------------------------------------------------------------------------------------


def verdicts(found):
    raw = found["recompute_sql"]["median_ms"]
    result = {}
    for key in ("peer_figures", "national_means"):
        median = found[key]["median_ms"]
        speedup = round(raw / median, 1) if median else None
        fastest = found[key]["min_ms"]
        result[key] = {
            "median_ms": median,
            "speedup_of_mins": round(found["recompute_sql"]["min_ms"] / fastest, 1)
            if fastest
            else None,
            "target_ms": TARGET_MS,
            "fast_enough": median < TARGET_MS,
            "speedup_vs_recompute": speedup,
            "target_speedup": TARGET_SPEEDUP,
            "speedup_met": speedup is not None and speedup >= TARGET_SPEEDUP,
        }
    return result


def print_report(dataset, peer_count, found, agreement, targets, plans, always_explain):
    print()
    print(
        f"{dataset['collectivites']} collectivités, {dataset['partnerships']} partnerships, "
        f"{dataset['diagnostics']} submitted over {len(YEARS)} years: "
        f"{dataset['diagnostics']} submitted "
        f"diagnostics, {dataset['answers']} answers, {dataset['recommendation_scores']} stored "
        f"recommendation scores; peer group of the commune: {peer_count} communes"
    )
    print()
    rows = [("measure (ms)", "median", "min", "max", "runs", "recompute / this", "(of mins)")]
    labels = {
        "peer_figures": "peer_figures(commune diagnostic)",
        "national_means": "national_means()",
        "recompute_sql": "recompute means from answers (1 SQL)",
    }
    for key, label in labels.items():
        r = found[key]
        speedup = targets[key]["speedup_vs_recompute"] if key in targets else None
        of_mins = targets[key]["speedup_of_mins"] if key in targets else None
        rows.append(
            (
                label,
                f"{r['median_ms']:.1f}",
                f"{r['min_ms']:.1f}",
                f"{r['max_ms']:.1f}",
                str(r["runs"]),
                f"{speedup:.1f}×" if speedup is not None else "",
                f"{of_mins:.1f}×" if of_mins is not None else "",
            )
        )
    common.print_table(rows)
    print()
    worst = agreement["max_abs_difference"]
    mark = "✓" if agreement["agree"] else "✗"
    print(
        f"{mark} recomputed means vs national_means(): max |difference| "
        f"{'n/a' if worst is None else f'{worst:.2e}'} (tolerance {TOLERANCE:g})"
        + (
            f", numbers missing on one side: {agreement['missing_numbers']}"
            if agreement["missing_numbers"]
            else ""
        )
    )
    print()
    print("targets (issue 4):")
    for key, label in (("peer_figures", "peer_figures"), ("national_means", "national_means")):
        t = targets[key]
        print(
            f"  {'✓' if t['fast_enough'] else '✗'} {label:<15} {t['median_ms']:6.1f} ms   "
            f"target < {TARGET_MS:g} ms"
        )
        print(
            f"  {'✓' if t['speedup_met'] else '✗'} {label:<15} {t['speedup_vs_recompute']:6.1f}×   "
            f"faster than recomputing, target ≥ {TARGET_SPEEDUP:g}×"
        )
    for key in ("peer_figures", "national_means"):
        if always_explain or not targets[key]["fast_enough"]:
            print(f"\nEXPLAIN ANALYZE of {key}:")
            for query in plans[key]:
                print(f"\n  {query['sql']}\n")
                for line in query["plan"]:
                    print(f"    {line}")


def measure(args, media_root):
    load_before = common.load_averages()
    common.prepare_django(args=args, media_root=media_root)
    dataset = populate(seed=4700, scale=args.scale)
    diagnostic, peer_count, found, agreement, plans = measure_all(args)
    targets = verdicts(found)
    print_report(dataset, peer_count, found, agreement, targets, plans, args.explain)
    issue_14 = measure_issue_14(args)
    print_issue_14(issue_14, args.explain)
    machine = common.machine_info(load_average_start=load_before)
    report = {
        "config": {
            "database": "postgresql",
            "runs": args.runs,
            "warmup": args.warmup,
            "scale": args.scale,
            "mix": [
                {"kind": kind, "count": count, "siren_prefix": prefix, "maturity": maturity}
                for kind, count, prefix, _, maturity in MIX
            ],
        },
        "dataset": dataset,
        "peer_diagnostic": {"id": diagnostic.pk, "kind": "commune", "peers": peer_count},
        "timings": found,
        "targets": targets,
        "agreement": agreement,
        "recompute_sql": RECOMPUTE_SQL.strip(),
        "explain": plans,
        "issue_14": issue_14,
    }
    path = common.write_results(report, benchmark="national", machine=machine)
    print(f"\n{common.describe_load(load_before)}")
    print(f"Written to {path}")
    return 0 if agreement["agree"] else 1


def main():
    args = parse_args()
    return common.run_in_process(
        lambda media_root: measure(args, media_root), args=args, name="national"
    )


if __name__ == "__main__":
    sys.exit(main())
