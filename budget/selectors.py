"""Reads of the budget, in a fixed number of queries: a year's mechanisms and sources, every year
entered (for the evolution and the export), and the room left for the diagnostic."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from budget import calculations as calc
from budget.enums import Holder, Mechanism
from budget.formatting import euros
from budget.models import COFUNDING_SOURCES, BudgetYear, Competence, MechanismYear


@dataclass(frozen=True)
class YearBudget:
    year: int
    rooms: list[calc.MechanismRoom]  # the five mechanisms, in order
    budget: BudgetYear | None
    totals: calc.BudgetTotals

    @property
    def cofunding_percent(self) -> Decimal | None:
        return calc.percent_one_decimal(self.totals.cofunding_share)

    @property
    def is_empty(self) -> bool:
        return self.budget is None and not any(
            r.resources is not None or r.committed for r in self.rooms
        )


def competences_of(collectivite) -> dict[str, Competence]:
    """Each mechanism's competence, unsaved and « not said » where nothing was entered."""
    saved = {c.mechanism: c for c in Competence.objects.for_collectivite(collectivite)}
    return {
        m: saved.get(m)
        or Competence(collectivite=collectivite, mechanism=m, holder=Holder.NOT_SAID)
        for m in Mechanism.values
    }


def _year_budget(year, competences, figures: dict, budget: BudgetYear | None) -> YearBudget:
    rooms = []
    for mechanism in Mechanism.values:
        competence = competences[mechanism]
        figure = figures.get(mechanism)
        rooms.append(
            calc.mechanism_room(
                mechanism=mechanism,
                holder=competence.holder,
                holder_name=competence.holder_name,
                resources=figure.resources if figure else None,
                versement_mobilite=figure.versement_mobilite if figure else None,
                committed=figure.committed if figure else None,
                base_is_estimate=competence.in_general_budget,
            )
        )
    totals = calc.budget_totals(
        own_budget=budget.own_budget if budget else None,
        mechanisms=[room.committed for room in rooms if room.holds_competence],
        cofunding=[getattr(budget, name) for name in COFUNDING_SOURCES] if budget else [],
    )
    return YearBudget(year=year, rooms=rooms, budget=budget, totals=totals)


def year_budget(collectivite, year: int) -> YearBudget:
    """One year: three queries."""
    competences = competences_of(collectivite)
    figures = {
        f.mechanism: f
        for f in MechanismYear.objects.for_collectivite(collectivite).filter(year=year)
    }
    budget = BudgetYear.objects.for_collectivite(collectivite).filter(year=year).first()
    return _year_budget(year, competences, figures, budget)


def all_years(collectivite) -> list[YearBudget]:
    """Every year with figures, oldest first: three queries, whatever the number of years."""
    competences = competences_of(collectivite)
    figures: dict[int, dict] = {}
    for f in MechanismYear.objects.for_collectivite(collectivite):
        figures.setdefault(f.year, {})[f.mechanism] = f
    budgets = {b.year: b for b in BudgetYear.objects.for_collectivite(collectivite)}
    years = sorted(set(figures) | set(budgets))
    return [_year_budget(y, competences, figures.get(y, {}), budgets.get(y)) for y in years]


def room_left(collectivite, year: int) -> list[calc.MechanismRoom]:
    """The mechanisms the collectivité holds with room left in that year, and how much."""
    return [room for room in year_budget(collectivite, year).rooms if room.has_room]


def room_left_sentence(room: calc.MechanismRoom, year: int) -> str:
    """« Jusqu’à 41 800 € mobilisables au titre du 1 % eau potable en 2027 »."""
    return _("Jusqu’à %(amount)s mobilisables au titre du %(mechanism)s en %(year)s") % {
        "amount": euros(room.room_left),
        "mechanism": Mechanism(room.mechanism).label,
        "year": year,
    }


def year_sources(collectivite, year: int) -> tuple[list[tuple[str, Decimal]], Decimal] | None:
    """The year's AEICT budget by source, only the sources with a figure, and its total; None
    when nothing was entered for that year (three queries)."""
    budget = year_budget(collectivite, year)
    if budget.is_empty:
        return None
    rows = []
    if budget.budget and budget.budget.own_budget is not None:
        rows.append((_("Budget propre (budget général)"), budget.budget.own_budget))
    for room in budget.rooms:
        if room.holds_competence and room.committed:
            rows.append((str(Mechanism(room.mechanism).label), room.committed))
    if budget.budget:
        for name in COFUNDING_SOURCES:
            value = getattr(budget.budget, name)
            if value is not None:
                label = BudgetYear._meta.get_field(name).verbose_name
                rows.append((_("Cofinancement : %(source)s") % {"source": label}, value))
    return rows, budget.totals.total
