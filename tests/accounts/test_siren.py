import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import validate_siren
from accounts.siren import has_valid_key, siren_with_key

eight_digits = st.integers(min_value=0, max_value=99_999_999).map(lambda n: f"{n:08d}")


def test_valid_sirens_are_recognised_and_a_wrong_key_is_not():
    for siren in ["130025265", "732829320"]:
        assert has_valid_key(siren)
        validate_siren(siren)
    assert not has_valid_key("732829321")
    assert not has_valid_key("73282932")


@given(eight_digits)
def test_the_key_completes_any_eight_digits_into_a_valid_siren(first_eight):
    siren = siren_with_key(first_eight)
    assert siren[:8] == first_eight
    validate_siren(siren)
    # Any other key digit is refused.
    for key in set("0123456789") - {siren[8]}:
        with pytest.raises(ValidationError):
            validate_siren(first_eight + key)


def test_only_eight_digits_get_a_key():
    with pytest.raises(ValueError):
        siren_with_key("1234567")
