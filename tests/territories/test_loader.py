import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.official import create_collectivite_from_territory
from territories.models import Territory, TerritoryRelease
from territories.search import search_territories
from territories.services import TerritoryFileError, load_territories, normalize
from territories.source import RELEASE, SourceUnavailable, unpack

DATA = Path(__file__).resolve().parents[1] / "data" / "territories"

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def edit(data_dir, name, change):
    path = data_dir / name
    rows = json.loads(path.read_text(encoding="utf-8"))
    change(rows)
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def writes(queries) -> list[str]:
    return [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


def test_it_loads_communes_epci_departements_and_regions():
    result = load_territories(data_dir=DATA)
    assert result.created == result.total == 6 + 3 + 3 + 1
    lyon = Territory.objects.get(kind="commune", code="69123")
    assert (lyon.name, lyon.siren, lyon.departement_code) == ("Lyon", "216901231", "69")
    assert lyon.postcodes.split() == [f"6900{n}" for n in range(1, 10)]
    assert lyon.population == 519127
    metropole = Territory.objects.get(kind="epci", code="200046977")
    assert (metropole.epci_nature, metropole.siren, metropole.population) == (
        "MET69",
        "200046977",
        1433613,
    )


def test_only_current_communes_are_loaded():
    load_territories(data_dir=DATA)
    assert not Territory.objects.filter(name__startswith="Lyon 1er").exists()
    assert not Territory.objects.filter(name="Arbignieu").exists()


def test_departements_and_regions_get_the_sum_of_their_communes_population():
    load_territories(data_dir=DATA)
    rhone = Territory.objects.get(kind="departement", code="69")
    assert rhone.population == 519127 + Territory.objects.get(name="Villeurbanne").population
    assert rhone.siren == ""  # the package gives none
    region = Territory.objects.get(kind="region", code="84")
    # The six communes of the sample are all in région 84.
    assert region.population == sum(
        Territory.objects.filter(kind="commune").values_list("population", flat=True)
    )


def test_a_reload_that_changes_nothing_writes_nothing():
    load_territories(data_dir=DATA)
    with CaptureQueriesContext(connection) as queries:
        result = load_territories(data_dir=DATA)
    assert not result.changed
    assert writes(queries.captured_queries) == []


def test_a_reload_writes_only_what_changed(data_dir):
    load_territories(data_dir=DATA)

    def grow_lyon(rows):
        next(r for r in rows if r["nom"] == "Lyon")["population"] = 520000

    edit(data_dir, "communes.json", grow_lyon)
    result = load_territories(data_dir=data_dir)
    # Lyon, and the Rhône and the région whose populations add Lyon's up.
    assert (result.created, result.updated, result.retired) == (0, 3, 0)
    assert Territory.objects.get(name="Lyon").population == 520000
    assert Territory.objects.get(kind="departement", code="69").population == 520000 + 163684


def test_an_entry_gone_from_the_list_is_kept_but_no_longer_offered(data_dir):
    load_territories(data_dir=DATA)
    edit(
        data_dir,
        "communes.json",
        lambda rows: rows.remove(next(r for r in rows if r["nom"] == "Marignier")),
    )
    result = load_territories(data_dir=data_dir)
    assert result.retired == 1
    marignier = Territory.objects.get(name="Marignier")
    assert not marignier.in_current_list
    assert search_territories("Marignier") == []


def test_the_release_loaded_is_recorded():
    load_territories(data_dir=DATA)
    release = TerritoryRelease.objects.get()
    assert (release.package, release.version, release.millesime) == (
        "@etalab/decoupage-administratif",
        RELEASE.version,
        RELEASE.millesime,
    )


def test_a_missing_or_malformed_file_writes_nothing(data_dir):
    edit(data_dir, "epci.json", lambda rows: rows[0].pop("type"))
    with pytest.raises(TerritoryFileError):
        load_territories(data_dir=data_dir)
    (data_dir / "regions.json").unlink()
    with pytest.raises(TerritoryFileError):
        load_territories(data_dir=data_dir)
    assert not Territory.objects.exists()


def test_the_command_refreshes_the_kind_and_population_of_linked_collectivites(data_dir):
    load_territories(data_dir=DATA)
    collectivite = create_collectivite_from_territory(
        territory=Territory.objects.get(name="Saint-Étienne Métropole")
    )
    assert (collectivite.kind, collectivite.population) == ("metropole", 407700)

    def demote(rows):
        entry = next(r for r in rows if r["nom"] == "Saint-Étienne Métropole")
        entry["type"], entry["populationMunicipale"] = "CU", 400000

    edit(data_dir, "epci.json", demote)
    out = io.StringIO()
    call_command("load_territories", str(data_dir), stdout=out)
    collectivite.refresh_from_db()
    assert (collectivite.kind, collectivite.population) == ("epci", 400000)
    assert "1 collectivités mises à jour" in out.getvalue()
    out = io.StringIO()
    call_command("load_territories", str(data_dir), stdout=out)
    assert "rien à changer" in out.getvalue()


def test_the_command_says_in_french_when_the_files_are_missing(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Rien n’a été modifié"):
        call_command("load_territories", str(tmp_path))


def test_a_tarball_that_is_not_the_pinned_release_is_refused(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        content = b"[]"
        info = tarfile.TarInfo("package/data/communes.json")
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    with pytest.raises(SourceUnavailable, match="n’est pas celle"):
        unpack(buffer.getvalue(), data_dir=tmp_path)
    assert not list(tmp_path.iterdir())


def test_names_are_compared_without_accents_case_or_hyphens():
    assert normalize("Saint-Étienne") == "saint etienne"
    assert normalize("Val-d'Isère") == normalize("val d’isere") == "val d isere"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lyon", ["Métropole de Lyon", "Lyon"]),
        ("saint etienne", ["Saint-Étienne Métropole", "Saint-Étienne"]),
        ("69003", ["Lyon"]),
        ("216901231", ["Lyon"]),
        ("200000172", ["CC Faucigny - Glières"]),
        ("74", ["Haute-Savoie", "Bonneville", "Marignier"]),
        ("l", []),
    ],
)
def test_search_by_name_postcode_or_siren(query, expected):
    load_territories(data_dir=DATA)
    assert [t.name for t in search_territories(query)] == expected
