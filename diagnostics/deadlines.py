"""The one format of a plan action's deadline: a quarter (« T2 2027 », in English « Q2 2027 ») or
a date (« 30/06/2027 »), read from what people type and written back for them."""

import re
from datetime import date

from aeict.languages import is_english

# T for « trimestre », Q for quarter: either is read, whatever the language.
_QUARTER = re.compile(
    r"^\s*(?:[TQ]([1-4])\s*[-/ ]?\s*(\d{4})|(\d{4})\s*[-/ ]?\s*[TQ]([1-4]))\s*$", re.I
)
_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def parse_deadline(text: str) -> tuple[date | None, str]:
    """« T2 2027 », « 2027-T2 » or « 30/06/2027 » -> (date, quarter); ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None, ""
    match = _QUARTER.match(text)
    if match:
        quarter = match.group(1) or match.group(4)
        year = match.group(2) or match.group(3)
        if not 2000 <= int(year) <= 2100:
            raise ValueError(text)
        return None, f"{year}-T{quarter}"
    match = _DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if not 2000 <= year <= 2100:
            raise ValueError(text)
        return date(year, month, day), ""
    raise ValueError(text)


def deadline_text(deadline_date: date | None, deadline_quarter: str, *, space="\u00a0") -> str:
    """« 30/06/2027 » or « T2 2027 » (« Q2 2027 » in English; ``space`` between quarter and
    year); "" without a deadline.

    Pages use the default non-breaking space; a form field gets a plain one, easier to retype.
    """
    if deadline_date:
        return deadline_date.strftime("%d/%m/%Y")
    if deadline_quarter:
        year, quarter = deadline_quarter.split("-")
        return f"{'Q' if is_english() else 'T'}{quarter[1:]}{space}{year}"
    return ""


def deadline_sort_key(deadline_date: date | None, deadline_quarter: str) -> date:
    """When an action is due, to sort a plan: a quarter counts as its last day; no deadline
    comes last."""
    if deadline_date:
        return deadline_date
    if deadline_quarter:
        year, quarter = deadline_quarter.split("-")
        month = int(quarter[1]) * 3
        return date(int(year), month, 31 if month in (3, 12) else 30)
    return date.max
