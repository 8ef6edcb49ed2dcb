"""Statistical secrecy of the observatory's tables: no figure about fewer than five collectivités.

Each cell knows how many collectivités contribute to it. A cell with fewer than ``MIN_CONTRIBUTORS``
is hidden (« moins de 5 »): that is the primary suppression. A cell nobody contributes to (a
count of zero) tells nothing about anyone and stays shown. A published total would still give
a lone hidden cell away (« total minus the others »), so every additive relation between cells —
a total and its parts — is checked: while one of them has exactly one hidden member, a second one
is hidden too (the smallest part still shown, else the total). Cells may be shared between tables
(the same total in two tables), so secrecy holds across a page.
"""

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

MIN_CONTRIBUTORS = 5


class Hidden:
    NONE = ""
    PRIMARY = "primary"  # fewer than five contributors: « moins de 5 »
    COMPLEMENTARY = "complementary"  # hidden so that a primary cell cannot be derived


@dataclass(eq=False)
class Cell:
    """A figure of a table and the number of distinct collectivités behind it."""

    value: float | int | None
    contributors: int
    unit: str = "count"  # count, score (0 to 100) or share (0 to 1)
    hidden: str = Hidden.NONE

    @property
    def shown(self) -> bool:
        return not self.hidden


@dataclass(eq=False)
class Additive:
    """``total`` is the sum of ``parts``: knowing all but one of them gives the last away."""

    total: Cell | None
    parts: Sequence[Cell] = field(default_factory=list)

    def members(self) -> list[Cell]:
        return [*self.parts, *([self.total] if self.total is not None else [])]


def suppress(cells: Iterable[Cell], relations: Iterable[Additive] = ()) -> None:
    """Hide, in place, every cell with too few contributors, then enough others that no hidden
    value follows from the published relations, alone or combined."""
    relations = list(relations)
    for cell in itertools.chain(cells, *(relation.members() for relation in relations)):
        if 0 < cell.contributors < MIN_CONTRIBUTORS and cell.shown:
            cell.hidden = Hidden.PRIMARY
    while True:
        _blur_lone_cells(relations)
        # Relations that each hide two cells can still, together, pin one down (a hidden cell
        # on no cycle of hidden cells): the exact test, by linear algebra, finds it.
        found = derivable(relations)
        if not found or not _hide_one_more(found[0], relations):
            return


def _complement(relation: Additive) -> bool:
    """Hide one more member of ``relation``: the smallest part still shown that is not zero (a
    zero blurs nothing), else the total."""
    candidates = sorted(
        (cell for cell in relation.parts if cell.shown and cell.value),
        key=lambda cell: cell.value,
    )
    if candidates:
        candidates[0].hidden = Hidden.COMPLEMENTARY
    elif relation.total is not None and relation.total.shown:
        relation.total.hidden = Hidden.COMPLEMENTARY
    else:
        return False
    return True


def _blur_lone_cells(relations: list[Additive]) -> None:
    changed = True
    while changed:
        changed = False
        for relation in relations:
            hidden = [cell for cell in relation.members() if not cell.shown]
            if len(hidden) == 1 and _complement(relation):
                changed = True


def _hide_one_more(cell: Cell, relations: list[Additive]) -> bool:
    return any(
        _complement(relation)
        for relation in relations
        if any(member is cell for member in relation.members())
    )


def derivable(relations: Iterable[Additive]) -> list[Cell]:
    """The hidden cells whose value follows from the shown ones through the relations: those
    whose unit vector lies in the span of the relations' equations over the hidden cells (a
    row of the reduced echelon form with a single non-zero coefficient)."""
    hidden: list[Cell] = []
    position: dict[int, int] = {}
    equations = []
    for relation in relations:
        coefficients: dict[int, Fraction] = {}
        for cell, sign in [*((part, 1) for part in relation.parts), (relation.total, -1)]:
            if cell is None or cell.shown:
                continue
            if id(cell) not in position:
                position[id(cell)] = len(hidden)
                hidden.append(cell)
            index = position[id(cell)]
            coefficients[index] = coefficients.get(index, Fraction(0)) + sign
        coefficients = {k: v for k, v in coefficients.items() if v}
        if coefficients:
            equations.append(coefficients)
    # Gauss–Jordan elimination on sparse rows.
    pivots: dict[int, dict[int, Fraction]] = {}
    for row in equations:
        row = dict(row)
        for column, pivot_row in pivots.items():
            if column in row:
                factor = row[column]
                for k, v in pivot_row.items():
                    row[k] = row.get(k, Fraction(0)) - factor * v
                row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        column = min(row)
        scale = row[column]
        row = {k: v / scale for k, v in row.items()}
        for other in pivots.values():
            if column in other:
                factor = other[column]
                for k, v in row.items():
                    other[k] = other.get(k, Fraction(0)) - factor * v
                for k in [k for k, v in other.items() if not v]:
                    del other[k]
        pivots[column] = row
    return [hidden[column] for column, row in sorted(pivots.items()) if len(row) == 1]
