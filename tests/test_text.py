"""Counts in the messages of management commands follow the French rule; values are quoted."""

from aeict.text import counted, quoted


def test_zero_and_one_take_the_singular_and_two_the_plural():
    text = counted((0, "réponse", "réponses"), (1, "compte créé", "comptes créés"), (2, "a", "b"))

    assert text == "0\u00a0réponse, 1\u00a0compte créé, 2\u00a0b"


def test_a_quoted_value_is_cut_when_long_and_shows_what_cannot_be_seen():
    assert quoted("pas un nombre") == "«\u00a0pas un nombre\u00a0»"
    assert quoted([0, 42]) == "«\u00a0[0, 42]\u00a0»"
    assert quoted("É" * 5000) == "«\u00a0" + "É" * 60 + "…\u00a0»"
    assert quoted("a\x00b") == "«\u00a0a\\x00b\u00a0»"


def test_an_english_message_quotes_with_english_quotes():
    from django.utils import translation

    with translation.override("en"):
        assert quoted("not a number") == "\u201cnot a number\u201d"
    with translation.override("fr"):
        assert quoted("pas un nombre") == "«\u00a0pas un nombre\u00a0»"
