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

    uv run python benchmarks/national.py [--runs 20] [--warmup 3]

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
EARLIER_DIAGNOSTICS = 430
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
               WHEN a.not_applicable AND q.allows_not_applicable THEN NULL
               WHEN a.id IS NULL OR a.not_applicable OR a.value IS NULL THEN 0
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
    JOIN recommendations_recommendation r ON r.catalogue_id = d.catalogue_id
    JOIN recommendations_question q
        ON q.recommendation_id = r.id AND q.kind IN ('scale', 'boolean', 'choice', 'multi')
    LEFT JOIN diagnostics_answer a ON a.diagnostic_id = d.id AND a.question_id = q.id
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
    common.add_database_options(parser, database="aeict_national")
    parser.add_argument("--explain", action="store_true", help="print the plans even if met")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds before giving up")
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be ≥ 1, --warmup ≥ 0")
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


def populate(seed):
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
    for kind, count, prefix, (low, high), maturity in MIX:
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

    earlier = set(rng.sample(range(len(collectivites)), EARLIER_DIAGNOSTICS))
    plans = []
    for index, collectivite in enumerate(collectivites):
        base = maturity_of[collectivite.siren]
        if index in earlier:
            submitted = datetime(2023, 3, 1, tzinfo=UTC) + timedelta(days=rng.uniform(0, 300))
            plans.append((collectivite, "Diagnostic 2023", base - 0.1, submitted))
        submitted = datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=rng.uniform(0, 150))
        plans.append((collectivite, "Diagnostic 2026", base, submitted))

    # Flagged as the submission service does: latest by (submitted_at, pk), pk in plans' order.
    latest = {}
    for index, (collectivite, _title, _base, submitted) in enumerate(plans):
        latest[collectivite.siren] = max(latest.get(collectivite.siren, ()), (submitted, index))

    diagnostics, answer_rows, score_rows = [], [], []
    for number, (collectivite, title, base, submitted) in enumerate(plans, start=1):
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
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE done; setup took {time.perf_counter() - started:.0f} s", flush=True)
    counts = {kind: count for kind, count, *_ in MIX}
    return {
        "collectivites": len(collectivites),
        "collectivites_by_kind": counts,
        "diagnostics": len(diagnostics),
        "earlier_diagnostics": EARLIER_DIAGNOSTICS,
        "questions": len(questions),
        "answers": answer_count,
        "recommendation_scores": score_count,
        "setup_s": round(time.perf_counter() - started, 1),
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
        f"{dataset['collectivites']} collectivités, {dataset['diagnostics']} submitted "
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
    dataset = populate(seed=4700)
    diagnostic, peer_count, found, agreement, plans = measure_all(args)
    targets = verdicts(found)
    print_report(dataset, peer_count, found, agreement, targets, plans, args.explain)
    machine = common.machine_info(load_average_start=load_before)
    report = {
        "config": {
            "database": "postgresql",
            "runs": args.runs,
            "warmup": args.warmup,
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
