"""Horizontal bar charts of the observatory as plain SVG, drawn on the server.

The chart repeats a table shown beside it (the table is the accessible version): it has a
title and a description, draws no bar for a hidden cell and writes « moins de 5 » instead, so a
figure never depends on colour alone.
"""

from xml.sax.saxutils import escape, quoteattr

from observatory.suppression import Cell

BAR_COLOUR = "#1d4f6e"
TEXT_COLOUR = "#1f2933"
FONT_FAMILY = "DejaVu Sans, Arial, Helvetica, sans-serif"
LABEL_WIDTH = 230
BAR_WIDTH = 300
VALUE_WIDTH = 120
ROW_HEIGHT = 26
FONT_SIZE = 12
LABEL_MAX_CHARS = 34


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…"


def bar_chart_svg(
    bars: list[tuple[str, Cell]],
    *,
    title: str,
    description: str,
    format_value,
    maximum: float | None = None,
    id_prefix: str = "chart",
) -> str:
    """A complete ``<svg>`` element, every text escaped. ``format_value(cell)`` writes a bar's
    figure (« moins de 5 » for a hidden one)."""
    shown = [cell.value for _label, cell in bars if cell.shown and cell.value is not None]
    top = maximum if maximum is not None else max(shown, default=0) or 1
    height = ROW_HEIGHT * len(bars) + 10
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    title_id, desc_id = f"{id_prefix}-titre", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{title_id} {desc_id}" '
        f'font-family={quoteattr(FONT_FAMILY)} font-size="{FONT_SIZE}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    for index, (label, cell) in enumerate(bars):
        y = 5 + index * ROW_HEIGHT
        middle = y + ROW_HEIGHT / 2 + FONT_SIZE / 3
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(_short(label))}</text>'
        )
        length = 0.0
        if cell.shown and cell.value is not None:
            length = max(1.0, BAR_WIDTH * float(cell.value) / float(top))
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length:.1f}" '
                f'height="{ROW_HEIGHT - 8}" fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{middle:.1f}" '
            f'fill="{TEXT_COLOUR}">{escape(format_value(cell))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
