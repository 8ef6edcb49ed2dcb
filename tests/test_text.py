"""Counts in the messages of management commands follow the French rule."""

from aeict.text import counted


def test_zero_and_one_take_the_singular_and_two_the_plural():
    text = counted((0, "réponse", "réponses"), (1, "compte créé", "comptes créés"), (2, "a", "b"))

    assert text == "0\u00a0réponse, 1\u00a0compte créé, 2\u00a0b"
