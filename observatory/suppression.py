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
    value follows from a published relation."""
    relations = list(relations)
    for cell in itertools.chain(cells, *(relation.members() for relation in relations)):
        if 0 < cell.contributors < MIN_CONTRIBUTORS and cell.shown:
            cell.hidden = Hidden.PRIMARY
    changed = True
    while changed:
        changed = False
        for relation in relations:
            members = relation.members()
            hidden = [cell for cell in members if not cell.shown]
            if len(hidden) != 1:
                continue
            # A part equal to zero would blur nothing: the smallest other part, else the total.
            candidates = sorted(
                (cell for cell in relation.parts if cell.shown and cell.value),
                key=lambda cell: cell.value,
            )
            if candidates:
                candidates[0].hidden = Hidden.COMPLEMENTARY
            elif relation.total is not None and relation.total.shown:
                relation.total.hidden = Hidden.COMPLEMENTARY
            else:
                continue
            changed = True
