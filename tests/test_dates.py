"""Dates as French writes them: « 1er » for the first day of the month, in local time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from diagnostics.formatting import long_date, long_datetime

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2026, 12, 1), "1er décembre 2026"),
        (datetime.date(2026, 12, 2), "2 décembre 2026"),
        (datetime.date(2027, 1, 11), "11 janvier 2027"),
        # 23:30 UTC on 30 November is already 1 December in Paris.
        (datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC), "1er décembre 2026"),
    ],
)
def test_long_date(value, expected):
    with translation.override("fr"):
        assert long_date(value) == expected


def test_long_datetime_in_local_time():
    moment = datetime.datetime(2026, 11, 30, 23, 5, tzinfo=datetime.UTC)
    with translation.override("fr"):
        assert long_datetime(moment) == "1er décembre 2026 à 00:05"


def test_the_template_filters():
    template = Template("{% load aeict %}{{ day|long_date }} / {{ moment|long_datetime }}")
    moment = datetime.datetime(2027, 3, 1, 9, 5, tzinfo=PARIS)
    with translation.override("fr"):
        text = template.render(Context({"day": datetime.date(2027, 3, 1), "moment": moment}))
    assert text == "1er mars 2027 / 1er mars 2027 à 09:05"


def test_no_template_prints_a_day_without_1er():
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "templates"
    offenders = [
        str(path.relative_to(templates))
        for path in templates.rglob("*.html")
        if 'date:"j F' in path.read_text(encoding="utf-8")
    ]
    assert offenders == [], "use |long_date or |long_datetime, which write « 1er »"
