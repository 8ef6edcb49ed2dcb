"""The three PDF reports (summary, full, yearly) on the stress cases of issue 16: nothing past
the margins, nothing hidden without a note, PDF/UA checker clean. Run with -s to see each case's
page count."""

import io

import pikepdf
import pytest

from diagnostics.reports.pdf import render_report
from tests.diagnostics import report_cases
from tests.diagnostics.pdf_checks import (
    flat_text,
    pages_ending_on_a_title,
    pdfua_findings,
    reader,
    text_outside_the_margins,
    untagged_text,
)

# WeasyPrint renders and the text is read back: CI runs these once, on PostgreSQL (.ci/run).
pytestmark = pytest.mark.pdf

# Findings of the pdfua checker that WeasyPrint cannot avoid (README, « Rapports PDF »): none.
ALLOWED_FINDINGS: set[tuple[str, str]] = set()


@pytest.fixture(params=list(report_cases.CASES))
def stressed(request, diagnostic, agent, questions):
    return request.param, report_cases.CASES[request.param](diagnostic, agent, questions)


@pytest.mark.parametrize("variant", ["synthese", "complet", "bilan"])
def test_stress_cases_stay_in_the_margins_and_pass_the_pdf_ua_checker(stressed, variant):
    case, diagnostic = stressed
    data = render_report(diagnostic, variant)
    pages = len(reader(data).pages)
    print(f"\n{case} {variant}: {pages} pages")
    assert text_outside_the_margins(data) == []
    assert pages_ending_on_a_title(data) == []
    assert untagged_text(data) == []
    findings = {(f.rule_id, f.severity.name) for f in pdfua_findings(data)}
    assert findings <= ALLOWED_FINDINGS, findings
    if variant == "synthese":
        assert 2 <= pages <= 4
    if variant == "bilan":
        assert 4 <= pages <= 8
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.Root.Lang) == "fr"
    assert "\ufffd" not in flat_text(data)
