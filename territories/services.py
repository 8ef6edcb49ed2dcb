"""Loading the official list from the package's JSON files: one bulk comparison with what is
stored, then only the rows that changed are written (a reload that changes nothing writes
nothing)."""

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from territories.models import Territory, TerritoryKind, TerritoryRelease
from territories.source import DATA_FILES, PACKAGE, RELEASE, Release

# The columns compared and written; kind and code identify an entry.
FIELDS = (
    "name",
    "search_name",
    "siren",
    "epci_nature",
    "departement_code",
    "postcodes",
    "population",
    "in_current_list",
)
BATCH = 1000


class TerritoryFileError(Exception):
    """A data file is missing or not in the package's format."""


@dataclass(frozen=True, kw_only=True)
class LoadResult:
    created: int
    updated: int
    retired: int
    total: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired)


def normalize(text: str) -> str:
    """Lower-case, no accents, hyphens or apostrophes: « Saint-Étienne » → « saint etienne »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for mark in "-'’":
        plain = plain.replace(mark, " ")
    return " ".join(plain.split())


def read_entries(data_dir: Path) -> dict[tuple[str, str], dict]:
    """Every entry of the four files, keyed by (kind, code), with the stored columns' values."""
    try:
        files = {
            name: json.loads((data_dir / name).read_text(encoding="utf-8")) for name in DATA_FILES
        }
    except (OSError, ValueError) as error:
        raise TerritoryFileError(f"Lecture impossible dans {data_dir} : {error}") from None
    entries = {}

    def add(kind, code, name, **values):
        entries[(kind, code)] = {
            "name": name,
            "search_name": normalize(name),
            "siren": "",
            "epci_nature": "",
            "departement_code": "",
            "postcodes": "",
            "population": None,
            "in_current_list": True,
            **values,
        }

    try:
        population_by_departement: dict[str, int] = {}
        population_by_region: dict[str, int] = {}
        for row in files["communes.json"]:
            # Communes déléguées and associées, and the arrondissements of Paris, Lyon and
            # Marseille, are not collectivités: only the « communes actuelles » are.
            if row["type"] != "commune-actuelle":
                continue
            population = row.get("population")
            add(
                TerritoryKind.COMMUNE,
                row["code"],
                row["nom"],
                siren=row.get("siren", ""),
                departement_code=row.get("departement", ""),
                postcodes=" ".join(row.get("codesPostaux", [])),
                population=population,
            )
            if population:
                for key, totals in (
                    (row.get("departement"), population_by_departement),
                    (row.get("region"), population_by_region),
                ):
                    if key:
                        totals[key] = totals.get(key, 0) + population
        for row in files["epci.json"]:
            add(
                TerritoryKind.EPCI,
                row["code"],
                row["nom"],
                siren=row["code"],
                epci_nature=row["type"],
                population=row.get("populationMunicipale"),
            )
        # The package gives départements and régions neither SIREN nor population: their
        # population is the sum of their communes'.
        for row in files["departements.json"]:
            add(
                TerritoryKind.DEPARTEMENT,
                row["code"],
                row["nom"],
                departement_code=row["code"],
                population=population_by_departement.get(row["code"]),
            )
        for row in files["regions.json"]:
            add(
                TerritoryKind.REGION,
                row["code"],
                row["nom"],
                population=population_by_region.get(row["code"]),
            )
    except (KeyError, TypeError, AttributeError) as error:
        raise TerritoryFileError(f"Format inattendu dans {data_dir} : {error!r}") from None
    return entries


@transaction.atomic
def load_territories(*, data_dir: Path, release: Release = RELEASE) -> LoadResult:
    entries = read_entries(data_dir)
    stored = {
        (row[0], row[1]): (row[2], row[3:])
        for row in Territory.objects.values_list("kind", "code", "pk", *FIELDS).iterator(
            chunk_size=5000
        )
    }
    to_create, to_update = [], []
    for key, values in entries.items():
        wanted = tuple(values[field] for field in FIELDS)
        if key not in stored:
            to_create.append(Territory(kind=key[0], code=key[1], **values))
        elif stored[key][1] != wanted:
            to_update.append(Territory(pk=stored[key][0], **values))
    retired = [
        pk for key, (pk, values) in stored.items() if key not in entries and values[-1] is True
    ]
    Territory.objects.bulk_create(to_create, batch_size=BATCH)
    Territory.objects.bulk_update(to_update, FIELDS, batch_size=BATCH)
    if retired:
        Territory.objects.filter(pk__in=retired).update(in_current_list=False)
    result = LoadResult(
        created=len(to_create), updated=len(to_update), retired=len(retired), total=len(entries)
    )
    current = TerritoryRelease.objects.first()
    if current is None or (current.version, current.millesime) != (
        release.version,
        release.millesime,
    ):
        TerritoryRelease.objects.all().delete()
        TerritoryRelease.objects.create(
            package=PACKAGE,
            version=release.version,
            millesime=release.millesime,
            loaded_at=timezone.now(),
        )
    return result
