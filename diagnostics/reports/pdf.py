"""PDF reports: one definition per variant (data, template, hash), rendered to PDF bytes."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from diagnostics.enums import ReportVariant
from diagnostics.models import Diagnostic
from diagnostics.reports import bilan, data

TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates" / "pdf"
STYLESHEET = Path(settings.BASE_DIR) / "static" / "pdf" / "report.css"


@cache
def template_version() -> str:
    """A hash of the PDF templates and stylesheet: a new layout makes new files."""
    digest = hashlib.sha256()
    for path in [*sorted(TEMPLATE_DIR.glob("*.html")), STYLESHEET]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


@dataclass(frozen=True)
class ReportDefinition:
    """A report: what it shows (``build`` returns plain JSON data) and how (``template``)."""

    variant: str
    template: str
    build: Callable[[Diagnostic], dict]


REPORTS: dict[str, ReportDefinition] = {
    definition.variant: definition
    for definition in [
        ReportDefinition(
            variant=ReportVariant.FULL, template="pdf/report.html", build=data.full_report
        ),
        ReportDefinition(
            variant=ReportVariant.SUMMARY, template="pdf/synthese.html", build=data.summary
        ),
        ReportDefinition(
            variant=ReportVariant.YEARLY, template="pdf/bilan.html", build=bilan.yearly_report
        ),
    ]
}


class UnknownReport(ValueError):
    pass


class StaleReport(Exception):
    """The data changed since the report was requested: its file would not match its hash."""


def definition_of(variant: str) -> ReportDefinition:
    try:
        return REPORTS[variant]
    except KeyError:
        raise UnknownReport(variant) from None


def canonical_json(value) -> str:
    """Strict JSON (no fallback for other types): anything but plain data is an error."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


@dataclass(frozen=True)
class Snapshot:
    """The data a report shows, exactly as its template receives it, and the hash of both."""

    definition: ReportDefinition
    data: dict
    content_hash: str


def report_snapshot(diagnostic: Diagnostic, variant: str) -> Snapshot:
    definition = definition_of(variant)
    shown = definition.build(diagnostic)
    hashed = {
        "variant": str(definition.variant),
        "template": definition.template,
        "template_version": template_version(),
        "data": shown,
    }
    content_hash = hashlib.sha256(canonical_json(hashed).encode()).hexdigest()
    return Snapshot(definition=definition, data=shown, content_hash=content_hash)


def render_html(snapshot: Snapshot) -> str:
    # A copy: the template's own variables ({% translate … as heading %}) must not land in the data.
    return render_to_string(snapshot.definition.template, dict(snapshot.data))


def write_pdf(html: str) -> bytes:
    from weasyprint import HTML

    from diagnostics.reports.fetcher import BASE_URL, StaticFilesFetcher

    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf(
        pdf_variant="pdf/ua-1", uncompressed_pdf=False
    )


def render_report(
    diagnostic: Diagnostic, variant: str, *, content_hash: str | None = None
) -> bytes:
    """The PDF of a diagnostic's report (``complet`` or ``synthese``), as bytes.

    With ``content_hash``, StaleReport if the data no longer has that hash.
    """
    snapshot = report_snapshot(diagnostic, variant)
    if content_hash is not None and snapshot.content_hash != content_hash:
        raise StaleReport(variant)
    return write_pdf(render_html(snapshot))
