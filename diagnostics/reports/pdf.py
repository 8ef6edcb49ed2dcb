"""PDF reports: one definition per variant (data, template, hash), rendered to PDF bytes."""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

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
    """A report: what it shows (``build`` returns plain JSON data), how (``template``) and in
    which language (built and rendered under it, whatever the language of the person asking)."""

    variant: str
    template: str
    build: Callable[[Diagnostic], dict]
    language: str = "fr"
    file_name: str = ""


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
        ReportDefinition(
            variant=ReportVariant.PARTNERS,
            template="pdf/synthese.html",
            build=data.partners_summary,
            language="en",
            file_name="summary-for-partners",
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


# Pictographic emoji, with what joins or varies them. No font of the server draws them (DejaVu Sans
# has none): WeasyPrint would print a .notdef glyph, which PDF/UA forbids. They are left out, and
# the cover says so. The symbols DejaVu Sans has (U+2600–U+27BF: ☀, ✓…) stay.
_EMOJI = "\U0001f000-\U0001faff\U0001fc00-\U0001ffff"
EMOJI_RE = re.compile(
    f"[{_EMOJI}](?:[\u200d\ufe0e\ufe0f\U000e0020-\U000e007f{_EMOJI}])*|[\ufe0e\ufe0f]"
)


def without_emoji(value):
    """``value`` (plain JSON data) with its emoji removed, and whether there were any."""
    if isinstance(value, str):
        cleaned = EMOJI_RE.sub("", value)
        return cleaned, cleaned != value
    if isinstance(value, list):
        pairs = [without_emoji(item) for item in value]
        return [item for item, _ in pairs], any(found for _, found in pairs)
    if isinstance(value, dict):
        pairs = {key: without_emoji(item) for key, item in value.items()}
        return (
            {key: item for key, (item, _) in pairs.items()},
            any(found for _, found in pairs.values()),
        )
    return value, False


@dataclass(frozen=True)
class Snapshot:
    """The data a report shows, exactly as its template receives it, and the hash of both."""

    definition: ReportDefinition
    data: dict
    content_hash: str


def report_snapshot(diagnostic: Diagnostic, variant: str) -> Snapshot:
    definition = definition_of(variant)
    with translation.override(definition.language):
        shown, emoji_removed = without_emoji(definition.build(diagnostic))
    shown["emoji_removed"] = emoji_removed
    hashed = {
        "variant": str(definition.variant),
        "language": definition.language,
        "template": definition.template,
        "template_version": template_version(),
        "data": shown,
    }
    content_hash = hashlib.sha256(canonical_json(hashed).encode()).hexdigest()
    return Snapshot(definition=definition, data=shown, content_hash=content_hash)


def render_html(snapshot: Snapshot) -> str:
    # A copy: the template's own variables ({% translate … as heading %}) must not land in the data.
    with translation.override(snapshot.definition.language):
        return render_to_string(snapshot.definition.template, dict(snapshot.data))


def _number(reference) -> int | None:
    """The object number of a pydyf reference (b"12 0 R"), None for anything else."""
    if isinstance(reference, bytes) and reference.endswith(b" 0 R"):
        return int(reference.split()[0])
    return None


def finish_tags(document, pdf) -> None:
    """What WeasyPrint's PDF/UA tagging leaves out, added before the file is written.

    - Header cells get /Scope (Column in a thead, Row elsewhere): WeasyPrint links data cells to
      their headers by /Headers, but PDF/UA checkers look for /Scope on the header cell itself.
    - The running headers and footers (CSS margin boxes) become artifacts: WeasyPrint marks their
      text as content of structure elements that no tree reaches, so screen readers would read
      « Page 4 sur 27 » on every page.
    """
    objects = pdf.objects

    def get(reference):
        number = _number(reference)
        return objects[number] if number is not None and number < len(objects) else None

    elements = [o for o in objects if isinstance(o, dict) and o.get("Type") == "/StructElem"]
    for element in elements:
        if element.get("S") == "/TH":
            row = get(element.get("P"))
            group = get(row.get("P")) if row is not None else None
            in_head = group is not None and group.get("S") == "/THead"
            attributes = element.setdefault("A", type(element)({"O": "/Table"}))
            attributes["Scope"] = "/Column" if in_head else "/Row"

    # Structure elements reachable from the root; the others hold the margin boxes' content.
    root = next(
        (o for o in objects if isinstance(o, dict) and o.get("Type") == "/StructTreeRoot"), None
    )
    if root is None:
        return
    reached, pending = set(), [root.get("K")]
    while pending:
        kids = pending.pop()
        for kid in kids if isinstance(kids, list) else [kids]:
            number = _number(kid)
            if number is not None and number not in reached:
                reached.add(number)
                target = objects[number]
                if isinstance(target, dict) and "K" in target:
                    pending.append(target["K"])
    orphans: dict[int, set[int]] = {}
    for element in elements:
        if element.number in reached:
            continue
        page = _number(element.get("Pg"))
        kids = element.get("K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int) and page is not None:
                orphans.setdefault(page, set()).add(kid)
    for page_number, mcids in orphans.items():
        contents = get(objects[page_number].get("Contents"))
        stream = getattr(contents, "stream", None)
        if stream is None:
            continue
        for index in range(len(stream) - 2):
            properties = stream[index + 1]
            if (
                stream[index + 2] == b"BDC"
                and isinstance(properties, dict)
                and properties.get("MCID") in mcids
            ):
                stream[index : index + 3] = ["/Artifact", b"", b"BMC"]


def write_pdf(html: str, *, finish: bool = True) -> bytes:
    """The PDF of a report's HTML; ``finish=False``: WeasyPrint's alone (the benchmark's floor)."""
    from weasyprint import HTML

    from diagnostics.reports.fetcher import BASE_URL, StaticFilesFetcher

    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher()).write_pdf(
        pdf_variant="pdf/ua-1", uncompressed_pdf=False, finisher=finish_tags if finish else None
    )


def render_report(
    diagnostic: Diagnostic, variant: str, *, content_hash: str | None = None
) -> bytes:
    """The PDF of a diagnostic's report (one of REPORTS' variants), as bytes.

    With ``content_hash``, StaleReport if the data no longer has that hash.
    """
    snapshot = report_snapshot(diagnostic, variant)
    if content_hash is not None and snapshot.content_hash != content_hash:
        raise StaleReport(variant)
    return write_pdf(render_html(snapshot))
