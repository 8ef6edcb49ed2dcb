"""The CSV export of the budget's figures: one row per figure, every year entered; cells are
guarded against formulas like the diagnostic's exports."""

import csv
import io

from budget.enums import Holder, Mechanism
from budget.mechanisms import MECHANISMS
from budget.models import COFUNDING_SOURCES, OWN_BUDGET, BudgetYear
from budget.selectors import YearBudget
from diagnostics.results.exports import safe_cell

CSV_COLUMNS = ["collectivite", "annee", "rubrique", "poste", "article", "valeur", "remarque"]


def _amount(value) -> str:
    return "" if value is None else format(value, "f")


def _label(name: str) -> str:
    return str(BudgetYear._meta.get_field(name).verbose_name)


def csv_rows(collectivite, years: list[YearBudget]) -> list[list[str]]:
    rows = [list(CSV_COLUMNS)]
    for year in years:
        for room in year.rooms:
            info = MECHANISMS[room.mechanism]
            section = [collectivite.name, year.year, Mechanism(room.mechanism).label]
            if not room.holds_competence:
                holder = room.holder_name or Holder(room.holder).label
                rows.append([*section, "competence", info.article, "", holder])
                continue
            note = "base estimée" if room.base_is_estimate else ""
            over = "engagé au-delà du plafond" if room.over_ceiling else ""
            for item, value, remark in (
                ("ressources", room.resources, ""),
                ("versement_mobilite", room.versement_mobilite, ""),
                ("base", room.base, note),
                ("plafond", room.ceiling, note),
                ("engage", room.committed, ""),
                ("marge", room.room_left, over),
            ):
                if item == "versement_mobilite" and room.mechanism != Mechanism.MOBILITY:
                    continue
                rows.append([*section, item, info.article, _amount(value), remark])
        budget = year.budget
        for name in (OWN_BUDGET, *COFUNDING_SOURCES):
            value = getattr(budget, name) if budget else None
            article = "L1115-1" if name == OWN_BUDGET else ""
            rows.append(
                [collectivite.name, year.year, "source", _label(name), article, _amount(value), ""]
            )
        totals = year.totals
        rows.append([collectivite.name, year.year, "total", "total", "", _amount(totals.total), ""])
        rows.append(
            [
                collectivite.name,
                year.year,
                "total",
                "part_cofinancements",
                "",
                _amount(year.cofunding_percent),
                "en %",
            ]
        )
        staff = budget.staff_fte if budget else None
        rows.append([collectivite.name, year.year, "personnel", "etp", "", _amount(staff), ""])
    return [[safe_cell(cell) for cell in row] for row in rows]


def csv_bytes(collectivite, years: list[YearBudget]) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheet software reads the accents."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows(csv_rows(collectivite, years))
    return buffer.getvalue().encode("utf-8")
