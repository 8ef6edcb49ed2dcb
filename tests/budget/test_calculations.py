"""The 1 % arithmetic, hand-worked: exact decimals, half-up cents, over-ceiling never capped."""

from decimal import Decimal

import pytest

from budget import calculations as calc
from budget.calculations import (
    HELD_BY_OTHER,
    HELD_BY_SELF,
    NOT_SAID,
    budget_totals,
    ceiling,
    mechanism_room,
    percent_one_decimal,
)

D = Decimal


def test_the_ceiling_is_one_percent_of_the_base_to_the_cent():
    assert ceiling(D("4180000.00")) == D("41800.00")
    assert ceiling(D("4180000.00")).as_tuple().exponent == -2
    # 1 % of 1 234 567,89 € is 12 345,6789 €: 12 345,68 €.
    assert ceiling(D("1234567.89")) == D("12345.68")


def test_half_a_cent_is_rounded_up():
    # 1 % of 0,50 € is 0,005 €: one cent, not zero (half up, not the banker's half even).
    assert ceiling(D("0.50")) == D("0.01")
    # 1 % of 2,50 € is 0,025 €: three cents (half even would give two).
    assert ceiling(D("2.50")) == D("0.03")
    assert ceiling(D("0.49")) == D("0.00")


def test_water_room_left_is_the_ceiling_minus_what_is_committed():
    room = mechanism_room(
        mechanism=calc.WATER,
        holder=HELD_BY_SELF,
        resources=D("4180000.00"),
        committed=D("25000.00"),
    )
    assert room.base == D("4180000.00")
    assert room.ceiling == D("41800.00")
    assert room.room_left == D("16800.00")
    assert room.has_room and not room.over_ceiling and room.overrun is None


def test_the_mobility_base_leaves_out_the_versement_mobilite():
    # 12 500 000 € of resources, of which 8 000 000 € of versement mobilité:
    # base 4 500 000 €, ceiling 45 000 €, 30 000 € committed, 15 000 € left.
    room = mechanism_room(
        mechanism=calc.MOBILITY,
        holder=HELD_BY_SELF,
        resources=D("12500000.00"),
        versement_mobilite=D("8000000.00"),
        committed=D("30000.00"),
    )
    assert room.base == D("4500000.00")
    assert room.ceiling == D("45000.00")
    assert room.room_left == D("15000.00")


def test_the_versement_mobilite_counts_for_mobility_only():
    room = mechanism_room(
        mechanism=calc.WATER,
        holder=HELD_BY_SELF,
        resources=D("1000000.00"),
        versement_mobilite=D("400000.00"),
    )
    assert room.base == D("1000000.00")
    assert room.versement_mobilite is None
    assert room.ceiling == D("10000.00")


def test_a_versement_above_the_resources_is_an_error():
    with pytest.raises(ValueError, match="versement"):
        calc.base_of(calc.MOBILITY, D("100.00"), D("100.01"))


def test_committed_above_the_ceiling_is_flagged_and_never_capped():
    room = mechanism_room(
        mechanism=calc.SANITATION,
        holder=HELD_BY_SELF,
        resources=D("2350000.00"),
        committed=D("28500.50"),
    )
    assert room.ceiling == D("23500.00")
    assert room.committed == D("28500.50")
    assert room.room_left == D("-5000.50")
    assert room.over_ceiling
    assert room.overrun == D("5000.50")
    assert not room.has_room


def test_exactly_at_the_ceiling_is_not_over_and_leaves_no_room():
    room = mechanism_room(
        mechanism=calc.ENERGY, holder=HELD_BY_SELF, resources=D("100.00"), committed=D("1.00")
    )
    assert room.room_left == D("0.00")
    assert not room.over_ceiling and not room.has_room


def test_without_the_water_competence_there_is_no_ceiling_and_the_holder_is_named():
    room = mechanism_room(
        mechanism=calc.WATER,
        holder=HELD_BY_OTHER,
        holder_name="Syndicat des eaux du Val-d’Armor",
        resources=D("4180000.00"),
        committed=D("1000.00"),
    )
    assert not room.holds_competence
    assert room.holder_name == "Syndicat des eaux du Val-d’Armor"
    assert room.ceiling is None and room.room_left is None and room.base is None
    assert room.committed == D(0)
    assert not room.has_room and not room.over_ceiling


def test_a_competence_not_said_has_no_ceiling_either():
    room = mechanism_room(mechanism=calc.WASTE, holder=NOT_SAID, resources=D("1000.00"))
    assert room.ceiling is None and not room.holds_competence


def test_without_resources_the_ceiling_is_unknown_but_the_committed_amount_stays():
    room = mechanism_room(mechanism=calc.WATER, holder=HELD_BY_SELF, committed=D("500.00"))
    assert room.ceiling is None and room.room_left is None
    assert room.committed == D("500.00")


def test_a_waste_base_in_the_budget_general_is_flagged_as_an_estimate():
    room = mechanism_room(
        mechanism=calc.WASTE,
        holder=HELD_BY_SELF,
        resources=D("3000000.00"),
        base_is_estimate=True,
    )
    assert room.base_is_estimate
    assert room.ceiling == D("30000.00")
    water = mechanism_room(
        mechanism=calc.WATER, holder=HELD_BY_SELF, resources=D("1.00"), base_is_estimate=True
    )
    assert not water.base_is_estimate


def test_an_unknown_mechanism_is_refused():
    with pytest.raises(ValueError):
        mechanism_room(mechanism="chauffage", holder=HELD_BY_SELF)


def test_the_budget_totals_and_the_share_of_cofunding():
    # 60 000 € own budget + 41 800 € and 10 000 € under two 1 % mechanisms
    # + 20 000 € (MEAE) and 8 200 € (agence de l'eau): 140 000 €, of which 28 200 € co-funded.
    totals = budget_totals(
        own_budget=D("60000.00"),
        mechanisms=[D("41800.00"), D("10000.00"), None],
        cofunding=[D("20000.00"), None, D("8200.00")],
    )
    assert totals.mechanisms == D("51800.00")
    assert totals.cofunding == D("28200.00")
    assert totals.total == D("140000.00")
    assert totals.cofunding_share == D("28200") / D("140000")
    assert percent_one_decimal(totals.cofunding_share) == D("20.1")  # 20,142… %


def test_an_empty_budget_has_no_share():
    totals = budget_totals(own_budget=None, mechanisms=[], cofunding=[])
    assert totals.total == D(0)
    assert totals.cofunding_share is None
    assert percent_one_decimal(None) is None


def test_one_decimal_percentages_round_half_up():
    assert percent_one_decimal(D("0.12345")) == D("12.3")
    assert percent_one_decimal(D("0.12350")) == D("12.4")
