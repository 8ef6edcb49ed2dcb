"""Radar (spider) chart of a diagnostic's scores as plain, accessible SVG, with no script or style
block, so the same markup serves the results page and the WeasyPrint PDF."""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

__all__ = ["RadarAxis", "RadarTexts", "radar_svg"]

NBSP = "\u00a0"

FONT_FAMILY = "DejaVu Sans, Arial, Helvetica, sans-serif"
SCORE_COLOUR = "#1d4f6e"
COMPARISON_COLOUR = "#b3541e"
TEXT_COLOUR = "#1f2933"
MUTED_TEXT_COLOUR = "#4a5560"  # 7.5:1 on white
GRID_COLOUR = "#6b7580"  # 4.7:1 on white, 3:1 on the score's tint (WCAG 1.4.11)
GRID_LEVELS = (25, 50, 75, 100)  # the maturity thresholds

TICK_FONT_SIZE = 11
LABEL_FONT_SIZE = 12
LINE_HEIGHT = 14.4
CHAR_WIDTH = 0.62  # generous average advance of DejaVu Sans, in em, to size the margins
LABEL_GAP = 14  # between the outer ring and the axis labels
PADDING = 10  # around everything
LABEL_MAX_CHARS = 18
LABEL_MAX_LINES = 3
TOKEN_MAX_CHARS = 30  # a single word longer than this is cut
MARKER_RADIUS = 3.5
SWATCH_WIDTH = 28
LEGEND_GAP = 24  # between the lowest label and the legend, and between legend items

_ID_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_SPACES_RE = re.compile(r"[ \t\r\n]+")  # not \s: a no-break space must keep binding its words
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class RadarTexts:
    """The chart's own words and punctuation, French by default; the caller gives them in the
    page's language (this module stays free of Django and its translations)."""

    not_evaluated: str = "non évaluée"
    not_available: str = "non disponible"
    own_series: str = "Votre collectivité"
    comparison: str = "Médiane des collectivités comparables"
    out_of_100: str = "%(value)s sur 100"
    decimal_mark: str = ","
    colon: str = NBSP + ": "  # French puts a space before « : » and « ; »
    separator: str = NBSP + "; "


FRENCH = RadarTexts()


@dataclass(frozen=True)
class RadarAxis:
    number: int  # recommendation number, printed at the axis end
    label: str  # short title, wrapped onto a few lines (the description keeps it whole)
    score: float | None  # 0..100, None = not evaluated
    value_label: str | None = None  # the score as printed (« 45 »), shown under the label if given


def radar_svg(
    axes: Sequence[RadarAxis],
    *,
    title: str,
    description: str | None = None,
    comparison: Sequence[float | None] | None = None,
    comparison_label: str | None = None,
    size: int = 480,
    id_prefix: str = "radar",
    alt_in_title: bool = False,
    texts: RadarTexts = FRENCH,
) -> str:
    """Return a complete ``<svg>`` element, every text escaped, safe to ``mark_safe``.

    ``size`` is the diameter of the outer (100) ring in viewBox units; the viewBox adds the
    margins the labels and the legend need. The first axis points up, the others follow
    clockwise. Scores are clamped to [0, 100]; a ``None`` score is drawn at 0 and its label says
    so. ``comparison`` is an optional second series, in the same order as ``axes``, drawn dashed
    with a legend (``comparison_label``, by default ``texts.comparison``). ``alt_in_title`` puts
    the description in the title too: WeasyPrint makes the PDF's alternative text of the figure
    from the title alone. ``texts``: the chart's words, in the page's language.
    """
    if not axes:
        raise ValueError("A radar chart needs at least one axis.")
    if comparison is not None and len(comparison) != len(axes):
        raise ValueError("comparison must have one value per axis.")
    if size <= 0:
        raise ValueError("size must be positive.")
    if not _ID_RE.fullmatch(id_prefix):
        raise ValueError(f"id_prefix is not a valid XML id: {id_prefix!r}")

    scores = [_clamp(axis.score) for axis in axes]
    peers = [_clamp(value) for value in comparison] if comparison is not None else None
    if comparison_label is None:
        comparison_label = texts.comparison
    if description is None:
        description = _default_description(axes, scores, peers, comparison_label, texts)

    radius = size / 2
    count = len(axes)
    directions = [_direction(index, count) for index in range(count)]
    labels = [
        _axis_label(axis, direction, radius + LABEL_GAP, texts)
        for axis, direction in zip(axes, directions, strict=True)
    ]

    # Extents around the centre: symmetric horizontally so the plot stays centred on the page.
    half_width = max([radius + 30] + [max(-label.left, label.right) for label in labels])
    half_width += PADDING
    top = max([radius + TICK_FONT_SIZE] + [-label.top for label in labels]) + PADDING
    bottom = max([radius] + [label.bottom for label in labels]) + PADDING
    legend_rows = (
        _legend_rows(texts.own_series, comparison_label, 2 * half_width)
        if peers is not None
        else []
    )
    legend_width = max((row[-1][0] + row[-1][1] for row in legend_rows), default=0)
    if legend_rows:
        half_width = max(half_width, legend_width / 2 + PADDING)
    width = 2 * half_width
    legend_top = top + bottom + LEGEND_GAP / 2
    height = (
        top + bottom + (len(legend_rows) * (LINE_HEIGHT + 8) + LEGEND_GAP if legend_rows else 0)
    )
    cx, cy = half_width, top

    def point(direction: tuple[float, float], value: float) -> tuple[float, float]:
        return cx + direction[0] * radius * value / 100, cy + direction[1] * radius * value / 100

    ids = f"{id_prefix}-title {id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}"'
        f' role="img" aria-labelledby={quoteattr(ids)} width="100%"'
        f" font-family={quoteattr(FONT_FAMILY)}>",
        f"<title id={quoteattr(id_prefix + '-title')}>"
        f"{_text(f'{title}. {description}' if alt_in_title else title)}</title>",
        f"<desc id={quoteattr(id_prefix + '-desc')}>{_text(description)}</desc>",
    ]

    # Grid: rings at the maturity thresholds (circles when there are too few axes for a polygon).
    parts.append(f'<g id={quoteattr(id_prefix + "-grid")} fill="none" stroke="{GRID_COLOUR}">')
    for level in GRID_LEVELS:
        stroke_width = "1.5" if level == 100 else "1"
        if count >= 3:
            ring = _points(point(direction, level) for direction in directions)
            parts.append(f'<polygon points="{ring}" stroke-width="{stroke_width}"/>')
        else:
            parts.append(
                f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(radius * level / 100)}"'
                f' stroke-width="{stroke_width}"/>'
            )
    for direction in directions:
        x, y = point(direction, 100)
        parts.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}" stroke-width="1"/>'
        )
    parts.append("</g>")

    # Tick labels, just right of the first (upward) spoke.
    parts.append(f'<g fill="{MUTED_TEXT_COLOUR}" font-size="{TICK_FONT_SIZE}" text-anchor="start">')
    for level in GRID_LEVELS:
        parts.append(
            f'<text x="{_n(cx + 4)}" y="{_n(cy - radius * level / 100 - 3)}">{level}</text>'
        )
    parts.append("</g>")

    if peers is not None:
        outline = _points(point(d, v or 0) for d, v in zip(directions, peers, strict=True))
        parts.append(
            f'<polygon id={quoteattr(id_prefix + "-comparison")} points="{outline}" fill="none"'
            f' stroke="{COMPARISON_COLOUR}" stroke-width="2" stroke-dasharray="6 4"'
            ' stroke-linejoin="round"/>'
        )
        if count < 3:  # no outline to see: mark the values with small squares
            parts.append(f'<g fill="{COMPARISON_COLOUR}">')
            for direction, value in zip(directions, peers, strict=True):
                x, y = point(direction, value or 0)
                parts.append(f'<rect x="{_n(x - 3)}" y="{_n(y - 3)}" width="6" height="6"/>')
            parts.append("</g>")

    outline = _points(point(d, v or 0) for d, v in zip(directions, scores, strict=True))
    parts.append(
        f'<polygon id={quoteattr(id_prefix + "-score")} points="{outline}" fill="{SCORE_COLOUR}"'
        f' fill-opacity="0.25" stroke="{SCORE_COLOUR}" stroke-width="2" stroke-linejoin="round"/>'
    )
    parts.append(f'<g id={quoteattr(id_prefix + "-markers")} stroke="{SCORE_COLOUR}">')
    for direction, value in zip(directions, scores, strict=True):
        x, y = point(direction, value or 0)
        fill = "#ffffff" if value is None else SCORE_COLOUR  # hollow when not evaluated
        parts.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(MARKER_RADIUS)}" fill="{fill}"'
            ' stroke-width="1.5"/>'
        )
    parts.append("</g>")

    parts.append(f'<g id={quoteattr(id_prefix + "-labels")} font-size="{LABEL_FONT_SIZE}">')
    for axis, label in zip(axes, labels, strict=True):
        colour = MUTED_TEXT_COLOUR if axis.score is None else TEXT_COLOUR
        parts.append(f'<g fill="{colour}" text-anchor="{label.anchor}">')
        for index, line in enumerate(label.lines):
            baseline = cy + label.top + LABEL_FONT_SIZE * 0.85 + index * LINE_HEIGHT
            parts.append(f'<text x="{_n(cx + label.x)}" y="{_n(baseline)}">{_text(line)}</text>')
        parts.append("</g>")
    parts.append("</g>")

    if legend_rows:
        parts.append(
            f'<g id={quoteattr(id_prefix + "-legend")} font-size="{LABEL_FONT_SIZE}"'
            f' fill="{TEXT_COLOUR}">'
        )
        for row_index, row in enumerate(legend_rows):
            middle = legend_top + row_index * (LINE_HEIGHT + 8) + LINE_HEIGHT / 2
            for offset, _width, kind, text in row:
                x = cx - legend_width / 2 + offset
                if kind == "score":
                    parts.append(
                        f'<rect x="{_n(x)}" y="{_n(middle - 6)}" width="{SWATCH_WIDTH}"'
                        f' height="12" fill="{SCORE_COLOUR}" fill-opacity="0.25"'
                        f' stroke="{SCORE_COLOUR}" stroke-width="2"/>'
                    )
                else:
                    parts.append(
                        f'<line x1="{_n(x)}" y1="{_n(middle)}" x2="{_n(x + SWATCH_WIDTH)}"'
                        f' y2="{_n(middle)}" stroke="{COMPARISON_COLOUR}" stroke-width="2"'
                        ' stroke-dasharray="6 4"/>'
                    )
                parts.append(
                    f'<text x="{_n(x + SWATCH_WIDTH + 6)}" y="{_n(middle + 4)}">'
                    f"{_text(text)}</text>"
                )
        parts.append("</g>")

    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class _Label:
    lines: tuple[str, ...]
    anchor: str
    x: float  # anchor point, relative to the centre
    top: float  # top of the block of lines, relative to the centre
    left: float
    right: float
    bottom: float


def _axis_label(
    axis: RadarAxis, direction: tuple[float, float], distance: float, texts: RadarTexts
) -> _Label:
    max_lines = LABEL_MAX_LINES - (1 if axis.score is None else 0)
    lines = _wrap(axis.number, _clean(axis.label), max_lines)
    if axis.score is None:
        lines.append(f"({texts.not_evaluated})")
    elif axis.value_label is not None:
        lines.append(f"{_clean(axis.value_label)}{NBSP}/{NBSP}100")
    dx, dy = direction
    x, y = dx * distance, dy * distance
    width = max(len(line) for line in lines) * LABEL_FONT_SIZE * CHAR_WIDTH
    height = len(lines) * LINE_HEIGHT
    if dx > 0.1:
        anchor, left = "start", x
    elif dx < -0.1:
        anchor, left = "end", x - width
    else:
        anchor, left = "middle", x - width / 2
    # Fully above the spoke end at the top, fully below at the bottom, centred on the sides.
    top = y - height / 2 * (1 - dy)
    return _Label(tuple(lines), anchor, x, top, left, left + width, top + height)


def _wrap(number: int, label: str, max_lines: int) -> list[str]:
    """Wrap "number. label" onto at most max_lines lines of about LABEL_MAX_CHARS characters."""
    words = [_cut(word, TOKEN_MAX_CHARS) for word in _SPACES_RE.split(label) if word]
    # The number stays with the first word.
    tokens = [f"{number}. {words[0]}" if words else f"{number}.", *words[1:]]
    lines: list[str] = []
    for token in tokens:
        if lines and len(lines[-1]) + 1 + len(token) <= LABEL_MAX_CHARS:
            lines[-1] += " " + token
        else:
            lines.append(token)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while len(last) + 1 > LABEL_MAX_CHARS and " " in last:
            last = last.rsplit(" ", 1)[0]
        lines[-1] = last[: LABEL_MAX_CHARS - 1].rstrip(" ,;:.-–…") + "…"
    return lines


def _cut(word: str, max_chars: int) -> str:
    return word if len(word) <= max_chars else word[: max_chars - 1] + "…"


def _legend_rows(
    own_label: str, comparison_label: str, available_width: float
) -> list[list[tuple[float, float, str, str]]]:
    """Lay out the two legend items, side by side if they fit, as (offset, width, kind, text)."""
    items = [("score", _clean(own_label)), ("comparison", _clean(comparison_label))]
    widths = [SWATCH_WIDTH + 6 + len(text) * LABEL_FONT_SIZE * CHAR_WIDTH for _kind, text in items]
    if sum(widths) + LEGEND_GAP <= available_width - 2 * PADDING:
        first, second = widths
        return [
            [
                (0, first, items[0][0], items[0][1]),
                (first + LEGEND_GAP, second, items[1][0], items[1][1]),
            ]
        ]
    return [[(0, width, kind, text)] for width, (kind, text) in zip(widths, items, strict=True)]


def _default_description(
    axes: Sequence[RadarAxis],
    scores: Sequence[float | None],
    peers: Sequence[float | None] | None,
    comparison_label: str,
    texts: RadarTexts,
) -> str:
    def number(value: float) -> str:
        return _n(value).replace(".", texts.decimal_mark)

    entries = []
    for index, (axis, score) in enumerate(zip(axes, scores, strict=True)):
        value = (
            texts.not_evaluated if score is None else texts.out_of_100 % {"value": number(score)}
        )
        entry = f"{axis.number}. {_clean(axis.label)}{texts.colon}{value}"
        if peers is not None:
            peer = peers[index]
            peer_value = texts.not_available if peer is None else number(peer)
            entry += f" ({_clean(comparison_label)}{texts.colon}{peer_value})"
        entries.append(entry)
    return texts.separator.join(entries) + "."


def _clamp(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        raise ValueError("A score cannot be NaN.")
    return min(100.0, max(0.0, value))


def _direction(index: int, count: int) -> tuple[float, float]:
    """Unit vector of an axis in SVG coordinates: the first points up, then clockwise."""
    angle = 2 * math.pi * index / count
    return math.sin(angle), -math.cos(angle)


def _points(points) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _n(value: float) -> str:
    """At most two decimals, no trailing zeros, no negative zero."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _clean(text: str) -> str:
    """Drop the characters XML cannot carry, and collapse runs of ordinary whitespace."""
    return _SPACES_RE.sub(" ", _XML_INVALID_RE.sub("", text)).strip()


def _text(text: str) -> str:
    return escape(_clean(text))
