"""Counts written out in French, and values quoted, for the messages of management commands."""

import json

from aeict.languages import quote


def counted(*counts: tuple[int, str, str]) -> str:
    """« 1 diagnostic, 0 réponse, 3 actions de plan »: French takes the singular for 0 and 1."""
    return ", ".join(f"{n}\u00a0{singular if n <= 1 else plural}" for n, singular, plural in counts)


def quoted(value, *, limit: int = 60) -> str:
    """A value read from a file, between quotes (French ones, or English ones when English is
    active): cut when long, with invisible characters (NUL, controls) written as escapes so that
    the message shows what is really there."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > limit:
        text = text[:limit] + "…"
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    return quote(text)
