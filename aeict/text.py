"""Counts written out in French, for the messages of management commands (not translated)."""


def counted(*counts: tuple[int, str, str]) -> str:
    """« 1 diagnostic, 0 réponse, 3 actions de plan »: French takes the singular for 0 and 1."""
    return ", ".join(f"{n}\u00a0{singular if n <= 1 else plural}" for n, singular, plural in counts)
