"""PDF report rendering against the WeasyPrint floor, cached re-download and peak memory.

Builds a fresh PostgreSQL database (migrate, loadcatalogue, seed_demo), completes the demo
diagnostic « Diagnostic 2026 » of « Ville de Val-d’Armor (démo) » (every question answered, the
proposed actions accepted into the plan) and measures, interleaved so that machine load hits them
alike: render_report() end to end and write_pdf() on the same, already-built HTML (the floor), for
the full report, the summary and the yearly report (a third of the plan marked carried out,
with amounts spent, for it to show); then the cached re-download through Django's test client as the
élu (POST report_request, GET the file, body read); then the peak RSS of a fresh process rendering
once. Prints the figures against the targets of issue 5 and writes benchmarks/results/pdf.json.

    uv run python benchmarks/pdf.py [--runs 7] [--cached-runs 20] [--memory-runs 3]

Exit status: 0 once measured (targets met or not), 2 if the setup failed.
"""

import argparse
import datetime
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal

import common
from common import SetupError

DIAGNOSTIC = ("Ville de Val-d’Armor (démo)", "Diagnostic 2026")
ELU_EMAIL = "elu@val-darmor.localhost"
REFERENT_EMAIL = "referent@val-darmor.localhost"
VARIANTS = ("complet", "synthese", "bilan")
TARGETS = {
    "overhead_percent_max": 25.0,
    "full_render_s_max": 2.5,
    "cached_speedup_min": 50.0,
    "peak_rss_mb_max": 200.0,
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="renders of each kind")
    parser.add_argument("--cached-runs", type=int, default=20, help="cached downloads")
    parser.add_argument("--memory-runs", type=int, default=3, help="fresh processes")
    common.add_database_options(parser, database="aeict_bench_pdf")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before giving up")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if min(args.runs, args.cached_runs, args.memory_runs) < 1:
        parser.error("--runs, --cached-runs and --memory-runs must be ≥ 1")
    return args


# Setup ------------------------------------------------------------------------------------------


def _value_for(question, options, index):
    from diagnostics.question_kinds import kind_of

    # Levels 1/3, 2/3 and 1 in turn, so that the report shows a variety of answers.
    return kind_of(question).sample(question, options, level=(1 + index % 3) / 3)


def complete_demo_diagnostic():
    """Answer every unanswered question of the demo diagnostic and accept the proposed actions."""
    from accounts.models import User
    from diagnostics.catalogue import catalogue_data
    from diagnostics.models import Diagnostic, PlanAction
    from diagnostics.plan.services import accept_proposals, proposals
    from diagnostics.questionnaire.answers import make_state, save_answer
    from diagnostics.results.report import build_report
    from diagnostics.selectors import answers_by_question

    common.call_commands("migrate --noinput", "loadcatalogue", "seed_demo")
    diagnostic = Diagnostic.objects.select_related("collectivite", "catalogue").get(
        collectivite__name=DIAGNOSTIC[0], title=DIAGNOSTIC[1]
    )
    referent = User.objects.get(email=REFERENT_EMAIL)
    data = catalogue_data(diagnostic.catalogue_id)
    answers = answers_by_question(diagnostic)
    filled = 0
    for index, question in enumerate(data.questions):
        answer = answers.get(question.pk)
        if answer is not None and answer.is_given:
            continue
        value = _value_for(question, data.options_by_question.get(question.pk, []), index)
        comment = "Voir la délibération du conseil municipal." if index % 3 == 0 else ""
        save_answer(
            diagnostic=diagnostic,
            question=question,
            by=referent,
            state=make_state(value=value, not_applicable=False, comment=comment),
            base_revision=answer.revision if answer else 0,
        )
        filled += 1
    answers = answers_by_question(diagnostic)
    missing = [q.code for q in data.questions if not (q.pk in answers and answers[q.pk].is_given)]
    if missing:
        raise SetupError(f"questions still unanswered: {', '.join(missing)}")
    accepted = accept_proposals(
        diagnostic=diagnostic, items=proposals(build_report(diagnostic), []), by=referent
    )
    # The yearly report needs a year with things done: a third of the plan carried out, with
    # what it cost, a third under way.
    for index, action in enumerate(accepted):
        if index % 3 == 0:
            action.status = "realisee"
            action.completed_on = datetime.date(diagnostic.year or 2026, 1 + index % 12, 15)
            action.amount_spent = Decimal(1500 + 250 * index)
            action.budget_amount = Decimal(2000 + 250 * index)
        elif index % 3 == 1:
            action.status = "en_cours"
        action.save()
    plan_size = PlanAction.objects.filter(diagnostic=diagnostic).count()
    print(
        f"  demo diagnostic completed: {filled} answers added ({len(data.questions)} questions), "
        f"{len(accepted)} proposed actions accepted ({plan_size} in the plan)",
        flush=True,
    )
    return diagnostic.pk, {
        "questions": len(data.questions),
        "answers_added": filled,
        "plan_actions": plan_size,
    }


# Measures ---------------------------------------------------------------------------------------


def fresh(diagnostic_id):
    from diagnostics.models import Diagnostic

    return Diagnostic.objects.select_related("collectivite", "catalogue").get(pk=diagnostic_id)


def clock():
    return time.perf_counter(), time.process_time()


def between(start, end):
    return end[0] - start[0], end[1] - start[1]


def since(start):
    return between(start, clock())


def timed(function, *args):
    # A full collection first: otherwise the cyclic collector's periodic pass over the garbage
    # of the previous renders (≈ 150 ms) lands on whichever call crosses its threshold, always
    # the same one of each round, and reads as that report's own cost.
    gc.collect()
    start = clock()
    result = function(*args)
    return since(start), result


def stats(pairs):
    """pairs: (wall, cpu) seconds; cpu is this process's CPU time (not PostgreSQL's)."""
    values = [wall for wall, _ in pairs]
    return {
        "median_s": round(statistics.median(values), 4),
        "min_s": round(min(values), 4),
        "max_s": round(max(values), 4),
        "cpu_median_s": round(statistics.median(cpu for _, cpu in pairs), 4),
        "runs": len(values),
        "values_s": [round(v, 4) for v in values],
    }


def measure_renders(diagnostic_id, runs):
    from diagnostics.reports.pdf import render_html, render_report, report_snapshot, write_pdf

    def floor_pdf(html):
        return write_pdf(html, finish=False)

    variants = VARIANTS
    html = {}
    sizes = {}
    for variant in variants:
        diagnostic = fresh(diagnostic_id)
        sizes[variant] = len(render_report(diagnostic, variant))
        html[variant] = render_html(report_snapshot(diagnostic, variant))
    found = {
        f"{kind}_{variant}": [] for variant in variants for kind in ("render", "floor", "data")
    }
    found.update({f"templating_{variant}": [] for variant in variants})
    for number in range(1, runs + 1):
        print(f"  [{number}/{runs}] renders…", flush=True)
        for variant in variants:
            diagnostic = fresh(diagnostic_id)
            found[f"render_{variant}"].append(timed(render_report, diagnostic, variant)[0])
            # The floor is WeasyPrint alone: the tags the report adds (finish_tags) are its cost.
            found[f"floor_{variant}"].append(timed(floor_pdf, html[variant])[0])
            diagnostic = fresh(diagnostic_id)
            pair, snapshot = timed(report_snapshot, diagnostic, variant)
            found[f"data_{variant}"].append(pair)
            found[f"templating_{variant}"].append(timed(render_html, snapshot)[0])
    results = {key: stats(values) for key, values in found.items()}
    for variant in variants:
        render = results[f"render_{variant}"]
        floor = results[f"floor_{variant}"]
        results[f"overhead_{variant}"] = {
            "percent_of_medians": round(
                100 * (render["median_s"] - floor["median_s"]) / floor["median_s"], 1
            ),
            "percent_of_mins": round(100 * (render["min_s"] - floor["min_s"]) / floor["min_s"], 1),
            "percent_of_cpu_medians": round(
                100 * (render["cpu_median_s"] - floor["cpu_median_s"]) / floor["cpu_median_s"], 1
            ),
            "percent_data_and_templating": round(
                100
                * (
                    results[f"data_{variant}"]["median_s"]
                    + results[f"templating_{variant}"]["median_s"]
                )
                / floor["median_s"],
                1,
            ),
        }
        results[f"pdf_bytes_{variant}"] = sizes[variant]
        results[f"html_chars_{variant}"] = len(html[variant])
    return results


def read_response(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return body


def measure_download(diagnostic_id, runs):
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from diagnostics.models import ReportFile

    diagnostic = fresh(diagnostic_id)
    client = Client()
    client.force_login(User.objects.get(email=ELU_EMAIL))
    request_url = reverse("report_request", args=[diagnostic.public_id, "complet"])

    def download():
        start = clock()
        response = client.post(request_url)
        posted = clock()
        if response.status_code != 302 or "/telecharger/" not in response["Location"]:
            raise SetupError(
                f"report_request answered {response.status_code} "
                f"{response.get('Location', '')}: the report is not ready"
            )
        response = client.get(response["Location"])
        body = read_response(response)
        finished = clock()
        if response.status_code != 200 or not body.startswith(b"%PDF"):
            raise SetupError(f"report_download answered {response.status_code}")
        post, get = between(start, posted), between(posted, finished)
        return post, get, between(start, finished), len(body)

    if ReportFile.objects.filter(diagnostic_id=diagnostic_id, variant="complet").exists():
        raise SetupError("a full report is already cached before the first request")
    print("  first request (renders)…", flush=True)
    first_post, first_get, first_total, size = download()
    post, get, total = [], [], []
    print(f"  {runs} cached downloads…", flush=True)
    for _ in range(runs):
        p, g, t, cached_size = download()
        if cached_size != size:
            raise SetupError("the cached file differs from the first one")
        post.append(p)
        get.append(g)
        total.append(t)
    files = ReportFile.objects.filter(diagnostic_id=diagnostic_id, variant="complet").count()
    if files != 1:
        raise SetupError(f"{files} report files for one content: the cache missed")
    return {
        "first_request": {
            "post_s": round(first_post[0], 4),
            "get_s": round(first_get[0], 4),
            "total_s": round(first_total[0], 4),
            "cpu_total_s": round(first_total[1], 4),
        },
        "cached_post": stats(post),
        "cached_get": stats(get),
        "cached_total": stats(total),
        "pdf_bytes": size,
    }


def peak_rss_kib():
    """(VmHWM, ru_maxrss) in KiB. ru_maxrss keeps the parent's peak across fork + exec on Linux,
    VmHWM belongs to the current address space only: it is the child's own peak."""
    hwm = None
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return hwm, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory_child(diagnostic_id):
    """In a fresh process: peak RSS around one full render, then tracemalloc on a second one."""
    from diagnostics.reports.pdf import render_report

    diagnostic = fresh(diagnostic_id)
    before = peak_rss_kib()
    import weasyprint  # noqa: F401

    after_import = peak_rss_kib()
    render_report(diagnostic, "complet")
    after_render = peak_rss_kib()
    tracemalloc.start()
    render_report(fresh(diagnostic_id), "complet")
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    source = 0 if before[0] is not None else 1

    def mb(kib):
        return round(kib / 1024, 1)

    print(
        "BENCH_JSON "
        + json.dumps(
            {
                "source": "VmHWM" if source == 0 else "ru_maxrss",
                "rss_before_mb": mb(before[source]),
                "rss_after_weasyprint_import_mb": mb(after_import[source]),
                "peak_rss_mb": mb(after_render[source]),
                "increase_mb": mb(after_render[source] - before[source]),
                "increase_after_import_mb": mb(after_render[source] - after_import[source]),
                "ru_maxrss_before_mb": mb(before[1]),
                "ru_maxrss_after_mb": mb(after_render[1]),
                "tracemalloc_peak_mb": round(traced_peak / 1024 / 1024, 1),
            }
        ),
        flush=True,
    )


def measure_memory(diagnostic_id, runs, timeout):
    found = []
    for number in range(1, runs + 1):
        print(f"  [{number}/{runs}] fresh process…", flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(diagnostic_id)],
            cwd=common.ROOT,
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        figures = common.json_line(done.stdout)
        if done.returncode != 0 or figures is None:
            raise SetupError(f"memory child failed ({done.returncode}):\n{done.stderr[-3000:]}")
        found.append(figures)
    worst = max(found, key=lambda r: r["peak_rss_mb"])
    return {"worst": worst, "runs": found}


# Report -----------------------------------------------------------------------------------------


def ms(seconds):
    return f"{seconds * 1000:,.0f}".replace(",", " ")


def verdicts(renders, download, memory):
    full = renders["render_complet"]["median_s"]
    cached = download["cached_total"]["median_s"]
    overhead = renders["overhead_complet"]["percent_of_medians"]
    peak = memory["worst"]["peak_rss_mb"]
    speedup = round(full / cached, 1)
    yearly = renders["overhead_bilan"]["percent_of_medians"]
    return {
        "overhead_bilan": {
            "value": yearly,
            "target": f"≤ {TARGETS['overhead_percent_max']:g} %",
            "met": yearly <= TARGETS["overhead_percent_max"],
        },
        "overhead": {
            "value": overhead,
            "target": f"≤ {TARGETS['overhead_percent_max']:g} %",
            "met": overhead <= TARGETS["overhead_percent_max"],
        },
        "full_render": {
            "value": full,
            "target": f"< {TARGETS['full_render_s_max']:g} s",
            "met": full < TARGETS["full_render_s_max"],
        },
        "cached_speedup": {
            "value": speedup,
            "target": f"≥ {TARGETS['cached_speedup_min']:g}×",
            "met": speedup >= TARGETS["cached_speedup_min"],
        },
        "peak_memory": {
            "value": peak,
            "target": f"< {TARGETS['peak_rss_mb_max']:g} MB",
            "met": peak < TARGETS["peak_rss_mb_max"],
        },
    }


def row(label, r):
    return (
        label,
        ms(r["median_s"]),
        ms(r["min_s"]),
        ms(r["max_s"]),
        ms(r["cpu_median_s"]),
        str(r["runs"]),
    )


def print_report(renders, download, memory, found):
    print()
    rows = [("wall-clock ms (CPU: this process)", "median", "min", "max", "CPU med", "runs")]
    labels = [
        ("render_complet", "full report: render_report() end to end"),
        ("floor_complet", "full report: write_pdf(html) (floor)"),
        ("data_complet", "  of which data + scoring (report_snapshot)"),
        ("templating_complet", "  of which templating (render_html)"),
        ("render_synthese", "summary: render_report() end to end"),
        ("floor_synthese", "summary: write_pdf(html) (floor)"),
        ("data_synthese", "  of which data + scoring (report_snapshot)"),
        ("templating_synthese", "  of which templating (render_html)"),
        ("render_bilan", "yearly report: render_report() end to end"),
        ("floor_bilan", "yearly report: write_pdf(html) (floor)"),
        ("data_bilan", "  of which data + scoring (report_snapshot)"),
        ("templating_bilan", "  of which templating (render_html)"),
    ]
    for key, label in labels:
        rows.append(row(label, renders[key]))
    first = download["first_request"]
    rows.append(
        (
            "first download (POST renders + GET)",
            ms(first["total_s"]),
            "",
            "",
            ms(first["cpu_total_s"]),
            "1",
        )
    )
    for key, label in (
        ("cached_total", "cached download (POST + GET + body)"),
        ("cached_post", "  of which POST report_request"),
        ("cached_get", "  of which GET file, body read"),
    ):
        rows.append(row(label, download[key]))
    common.print_table(rows)
    print()
    for variant, label in (
        ("complet", "full report"),
        ("synthese", "summary"),
        ("bilan", "yearly report"),
    ):
        o = renders[f"overhead_{variant}"]
        print(
            f"{label}: overhead above the WeasyPrint floor {o['percent_of_medians']:.1f} % "
            f"(of medians; {o['percent_of_mins']:.1f} % of mins, "
            f"{o['percent_of_cpu_medians']:.1f} % of CPU medians; data + templating alone "
            f"{o['percent_data_and_templating']:.1f} %), "
            f"PDF {renders[f'pdf_bytes_{variant}'] / 1024:.0f} KiB"
        )
    worst = memory["worst"]
    print(
        f"memory (worst of {len(memory['runs'])} fresh processes): peak RSS "
        f"{worst['peak_rss_mb']:.0f} MB, +{worst['increase_mb']:.0f} MB during the first render "
        f"(+{worst['increase_after_import_mb']:.0f} MB after importing WeasyPrint; "
        f"{worst['rss_before_mb']:.0f} MB with Django set up), "
        f"tracemalloc peak of a second render {worst['tracemalloc_peak_mb']:.0f} MB"
    )
    print()
    print("targets (issue 5):")
    descriptions = {
        "overhead": ("overhead above the floor", lambda v: f"{v:.1f} %"),
        "overhead_bilan": ("yearly report: overhead above floor", lambda v: f"{v:.1f} %"),
        "full_render": ("full report render (median)", lambda v: f"{v:.2f} s"),
        "cached_speedup": ("render / cached download", lambda v: f"{v:.0f}×"),
        "peak_memory": ("peak RSS of a rendering process", lambda v: f"{v:.0f} MB"),
    }
    full = renders["render_complet"]
    overhead = renders["overhead_complet"]
    yearly = renders["overhead_bilan"]
    notes = {
        "overhead_bilan": f"(CPU medians {yearly['percent_of_cpu_medians']:.1f} %, data + "
        f"templating alone {yearly['percent_data_and_templating']:.1f} %)",
        "overhead": f"(CPU medians {overhead['percent_of_cpu_medians']:.1f} %, data + templating "
        f"alone {overhead['percent_data_and_templating']:.1f} %)",
        "full_render": f"(min {full['min_s']:.2f} s, CPU median {full['cpu_median_s']:.2f} s)",
        "cached_speedup": f"(cached {download['cached_total']['median_s'] * 1000:.0f} ms)",
        "peak_memory": f"(+{memory['worst']['increase_mb']:.0f} MB during the render)",
    }
    for key, (label, fmt) in descriptions.items():
        v = found[key]
        mark = "✓" if v["met"] else "✗"
        print(f"  {mark} {label:<34} {fmt(v['value']):>9}   target {v['target']:<9} {notes[key]}")


def measure(args, media_root):
    load_before = common.load_averages()
    common.prepare_django(args=args, media_root=media_root)
    diagnostic_id, dataset = complete_demo_diagnostic()
    print(f"Renders: {args.runs} of each, interleaved, after one warm-up render", flush=True)
    renders = measure_renders(diagnostic_id, args.runs)
    print("Download through the test client (TASKS_BACKEND=immediate)", flush=True)
    download = measure_download(diagnostic_id, args.cached_runs)
    print(f"Memory: {args.memory_runs} fresh process(es)", flush=True)
    memory = measure_memory(diagnostic_id, args.memory_runs, args.timeout)
    found = verdicts(renders, download, memory)
    print_report(renders, download, memory, found)
    machine = common.machine_info(
        load_average_start=load_before, weasyprint=__import__("weasyprint").__version__
    )
    report = {
        "config": {
            "database": "postgresql",
            "runs": args.runs,
            "cached_runs": args.cached_runs,
            "memory_runs": args.memory_runs,
            "diagnostic": {"collectivite": DIAGNOSTIC[0], "title": DIAGNOSTIC[1], **dataset},
        },
        "renders": renders,
        "download": download,
        "memory": memory,
        "targets": found,
    }
    path = common.write_results(report, benchmark="pdf", machine=machine)
    print(common.describe_load(load_before))
    print(f"\nWritten to {path}")
    return 0


def main():
    args = parse_args()
    if args.memory_child is not None:
        common.setup_django()  # the environment comes from the parent
        memory_child(args.memory_child)
        return 0
    return common.run_in_process(
        lambda media_root: measure(args, media_root), args=args, name="pdf"
    )


if __name__ == "__main__":
    sys.exit(main())
