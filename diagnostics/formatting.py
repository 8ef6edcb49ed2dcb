"""How figures are shown: percentages and scores rounded half up, as the method says; shared by
the pages (as template filters) and the PDF data."""

import datetime
import math
from decimal import Decimal
from fractions import Fraction

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from diagnostics.scoring import round_half_up


def percent(ratio):
    """A ratio in [0, 1] as an integer percentage; None stays None."""
    if ratio is None or ratio == "":
        return None
    return round_half_up(ratio * 100)


# The floors of the maturity levels above the first (SCORING.md, maturity levels).
LEVEL_BOUNDARIES = frozenset({25, 50, 75})


def score(value):
    """A score out of 100 as displayed everywhere: an integer, half up; but one decimal rounded
    down (« 49,9 ») where the integer would be a level's floor (25, 50, 75) that the unrounded
    score has not reached, so that the figure never contradicts the level. None stays None."""
    if value is None or value == "":
        return None
    exact = value if isinstance(value, Fraction) else Fraction(value)
    shown = round_half_up(exact)
    if shown in LEVEL_BOUNDARIES and exact < shown:
        tenths = Decimal(math.floor(exact * 10)) / 10
        return formats.number_format(tenths, 1, use_l10n=True)
    return shown


def points(value, decimals=1):
    """A figure with a fixed number of decimals, French style (comma)."""
    if value is None or value == "":
        return None
    value = Fraction(value) if not isinstance(value, Fraction) else value
    scale = 10 ** int(decimals)
    rounded = Decimal(round_half_up(value * scale)) / scale
    return formats.number_format(rounded, int(decimals), use_l10n=True, force_grouping=True)


def _day(value) -> str:
    """The day of the month; in French the first is « 1er »."""
    if value.day == 1 and (get_language() or "fr").startswith("fr"):
        return "1er"
    return str(value.day)


MINUS = "\u2212"


def signed_points(value):
    """A change of score as French prints it: « +5 points », « −17 points », « +1 point »,
    with a true minus sign and the unit; None stays None."""
    if value is None or value == "":
        return None
    number = int(value)
    sign = "+" if number > 0 else MINUS if number < 0 else ""
    text = ngettext("%(sign)s%(n)s point", "%(sign)s%(n)s points", abs(number))
    return text % {"sign": sign, "n": abs(number)}


def long_date(value):
    """A date as French writes it: « 1er décembre 2026 » (a moment in local time)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return f"{_day(value)} {formats.date_format(value, 'F Y')}"


def long_datetime(value):
    """A moment as French writes it: « 1er décembre 2026 à 09:05 », in local time."""
    if value is None or value == "":
        return None
    value = timezone.localtime(value)
    return _("%(day)s %(month_year)s à %(time)s") % {
        "day": _day(value),
        "month_year": formats.date_format(value, "F Y"),
        "time": formats.date_format(value, "H:i"),
    }


# The names of the maturity levels shown to users: diagnostics.scoring, free of Django, keeps
# its French labels for the method's own texts; pages, exports and reports show these.
LEVEL_LABELS = {
    1: gettext_lazy("Émergente"),
    2: gettext_lazy("En développement"),
    3: gettext_lazy("Structurée"),
    4: gettext_lazy("Intégrée"),
}


def level_label(level):
    """The name of a maturity level (diagnostics.scoring.MaturityLevel) in the active language;
    None stays None."""
    if level is None or level == "":
        return None
    return str(LEVEL_LABELS[level.number])
