"""Dates, numbers, amounts, percentages and times as each language writes them: French unchanged
(« 1er décembre 2026 », « 41 800 € », « 49,9 », « 12,5 % », « 14 h 05 »), English
(« 1 December 2026 », « €41,800 », « 49.9 », « 12.5% », « 14:05 »)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from budget.formatting import decimal_text
from budget.formatting import euros as budget_euros
from diagnostics.deadlines import deadline_text, parse_deadline
from diagnostics.formatting import level_label, long_date, long_datetime, points, score
from diagnostics.questionnaire.views import _saved_at
from diagnostics.reports.bilan import euros as bilan_euros
from diagnostics.reports.bilan import exact_euros
from diagnostics.reports.data import euros as report_euros
from diagnostics.results.radar import RadarAxis, radar_svg
from diagnostics.results.report import radar_texts
from diagnostics.scoring import maturity_level
from observatory.formatting import display
from observatory.suppression import Cell

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"


def in_language(language, function, *args):
    with translation.override(language):
        return function(*args)


@pytest.mark.parametrize(
    ("function", "value", "french", "english"),
    [
        (long_date, datetime.date(2026, 12, 1), "1er décembre 2026", "1 December 2026"),
        (long_date, datetime.date(2027, 1, 11), "11 janvier 2027", "11 January 2027"),
        (score, 49.94, "49,9", "49.9"),
        (score, 64.6, 65, 65),
        (points, Decimal("41800.5"), f"41{NBSP}800,5", "41,800.5"),
        (budget_euros, Decimal("41800"), f"41{NBSP}800{NBSP}€", "€41,800"),
        (budget_euros, Decimal("41800.50"), f"41{NBSP}800,50{NBSP}€", "€41,800.50"),
        (budget_euros, Decimal("-8200"), f"\u22128{NBSP}200{NBSP}€", "\u2212€8,200"),
        (decimal_text, Decimal("2.50"), "2,5", "2.5"),
        (report_euros, Decimal("41799.5"), f"41{NBSP}800{NBSP}€", "€41,800"),
        (bilan_euros, Decimal("12400"), f"12{NBSP}400{NBSP}€", "€12,400"),
        (exact_euros, Decimal("35000.49"), f"35{NBSP}000,49{NBSP}€", "€35,000.49"),
    ],
)
def test_each_language_writes_its_figures(function, value, french, english):
    assert in_language("fr", function, value) == french
    assert in_language("en", function, value) == english


def test_a_moment_in_each_language():
    moment = datetime.datetime(2026, 11, 30, 23, 5, tzinfo=datetime.UTC)
    assert in_language("fr", long_datetime, moment) == "1er décembre 2026 à 00:05"
    # « à » is translated in locale/en.
    assert in_language("en", long_datetime, moment) == "1 December 2026 at 00:05"


def test_the_time_an_answer_was_saved():
    answer = SimpleNamespace(updated_at=datetime.datetime(2026, 12, 1, 13, 5, tzinfo=datetime.UTC))
    assert in_language("fr", _saved_at, answer) == "14 h 05"
    assert in_language("en", _saved_at, answer) == "14:05"


@pytest.mark.parametrize(
    ("cell", "french", "english"),
    [
        (Cell(value=0.13, unit="share", contributors=10), "13\u202f%", "13%"),
        (Cell(value=12000, unit="euros", contributors=10), f"12{NBSP}000{NBSP}€", "€12,000"),
        (Cell(value=47.5, unit="score", contributors=10), "47,5", "47.5"),
    ],
)
def test_the_observatory_figures(cell, french, english):
    assert in_language("fr", display, cell) == french
    assert in_language("en", display, cell) == english


def test_the_template_filters():
    template = Template(
        "{% load aeict %}{{ pct|with_percent }} | {{ amount|points:0|with_euros_sign }} | "
        "{{ moment|time_of_day }} | {{ day|long_date }} | {{ level|level_label }}"
    )
    context = Context(
        {
            "pct": 12,
            "amount": Decimal("41800"),
            "moment": datetime.datetime(2026, 12, 1, 14, 5, tzinfo=PARIS),
            "day": datetime.date(2026, 12, 1),
            "level": maturity_level(60),
        }
    )
    with translation.override("fr"):
        assert template.render(context) == (
            "12&nbsp;% | 41\u00a0800&nbsp;€ | 14 h 05 | 1er décembre 2026 | Structurée"
        )
    with translation.override("en"):
        assert template.render(context) == "12% | €41,800 | 14:05 | 1 December 2026 | Structured"


@pytest.mark.parametrize(
    ("score_value", "french", "english"),
    [
        (10, "Émergente", "Emerging"),
        (30, "En développement", "Developing"),
        (80, "Intégrée", "Integrated"),
    ],
)
def test_maturity_levels_are_named_in_the_language(score_value, french, english):
    level = maturity_level(score_value)
    assert in_language("fr", level_label, level) == french
    assert in_language("en", level_label, level) == english
    assert level_label(None) is None


def test_the_radar_speaks_the_language():
    axes = [RadarAxis(number=n, label=f"Axe {n}", score=45.5 if n > 1 else None) for n in (1, 2, 3)]

    def svg(language):
        with translation.override(language):
            return radar_svg(axes, title="T", comparison=[50, None, 20], texts=radar_texts())

    french, english = svg("fr"), svg("en")
    assert (
        f"1. Axe 1{NBSP}: non évaluée (Médiane des collectivités comparables{NBSP}: 50)" in french
    )
    assert f"2. Axe 2{NBSP}: 45,5 sur 100" in french
    assert "(non évaluée)" in french and "Votre collectivité" in french
    assert "1. Axe 1: not assessed (Median of comparable local authorities: 50)" in english
    assert (
        "2. Axe 2: 45.5 out of 100 (Median of comparable local authorities: not available); "
        in english
    )
    assert "(not assessed)" in english and "Your local authority" in english


def test_a_quarter_is_written_and_read_in_each_language():
    assert in_language("fr", deadline_text, None, "2027-T2") == f"T2{NBSP}2027"
    assert in_language("en", deadline_text, None, "2027-T2") == f"Q2{NBSP}2027"
    for typed in ["T2 2027", "Q2 2027", "2027-q2"]:
        assert parse_deadline(typed) == (None, "2027-T2")
    assert in_language("en", deadline_text, datetime.date(2027, 6, 30), "") == "30/06/2027"
