"""The RGAA 4.1.2 audit grid (docs/accessibilite/grille-rgaa.csv) and its conformity rate.

The grid has one row per criterion (106), one column per page of the sample, each cell « C »
(conforme), « NC » (non conforme) or « NA » (non applicable), and a justification.

The rate is the one the RGAA defines for a sample: a criterion is *applicable* when it applies
to at least one page; it is *conforme* when it is conforming on every page where it applies, and
*non conforme* as soon as one page fails it; the rate is conforming criteria / applicable
criteria. The mean of the pages' own rates (each page: C / (C + NC)) is given too, as the RGAA
suggests, for information.

Run it: ``python -m aeict.accessibility_audit`` (or with the path of another grid).
"""

import csv
import sys
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

# The day the grid was last filled in; change it with the grid.
AUDIT_DATE = date(2026, 12, 1)
# The sample's pages, as the statement names them (the grid's columns).
PAGE_NAMES = {
    "accueil": _("Accueil"),
    "connexion": _("Connexion"),
    "tableau-de-bord": _("Mes diagnostics (tableau de bord)"),
    "vue-ensemble": _("Vue d’ensemble d’un diagnostic"),
    "preconisation": _("Questionnaire d’une préconisation"),
    "resultats": _("Résultats"),
    "plan": _("Plan d’action"),
    "plan-modifier": _("Modification d’une action du plan"),
    "membres": _("Membres d’une collectivité"),
    "rapport-statut": _("Suivi de la génération d’un rapport"),
    "methode": _("Méthode de calcul"),
    "accessibilite": _("Déclaration d’accessibilité"),
    "admin-catalogue": _("Administration du catalogue (versions, préconisations, questions)"),
}
GRID = Path(__file__).resolve().parent.parent / "docs" / "accessibilite" / "grille-rgaa.csv"
STATUSES = {"C", "NC", "NA"}
STATUS_TOTAL = _("totalement conforme")
STATUS_PARTIAL = _("partiellement conforme")
STATUS_NONE = _("non conforme")
FIXED_COLUMNS = ("critere", "thematique", "intitule")
CRITERIA_COUNT = 106


class GridError(ValueError):
    """The grid is not as the RGAA wants it: a criterion missing, a status unknown…"""


@dataclass(frozen=True)
class Criterion:
    number: str
    theme: str
    title: str
    statuses: dict[str, str]  # page -> C / NC / NA
    justification: str

    @property
    def overall(self) -> str:
        values = set(self.statuses.values())
        if "NC" in values:
            return "NC"
        if "C" in values:
            return "C"
        return "NA"

    @property
    def failing_pages(self) -> list[str]:
        return [page for page, status in self.statuses.items() if status == "NC"]


@dataclass(frozen=True)
class Audit:
    pages: list[str]
    criteria: list[Criterion]

    def count(self, status: str) -> int:
        return sum(1 for c in self.criteria if c.overall == status)

    @property
    def count_c(self) -> int:
        return self.count("C")

    @property
    def applicable(self) -> int:
        return self.count("C") + self.count("NC")

    @property
    def rate(self) -> Decimal:
        """Conforming criteria / applicable criteria, in per cent, to one decimal."""
        if not self.applicable:
            return Decimal("100.0")
        return _percent(self.count("C"), self.applicable)

    @property
    def page_rates(self) -> dict[str, Decimal]:
        rates = {}
        for page in self.pages:
            conforming = sum(1 for c in self.criteria if c.statuses[page] == "C")
            failing = sum(1 for c in self.criteria if c.statuses[page] == "NC")
            rates[page] = (
                _percent(conforming, conforming + failing) if conforming + failing else None
            )
        return rates

    @property
    def mean_rate(self) -> Decimal:
        rates = [r for r in self.page_rates.values() if r is not None]
        return (sum(rates) / len(rates)).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def non_conformities(self) -> list[Criterion]:
        return [c for c in self.criteria if c.overall == "NC"]

    @property
    def status(self) -> str:
        """The state of conformity the statement and the footer declare, as the RGAA sets it:
        totally conforming when no criterion fails, partially from 50 %, not conforming below."""
        if not self.non_conformities:
            return STATUS_TOTAL
        if self.rate >= 50:
            return STATUS_PARTIAL
        return STATUS_NONE


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def read_grid(path: Path | str = GRID) -> Audit:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise GridError("La grille est vide.")
    header, body = rows[0], rows[1:]
    if tuple(header[:3]) != FIXED_COLUMNS or header[-1] != "justification":
        raise GridError(
            "Colonnes attendues : critere, thematique, intitule, une par page, justification."
        )
    pages = header[3:-1]
    criteria = []
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise GridError(f"Ligne {line} : {len(row)} colonnes au lieu de {len(header)}.")
        statuses = dict(zip(pages, (s.strip().upper() for s in row[3:-1]), strict=True))
        unknown = {s for s in statuses.values() if s not in STATUSES}
        if unknown:
            raise GridError(f"Ligne {line} : statut inconnu {sorted(unknown)} (C, NC ou NA).")
        criteria.append(Criterion(row[0], row[1], row[2], statuses, row[-1]))
    numbers = [c.number for c in criteria]
    if len(numbers) != CRITERIA_COUNT or len(set(numbers)) != CRITERIA_COUNT:
        raise GridError(
            f"La grille doit compter les {CRITERIA_COUNT} critères du RGAA 4.1, une fois chacun "
            f"({len(set(numbers))} trouvés)."
        )
    return Audit(pages, criteria)


@lru_cache(maxsize=1)
def current_audit() -> Audit:
    """The grid shipped with the code, read once per process."""
    return read_grid(GRID)


def main(argv: list[str]) -> int:
    audit = read_grid(argv[1] if len(argv) > 1 else GRID)
    print(f"Critères conformes : {audit.count('C')}")
    print(f"Critères non conformes : {audit.count('NC')}")
    print(f"Critères non applicables : {audit.count('NA')}")
    print(f"Taux de conformité (RGAA) : {audit.rate} %")
    print(f"Taux moyen des pages : {audit.mean_rate} %")
    for page, rate in audit.page_rates.items():
        print(f"  {page} : {rate} %")
    for criterion in audit.non_conformities:
        print(f"NC {criterion.number} ({', '.join(criterion.failing_pages)}) : {criterion.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
