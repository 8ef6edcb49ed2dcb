"""Cells of the CSV files the application writes: never read as a formula by a spreadsheet."""

# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV Injection"):
# a tab or a carriage return first can hide the formula that follows from the import dialog.
# Numbers the app writes itself are quoted too when negative: one rule, every cell, no exceptions.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The cell as text, quoted so that a spreadsheet never evaluates it as a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
