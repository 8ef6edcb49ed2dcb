"""Numbers as typed in each language: the same amount whatever the page's language, and an
ambiguous entry refused rather than read wrongly."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from diagnostics.fields import FrenchDecimalField


def clean(value, language):
    field = FrenchDecimalField(localize=True, required=False, max_digits=15, decimal_places=2)
    with translation.override(language):
        return field.clean(value)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("15000", "15000"),
        ("15,000", "15000"),
        ("1,234.56", "1234.56"),
        ("12.5", "12.5"),
        ("15 000", "15000"),
    ],
)
def test_english_pages_read_english_numbers(typed, expected):
    assert clean(typed, "en") == Decimal(expected)


@pytest.mark.parametrize(
    "typed, expected", [("15 000,50", "15000.50"), ("12,5", "12.5"), ("41\u00a0800", "41800")]
)
def test_french_pages_read_french_numbers(typed, expected):
    assert clean(typed, "fr") == Decimal(expected)


@pytest.mark.parametrize("typed, language", [("12,5", "en"), ("1,23", "en"), ("15,000", "fr")])
def test_an_ambiguous_comma_is_refused_not_guessed(typed, language):
    with pytest.raises(ValidationError):
        clean(typed, language)
