"""The plan as a spreadsheet: CSV (« ; », UTF-8 with a byte order mark) and xlsx.

Every text cell goes through ``safe_cell``, so that no spreadsheet ever reads it as a formula; in
the xlsx file text cells are written as strings (never as formulas) and amounts as numbers.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from aeict.spreadsheet import safe_cell


def _columns() -> list[str]:
    return [
        _("Action"),
        _("Préconisation"),
        _("Description"),
        _("Porteur"),
        _("Échéance"),
        _("Montant (€)"),
        _("Ligne budgétaire"),
        _("Statut"),
        _("Priorité"),
        _("Reprise du plan"),
        _("Réalisée le"),
        _("Montant dépensé (€)"),
    ]


# The columns holding amounts (numbers, not text), by position in ``_values``.
AMOUNT_COLUMNS = (5, 11)


def _values(action) -> list:
    """The cells of an action; the amount stays a number (or None), everything else is text."""
    return [
        action.title,
        f"{action.recommendation.number}. {action.recommendation.short_title}",
        action.description,
        action.owner,
        action.deadline_display or "",
        action.budget_amount,
        action.budget_line,
        action.get_status_display(),
        action.get_priority_display(),
        str(action.carried_from_year or ""),
        action.completed_on.strftime("%d/%m/%Y") if action.completed_on else "",
        action.amount_spent,
    ]


def plan_csv(actions) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(_columns())
    for action in actions:
        writer.writerow(
            [
                # A French spreadsheet reads « 1500,50 »; the amount has no sign to guard.
                ("" if value is None else format(value, "f").replace(".", ","))
                if index in AMOUNT_COLUMNS
                else safe_cell(value)
                for index, value in enumerate(_values(action))
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def plan_xlsx(actions, *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Plan d’action")[:31]
    sheet.append(_columns())
    for action in actions:
        row = sheet.max_row + 1
        for column, value in enumerate(_values(action), start=1):
            cell = sheet.cell(row=row, column=column)
            if column - 1 in AMOUNT_COLUMNS:
                if value is not None:
                    cell.value = float(value)
                    cell.number_format = "#,##0.00"
                continue
            # Set as a string cell: openpyxl would otherwise take « =… » for a formula.
            cell.value = safe_cell(value)
            cell.data_type = TYPE_STRING
    widths = (40, 30, 50, 25, 14, 14, 25, 14, 18, 14, 14, 16)
    for column, width in zip("ABCDEFGHIJKL", widths, strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
