"""How the observatory writes its figures: in the page's language on the page, plain in the CSV
files."""

from django.utils import formats
from django.utils.translation import gettext as _

from aeict.languages import with_euros, with_percent
from observatory.suppression import Cell, Hidden


def hidden_text(cell: Cell) -> str:
    if cell.hidden == Hidden.PRIMARY:
        return _("moins de 5")
    return _("masqué")


def display(cell: Cell) -> str:
    """« 1 234 », « 47,5 », « 23 % », « 12 000 € », or why the figure is not shown."""
    if not cell.shown:
        return hidden_text(cell)
    if cell.value is None:
        return "—"
    if cell.unit == "score":
        return formats.number_format(round(cell.value, 1), 1, use_l10n=True)
    if cell.unit == "share":
        percent = formats.number_format(round(100 * cell.value), 0, use_l10n=True)
        return with_percent(percent, space="\u202f")
    number = formats.number_format(round(cell.value), 0, use_l10n=True, force_grouping=True)
    if cell.unit == "euros":
        return with_euros(number)
    return number


def raw(cell: Cell) -> str:
    """The CSV cell: the figure with a decimal point, or why it is not shown."""
    if not cell.shown:
        return hidden_text(cell)
    if cell.value is None:
        return ""
    if cell.unit == "score":
        return f"{cell.value:.1f}"
    if cell.unit == "share":
        return f"{cell.value:.4f}"
    if cell.unit == "euros":
        return f"{cell.value:.2f}"
    return str(int(cell.value))
