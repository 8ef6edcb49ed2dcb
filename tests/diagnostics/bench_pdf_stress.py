"""The PDF reports on the heavy stress cases of issue 16 (60 actions, 3 000-character texts)
against the WeasyPrint floor: render_report() end to end beside write_pdf() without the report's
finishing, on the same HTML, interleaved, in the same run. Target: below 2 × the floor.

It builds its cases with the test suite's fixtures and stress cases, so it runs under pytest (on
the test database, SQLite unless DATABASE_URL says otherwise), printing its figures:

    uv run pytest tests/diagnostics/bench_pdf_stress.py -s -q

(It sits beside the tests for their fixtures; its name keeps it out of the test suite.)

A measurement, not a test: it asserts nothing about time.
"""

import gc
import statistics
import time

import pytest

from diagnostics.reports.pdf import render_html, render_report, report_snapshot, write_pdf
from tests.diagnostics import report_cases

RUNS = 5
CASES = ("soixante_actions", "textes_longs")


def _timed(function, *args) -> float:
    gc.collect()  # a collection pass would otherwise land on one of the two sides
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("variant", ["synthese", "complet", "bilan"])
def test_measure(case, variant, diagnostic, agent, questions):
    diagnostic = report_cases.CASES[case](diagnostic, agent, questions)
    html = render_html(report_snapshot(diagnostic, variant))
    render_report(diagnostic, variant)  # warm-up: fonts, templates
    renders, floors = [], []
    for _ in range(RUNS):
        renders.append(_timed(render_report, diagnostic, variant))
        floors.append(_timed(lambda: write_pdf(html, finish=False)))
    render, floor = statistics.median(renders), statistics.median(floors)
    print(
        f"\n{case} {variant}: report {render * 1000:.0f} ms, floor {floor * 1000:.0f} ms, "
        f"ratio {render / floor:.2f} (target < 2)"
    )
