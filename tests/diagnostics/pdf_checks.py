"""Reading a rendered report back: its text, where its text lies, its PDF/UA findings."""

import io
import tempfile
from pathlib import Path
from unittest import mock

import pikepdf
from pypdf import PdfReader

MM = 72 / 25.4
# The text box of the reports' pages (static/pdf/report.css: @page margin 24mm 18mm 22mm 18mm).
MARGIN_LEFT = MARGIN_RIGHT = 18 * MM
# Half a point for rounding of glyph advances.
TOLERANCE = 0.5


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in reader(data).pages)


def flat_text(data: bytes) -> str:
    return " ".join(pdf_text(data).split())


def _multiply(m, n):
    """The product m × n of two PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    ]


def _widths(font) -> tuple[dict[int, float], float]:
    """The advance of each CID of a Type0 font (WeasyPrint's fonts), in thousandths of the size."""
    descendant = font.DescendantFonts[0]
    default = float(descendant.get("/DW", 1000))
    widths = {}
    entries = list(descendant.get("/W", []))
    index = 0
    while index < len(entries):
        first = int(entries[index])
        following = entries[index + 1]
        if isinstance(following, pikepdf.Array):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            index += 2
        else:
            for cid in range(first, int(following) + 1):
                widths[cid] = float(entries[index + 2])
            index += 3
    return widths, default


def text_runs(page) -> list[tuple[float, float, float]]:
    """(start x, end x, y) in points of each string shown on a pikepdf page (TJ or Tj)."""
    fonts = page.Resources.get("/Font", {})
    cache = {}
    ctm = [1, 0, 0, 1, 0, 0]
    stack = []
    tm = [1, 0, 0, 1, 0, 0]
    font_widths, size = ({}, 1000.0), 0.0
    runs = []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop()
        elif op == "cm":
            ctm = _multiply([float(x) for x in operands], ctm)
        elif op == "BT":
            tm = [1, 0, 0, 1, 0, 0]
        elif op == "Tm":
            tm = [float(x) for x in operands]
        elif op == "Td":
            tm = _multiply([1, 0, 0, 1, float(operands[0]), float(operands[1])], tm)
        elif op == "Tf":
            name = str(operands[0])
            if name not in cache:
                cache[name] = _widths(fonts[name])
            font_widths, size = cache[name], float(operands[1])
        elif op in ("TJ", "Tj"):
            items = operands[0] if op == "TJ" else [operands[0]]
            widths, default = font_widths
            advance = 0.0
            for item in items:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    for i in range(0, len(raw) - 1, 2):
                        advance += widths.get(int.from_bytes(raw[i : i + 2]), default)
                else:
                    advance -= float(item)
            full = _multiply(tm, ctm)
            start = full[4]
            end = _multiply([1, 0, 0, 1, advance / 1000 * size, 0], full)[4]
            runs.append((min(start, end), max(start, end), full[5]))
    return runs


def text_outside_the_margins(data: bytes) -> list[tuple[int, float, float]]:
    """(page, start, end) of every string shown past the left or right margin, cover aside."""
    outside = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            if number == 1:  # The cover is printed full bleed, with its own 22 mm padding.
                continue
            width = float(page.MediaBox[2])
            for start, end, _y in text_runs(page):
                if start < MARGIN_LEFT - TOLERANCE or end > width - MARGIN_RIGHT + TOLERANCE:
                    outside.append((number, round(start / MM, 1), round(end / MM, 1)))
    return outside


def _as_integer(value):
    """pdfua 0.1.3's as_integer, without its crash on arrays: with pikepdf 10, reading a missing
    attribute of an array raises ValueError, not AttributeError, and ``getattr(kid, "is_integer",
    False)`` stops its empty-heading rule (UA-14-001) on any heading whose /K is an array."""
    import pikepdf
    from pdfua import document

    if isinstance(value, (pikepdf.Array, pikepdf.Dictionary)):
        return None
    return document.as_integer(value)


def pdfua_findings(data: bytes) -> list:
    from pdfua import validate

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(data)
        with mock.patch("pdfua.rules.structure.as_integer", _as_integer):
            report = validate(str(path))
    skipped = [(o.rule_id, o.skipped_reason) for o in report.skipped]
    assert not skipped, skipped
    return list(report.findings)


def _roles_by_content(pdf) -> dict[tuple[int, int], tuple[str, ...]]:
    """(page object number, MCID) → the roles of the structure elements holding that content,
    from the root down."""
    found = {}
    pending = [(pdf.Root.StructTreeRoot, ())]
    while pending:
        node, roles = pending.pop()
        kids = node.get("/K")
        if kids is None:
            continue
        page = node.get("/Pg")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int) and page is not None:
                found[(page.objgen[0], int(kid))] = roles
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                found[(kid.Pg.objgen[0], int(kid.MCID))] = roles
            elif isinstance(kid, pikepdf.Dictionary):
                pending.append((kid, (*roles, str(kid.get("/S")))))
    return found


def _last_tagged_text(page) -> int | None:
    """The MCID of the last string shown on the page outside artifacts (the body's last text)."""
    last, stack = None, []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BMC":
            stack.append(None)
        elif op == "BDC":
            properties = operands[1]
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            stack.append(None if mcid is None else int(mcid))
        elif op == "EMC":
            stack.pop()
        elif op in ("TJ", "Tj") and "/Artifact" not in str(stack):
            mcid = next((m for m in reversed(stack) if m is not None), None)
            if mcid is not None:
                last = mcid
    return last


def pages_ending_on_a_title(data: bytes) -> list[tuple[int, str]]:
    """(page, role) of each page whose last text is a table caption or a heading: a title left
    alone at the bottom of a page, its table or text on the next one. The last page aside."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        roles = _roles_by_content(pdf)
        for number, page in enumerate(pdf.pages[:-1], start=1):
            mcid = _last_tagged_text(page)
            if mcid is None:
                continue
            chain = roles.get((page.objgen[0], mcid), ())
            titles = [r for r in chain if r in ("/Caption", "/H1", "/H2", "/H3", "/H4")]
            if titles:
                found.append((number, titles[-1]))
    return found


def struct_elements(pdf):
    """Every structure element reachable from the root, depth first."""
    seen, pending = [], [pdf.Root.StructTreeRoot]
    while pending:
        node = pending.pop()
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/MCR":
                seen.append(kid)
                pending.append(kid)
    return seen


def reachable_mcids(pdf) -> set[tuple[int, int]]:
    """(page object number, MCID) of every content item the structure tree reaches."""
    found = set()
    for element in struct_elements(pdf):
        page = element.get("/Pg")
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int) and page is not None:
                found.add((page.objgen[0], int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                found.add((kid.Pg.objgen[0], int(kid.MCID)))
    return found


def text_marks(page):
    """For each string shown on the page: its MCID (None outside tagged content) and whether it
    lies in an artifact."""
    marks, stack = [], []
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BMC":
            stack.append((str(operands[0]), None))
        elif op == "BDC":
            properties = operands[1]
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            stack.append((str(operands[0]), None if mcid is None else int(mcid)))
        elif op == "EMC":
            stack.pop()
        elif op in ("TJ", "Tj"):
            artifact = any(tag == "/Artifact" for tag, _ in stack)
            mcid = next((m for _, m in reversed(stack) if m is not None), None)
            marks.append((mcid, artifact))
    return marks


def untagged_text(data: bytes) -> list[int]:
    """The pages (cover aside) with text that is neither an artifact nor reached by the structure
    tree, or without the running header and footer as artifacts."""
    pages = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        reachable = reachable_mcids(pdf)
        for number, page in enumerate(pdf.pages[1:], start=2):
            marks = text_marks(page)
            artifacts = sum(1 for _mcid, artifact in marks if artifact)
            loose = [
                m for m, artifact in marks if not artifact and (page.objgen[0], m) not in reachable
            ]
            if artifacts < 2 or loose:
                pages.append(number)
    return pages
