"""The radar's grid rings and spokes mark 25, 50 and 75: graphics that carry information, at
3:1 at least against what is behind them (WCAG 1.4.11, RGAA 3.3)."""

import re

from diagnostics.results import radar


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted([luminance(a), luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def blend(top: str, under: str, alpha: float) -> str:
    channels = [
        round(int(top[i : i + 2], 16) * alpha + int(under[i : i + 2], 16) * (1 - alpha))
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02x}" for c in channels)


def test_the_grid_stands_out_on_white_and_on_the_score_tint():
    assert contrast(radar.GRID_COLOUR, "#ffffff") >= 4.5
    # Inside the score's area (its colour at 25 % over white), the grid still shows at 3:1.
    tint = blend(radar.SCORE_COLOUR, "#ffffff", 0.25)
    assert contrast(radar.GRID_COLOUR, tint) >= 3


def test_the_drawn_grid_uses_that_colour():
    axes = [radar.RadarAxis(n, f"Préconisation {n}", 50.0) for n in range(1, 11)]
    svg = radar.radar_svg(axes, title="Scores")
    grid = re.search(r'<g id="[^"]*-grid" fill="none" stroke="(#[0-9a-fA-F]{6})"', svg)
    assert grid and grid.group(1) == radar.GRID_COLOUR
