"""The display rule of method 2: a score shows as an integer, half up, except one decimal rounded
down where that integer would be a level's floor the unrounded score has not reached."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.template import Context, Template
from django.utils import translation

from diagnostics.formatting import score
from diagnostics.scoring import maturity_level


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.mark.parametrize(
    "value, shown",
    [
        (24.96, "24,9"),
        (49.94, "49,9"),
        (Fraction(4999, 100), "49,9"),
        (74.95, "74,9"),
        (49.5, "49,5"),
        (Fraction(99, 2), "49,5"),
        (50.0, 50),
        (50, 50),
        (75, 75),
        (25.4, 25),
        (24.4, 24),
        (49.4, 49),
        (50.5, 51),
        (74.49, 74),
        (0, 0),
        (100, 100),
        (Decimal("49.94"), "49,9"),
        (None, None),
    ],
)
def test_a_score_never_shows_a_level_it_has_not_reached(value, shown):
    assert score(value) == shown


@pytest.mark.parametrize("boundary", [25, 50, 75])
def test_just_below_a_boundary_the_figure_stays_below_it(boundary):
    for below in (boundary - 0.5, boundary - 0.05, boundary - 1e-9):
        shown = score(below)
        assert isinstance(shown, str), below
        assert float(shown.replace(",", ".")) < boundary
        assert maturity_level(Fraction(below)).number == [25, 50, 75].index(boundary) + 1


def test_the_template_filter_is_the_same_function():
    rendered = Template("{% load aeict %}{{ a|score }} {{ b|score }}").render(
        Context({"a": 49.94, "b": 64.6})
    )
    assert rendered == "49,9 65"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, "+5\u00a0points"),
        (-17, "\u221217\u00a0points"),
        (1, "+1\u00a0point"),
        (-1, "\u22121\u00a0point"),
        (None, None),
    ],
)
def test_a_change_of_score_has_its_sign_a_true_minus_and_its_unit(value, expected):
    from django.utils import translation

    from diagnostics.formatting import signed_points

    with translation.override("fr"):
        assert signed_points(value) == expected
