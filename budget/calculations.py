"""The 1 % mechanisms' arithmetic and the budget's totals: pure functions over Decimals (no
database, standard library only), used by the pages, the CSV export and the diagnostic alike.

Rounding rule: a ceiling is 1 % of its base rounded to the cent, half up (0,005 € → 0,01 €);
every other figure is a sum or a difference of amounts in cents, hence exact.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

RATE = Decimal("0.01")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 12  # 1 000 milliards d'euros: above, a typing error

# The codes of the five mechanisms (budget.enums.Mechanism gives them their French names).
WATER = "eau"
SANITATION = "assainissement"
ENERGY = "electricite_gaz"
WASTE = "dechets"
MOBILITY = "mobilite"
MECHANISM_CODES = (WATER, SANITATION, ENERGY, WASTE, MOBILITY)

# Who holds a competence for the collectivité's territory.
HELD_BY_SELF = "collectivite"
HELD_BY_OTHER = "autre"
NOT_SAID = "non_renseigne"


def cents(amount: Decimal) -> Decimal:
    """An amount rounded to the cent, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def base_of(mechanism: str, resources: Decimal, versement_mobilite: Decimal | None) -> Decimal:
    """The base of the 1 %: the resources affected to the service's budget; for mobility, without
    the versement mobilité (CGCT L1115-3). ValueError if the versement exceeds the resources."""
    if mechanism != MOBILITY or not versement_mobilite:
        return resources
    if versement_mobilite > resources:
        raise ValueError("the versement mobilité exceeds the resources of the budget")
    return resources - versement_mobilite


def ceiling(base: Decimal) -> Decimal:
    """What the law allows: 1 % of the base, to the cent (half up)."""
    return cents(base * RATE)


@dataclass(frozen=True, kw_only=True)
class MechanismRoom:
    """One mechanism for one year: what the law allows, what is committed, what is left."""

    mechanism: str
    holder: str  # HELD_BY_SELF, HELD_BY_OTHER or NOT_SAID
    holder_name: str = ""
    resources: Decimal | None = None
    versement_mobilite: Decimal | None = None
    base: Decimal | None = None
    base_is_estimate: bool = False  # waste financed within the budget général
    ceiling: Decimal | None = None
    committed: Decimal = Decimal(0)
    room_left: Decimal | None = None  # negative when over the ceiling: never capped

    @property
    def holds_competence(self) -> bool:
        return self.holder == HELD_BY_SELF

    @property
    def over_ceiling(self) -> bool:
        return self.room_left is not None and self.room_left < 0

    @property
    def overrun(self) -> Decimal | None:
        """By how much the committed amounts exceed the ceiling (None if they do not)."""
        return -self.room_left if self.over_ceiling else None

    @property
    def has_room(self) -> bool:
        return self.room_left is not None and self.room_left > 0


def mechanism_room(
    *,
    mechanism: str,
    holder: str,
    holder_name: str = "",
    resources: Decimal | None = None,
    versement_mobilite: Decimal | None = None,
    committed: Decimal | None = None,
    base_is_estimate: bool = False,
) -> MechanismRoom:
    """The calculator applies only where the collectivité holds the competence; elsewhere it has
    no ceiling (the holder named, if any, is the one who may use that 1 %)."""
    if mechanism not in MECHANISM_CODES:
        raise ValueError(f"unknown mechanism {mechanism!r}")
    committed = committed or Decimal(0)
    common = {"mechanism": mechanism, "holder": holder, "holder_name": holder_name}
    if holder != HELD_BY_SELF:
        return MechanismRoom(**common)
    if resources is None:
        return MechanismRoom(**common, committed=committed)
    base = base_of(mechanism, resources, versement_mobilite)
    limit = ceiling(base)
    return MechanismRoom(
        **common,
        resources=resources,
        versement_mobilite=versement_mobilite if mechanism == MOBILITY else None,
        base=base,
        base_is_estimate=base_is_estimate and mechanism == WASTE,
        ceiling=limit,
        committed=committed,
        room_left=limit - committed,
    )


@dataclass(frozen=True, kw_only=True)
class BudgetTotals:
    """The AEICT budget of a year by source."""

    own_budget: Decimal  # budget général, CGCT L1115-1
    mechanisms: Decimal  # the sum of what is committed under the 1 % mechanisms
    cofunding: Decimal  # received from others: MEAE, AFD, EU, agences de l'eau, other
    total: Decimal
    cofunding_share: Decimal | None  # cofunding / total, None when the total is 0


def budget_totals(
    *, own_budget: Decimal, mechanisms: list[Decimal], cofunding: list[Decimal]
) -> BudgetTotals:
    own_budget = own_budget or Decimal(0)
    from_mechanisms = sum((m or Decimal(0) for m in mechanisms), Decimal(0))
    received = sum((c or Decimal(0) for c in cofunding), Decimal(0))
    total = own_budget + from_mechanisms + received
    return BudgetTotals(
        own_budget=own_budget,
        mechanisms=from_mechanisms,
        cofunding=received,
        total=total,
        cofunding_share=received / total if total else None,
    )


def percent_one_decimal(ratio: Decimal | None) -> Decimal | None:
    """A ratio as a percentage with one decimal, half up (0.12345 → 12.3)."""
    if ratio is None:
        return None
    return (ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
