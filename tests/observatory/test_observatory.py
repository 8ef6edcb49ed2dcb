"""The national observatory: who sees it, what it shows, and that no figure about fewer than
five collectivités can be read, directly or by difference."""

import csv
import io
import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import RecommendationScore
from observatory.figures import build_observatory
from observatory.models import GROUP_NAME
from observatory.suppression import Additive, Cell, Hidden, derivable, suppress
from partnerships.models import Partnership
from tests.factories import (
    CollectiviteFactory,
    DiagnosticFactory,
    MembershipFactory,
    UserFactory,
)

URL = "/plateforme/observatoire/"


def submitted(catalogue, *, kind="commune", population=10_000, score=50.0, year=2026, **extra):
    """A collectivité with a diagnostic submitted that year, its stored scores as given."""
    collectivite = extra.pop("collectivite", None) or CollectiviteFactory(
        kind=kind, population=population
    )
    diagnostic = DiagnosticFactory(
        collectivite=collectivite,
        catalogue=catalogue,
        year=year,
        status="soumis",
        submitted_at=timezone.now() + timedelta(days=year - 2026),
        overall_score=score,
        is_latest_submitted=extra.pop("latest", True),
        method_version="1",
    )
    for number, value in extra.pop("recommendations", {}).items():
        RecommendationScore.objects.create(diagnostic=diagnostic, number=number, score=value)
    return diagnostic


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def table_rows(observatory, slug):
    table = observatory.table(slug)
    return {row.label: row.cells for row in table.rows}


def assert_nothing_derivable(relations):
    """No relation of the page has a lone hidden member, and no combination of them gives a
    hidden figure away (linear algebra over the published sums)."""
    for relation in relations:
        hidden = [cell for cell in relation.members() if not cell.shown]
        assert len(hidden) != 1, relation
    assert derivable(relations) == []


def grid_relations(values, contributors=None):
    """A table of counts with its row totals, column totals and grand total."""
    contributors = contributors or values
    grid = [
        [Cell(v, c) for v, c in zip(row, crow, strict=True)]
        for row, crow in zip(values, contributors, strict=True)
    ]
    rows = [Cell(sum(r), sum(r)) for r in values]
    columns = [Cell(sum(col), sum(col)) for col in zip(*values, strict=True)]
    grand = Cell(sum(map(sum, values)), sum(map(sum, values)))
    relations = [Additive(total, line) for total, line in zip(rows, grid, strict=True)]
    relations += [
        Additive(total, list(line))
        for total, line in zip(columns, zip(*grid, strict=True), strict=True)
    ]
    relations += [Additive(grand, rows), Additive(grand, columns)]
    cells = [cell for line in grid for cell in line] + rows + columns + [grand]
    return grid, cells, relations


def test_hidden_cells_that_only_combined_sums_reveal_are_blurred_too():
    # Two blocks of four small cells, joined by one small cell: every row and column hides at
    # least two cells, yet rows 0-1 minus columns 0-1 give the joining cell (1, 2) away.
    values = [
        [1, 2, 10, 10],
        [3, 4, 2, 10],
        [10, 10, 1, 3],
        [10, 10, 2, 4],
    ]
    grid, cells, relations = grid_relations(values)
    primary = {(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)}
    for i, j in primary:
        grid[i][j].hidden = Hidden.PRIMARY  # what the primary rule hides, before suppress()
    assert all(sum(not c.shown for c in r.members()) != 1 for r in relations), (
        "the example must pass the lone-cell rule"
    )
    assert derivable(relations) == [grid[1][2]]
    suppress(cells, relations)
    assert grid[1][2].hidden == Hidden.PRIMARY
    assert any(cell.hidden == Hidden.COMPLEMENTARY for cell in cells)
    assert_nothing_derivable(relations)


# --- Who sees it -------------------------------------------------------------------------------


def test_only_the_permission_opens_the_observatory(client, referent, catalogue):
    client.force_login(referent)
    assert client.get(URL).status_code == 404
    assert client.get(reverse("observatory_csv", args=["pays"])).status_code == 404
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 404
    network = UserFactory(email="observatoire@franceurbaine.localhost")
    network.groups.add(Group.objects.get(name=GROUP_NAME))
    client.force_login(network)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert f'href="{URL}"' in dashboard and "Consulter l’observatoire national" in dashboard
    response = client.get(URL)
    assert response.status_code == 200
    assert "Observatoire national" in response.content.decode()
    client.logout()
    assert client.get(URL).status_code == 302


def main_navigation(response) -> str:
    page = response.content.decode()
    start = page.index('aria-label="Navigation principale"')
    return page[start : page.index("</nav>", start)]


def test_an_observatoire_account_of_a_collectivite_has_the_menu_link(client, collectivite):
    """A network's account that also belongs to a collectivité, not staff, finds the observatory
    in the header menu beside its own pages; its colleagues without the role do not."""
    network = MembershipFactory(collectivite=collectivite, role="referent").user
    network.groups.add(Group.objects.get(name=GROUP_NAME))
    colleague = MembershipFactory(collectivite=collectivite, role="agent").user
    link = f'<a class="nav-link" href="{URL}">Observatoire</a>'

    client.force_login(network)
    menu = main_navigation(client.get(reverse("dashboard")))
    assert link in menu and "Mes diagnostics" in menu
    assert "Administration" not in menu
    current = main_navigation(client.get(URL))
    assert f'href="{URL}" aria-current="page">Observatoire</a>' in current

    client.force_login(colleague)
    assert URL not in main_navigation(client.get(reverse("dashboard")))
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert link in main_navigation(client.get(reverse("dashboard")))


def test_the_group_holds_the_observatory_permission_only(db):
    group = Group.objects.get(name=GROUP_NAME)
    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("observatory", "view_observatory")
    ]


# --- Secrecy -----------------------------------------------------------------------------------


def test_a_lone_small_cell_is_blurred_in_its_row_and_its_column():
    # Two kinds × two bands, with totals: 3 is below 5, every other cell is not.
    a, b, c, d = Cell(3, 3), Cell(12, 12), Cell(9, 9), Cell(20, 20)
    rows = [Cell(15, 15), Cell(29, 29)]
    columns = [Cell(12, 12), Cell(32, 32)]
    grand = Cell(44, 44)
    relations = [
        Additive(rows[0], [a, b]),
        Additive(rows[1], [c, d]),
        Additive(columns[0], [a, c]),
        Additive(columns[1], [b, d]),
        Additive(grand, rows),
        Additive(grand, columns),
    ]
    suppress([a, b, c, d, *rows, *columns, grand], relations)
    assert a.hidden == Hidden.PRIMARY
    # Row 1 and column 1 would give 3 away: a second cell hides in each, then the fourth cell
    # to keep row 2 and column 2 safe.
    assert not b.shown and not c.shown and not d.shown
    assert all(cell.shown for cell in [*rows, *columns, grand])
    assert_nothing_derivable(relations)


def test_a_total_hides_when_no_other_part_can():
    part, small = Cell(8, 8), Cell(2, 2)
    total = Cell(10, 10)
    suppress([part, small, total], [Additive(total, [part, small])])
    assert small.hidden == Hidden.PRIMARY
    assert part.hidden == Hidden.COMPLEMENTARY
    assert total.shown
    only = Cell(2, 2)
    total = Cell(2, 2)
    suppress([only, total], [Additive(total, [only])])
    assert not only.shown and not total.shown


def suppression_cases():
    # Every 2 × 3 table of counts from a few values: wherever the small cells fall, nothing is
    # left alone in a relation.
    values = [0, 2, 4, 5, 9]
    for cells in itertools.product(values, repeat=6):
        if sum(cells) % 7 == 0:  # a spread sample, fast
            yield cells


@pytest.mark.parametrize("values", list(suppression_cases())[:200])
def test_no_hidden_count_follows_from_the_totals(values):
    _grid, cells, relations = grid_relations([list(values[:3]), list(values[3:])])
    suppress(cells, relations)
    assert all(not cell.shown for cell in cells if 0 < cell.contributors < 5)
    assert_nothing_derivable(relations)


def test_a_kind_and_band_with_fewer_than_five_collectivites_reads_moins_de_5(
    admin_client, catalogue
):
    for score in [10, 20, 30, 40, 50, 60]:
        submitted(catalogue, kind="commune", population=5_000, score=score)
    for score in [30, 40, 50, 60, 70]:
        submitted(catalogue, kind="commune", population=50_000, score=score)
    for score in [55, 65, 80]:
        submitted(catalogue, kind="region", population=3_000_000, score=score)
    observatory = build_observatory()
    rows = table_rows(observatory, "collectivites")
    commune, region, total = rows["Commune"], rows["Région"], rows["Toutes collectivités"]
    # Columns: the two communes' bands, the régions' band, then « Ensemble ».
    assert [c.value for c in commune] == [6, 5, 0, 11]
    assert [c.value for c in region] == [0, 0, 3, 3]
    assert region[2].hidden == Hidden.PRIMARY and region[3].hidden == Hidden.PRIMARY
    assert total[2].hidden == Hidden.PRIMARY  # the régions' band: three in all
    # The grand total minus the communes would give the régions away, the communes' total
    # minus its other bands would give that away, and so on: complementary cells are hidden.
    assert not commune[3].shown
    assert any(cell.hidden == Hidden.COMPLEMENTARY for cell in commune)
    assert_nothing_derivable(observatory.relations)
    page = admin_client.get(URL).content.decode()
    assert "moins de 5" in page
    assert "masqué" in page
    csv_text = admin_client.get(reverse("observatory_csv", args=["collectivites"])).content
    lines = list(csv.reader(io.StringIO(csv_text.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][0] == "Type de collectivité"
    assert next(line for line in lines if line[0] == "Région") == [
        "Région",
        "0",
        "0",
        "moins de 5",
        "moins de 5",
    ]
    commune_line = next(line for line in lines if line[0] == "Commune")
    assert commune_line[-1] == "masqué" and "11" not in commune_line


def test_levels_add_up_to_the_group_and_stay_secret(catalogue):
    # Seven communes of the same band: five structurées, two émergentes.
    for score in [55, 60, 62, 70, 74, 10, 12]:
        submitted(catalogue, score=score)
    observatory = build_observatory()
    (levels,) = table_rows(observatory, "niveaux").values()
    emerging, developing, structured, _integrated, _unscored, group = levels
    assert structured.value == 5
    assert emerging.hidden == Hidden.PRIMARY
    assert developing.value == 0 and developing.shown  # nobody: nothing to protect
    assert group.value == 7
    # 7 − 5 − 0 − 0 − 0 would give the two émergentes away: the 5 or the 7 is hidden too.
    assert not (structured.shown and group.shown)
    assert_nothing_derivable(observatory.relations)


def test_quartiles_of_stored_scores_by_kind_and_band(admin_client, catalogue):
    for score in [10, 20, 30, 40, 50]:
        submitted(catalogue, score=score, recommendations={1: score, 2: None})
    observatory = build_observatory()
    scores = table_rows(observatory, "scores")
    q1, median, q3 = scores["Commune, toutes tailles"]
    assert (q1.value, median.value, q3.value) == (20, 30, 40)
    recommendations = table_rows(observatory, "preconisations")["Commune, toutes tailles"]
    assert recommendations[0].value == 30 and recommendations[0].shown
    assert recommendations[1].value is None  # non évaluée everywhere: « — »
    page = admin_client.get(URL).content.decode()
    assert "30,0" in page


def test_only_the_latest_submitted_diagnostic_of_each_collectivite_counts(catalogue):
    for score in [10, 20, 30, 40, 50]:
        old = submitted(catalogue, score=score, year=2025, latest=False)
        submitted(catalogue, score=score + 40, year=2026, collectivite=old.collectivite)
    observatory = build_observatory()
    assert table_rows(observatory, "collectivites")["Commune"][-1].value == 5
    evolution = table_rows(observatory, "evolution")
    assert [c.value for c in evolution["2025"]] == [5, 20, 30, 40]
    assert [c.value for c in evolution["2026"]] == [5, 60, 70, 80]
    median_2026 = table_rows(observatory, "scores")["Commune, toutes tailles"][1]
    assert median_2026.value == 70


def partnership(collectivite, country="SN", kind="cooperation", themes=("eau",), **extra):
    return Partnership.objects.create(
        collectivite=collectivite,
        partner_name=extra.pop("partner_name", f"Partenaire {country}"),
        country=country,
        kind=kind,
        themes=list(themes),
        **extra,
    )


def test_partnerships_by_country_kind_and_theme_keep_the_secret(admin_client, db):
    for _index in range(6):
        partnership(CollectiviteFactory(), "SN", "cooperation", ["eau"])
    for _index in range(5):
        partnership(CollectiviteFactory(), "DE", "jumelage", ["culture"])
    partnership(CollectiviteFactory(), "JP", "jumelage", ["culture"])
    partnership(CollectiviteFactory(), "SN", "cooperation", ["eau"], state="termine")
    observatory = build_observatory()
    countries = table_rows(observatory, "pays")
    assert [c.value for c in countries["Sénégal"]] == [6, 6]
    assert countries["Japon"][1].hidden == Hidden.PRIMARY
    # Total 12 − Sénégal 6 − Allemagne 5 would give the Japanese 1: one more cell is hidden.
    assert not countries["Allemagne"][1].shown or not countries["Tous pays"][1].shown
    assert_nothing_derivable(observatory.relations)
    kinds = table_rows(observatory, "types")
    jumelages = kinds["Jumelage"]
    assert [c.value for c in jumelages[:2]] == [6, 6]
    assert jumelages[2].value == pytest.approx(0.5) and jumelages[2].shown
    themes = table_rows(observatory, "thematiques")
    assert [c.value for c in themes["Eau et assainissement"]] == [6, 6]
    page = admin_client.get(URL).content.decode()
    assert "50\u202f%" in page
    assert "10\u00a0440" in page and "France urbaine et INET" in page


def test_a_share_is_hidden_with_its_count(db):
    for _index in range(6):
        partnership(CollectiviteFactory(), "SN", "cooperation")
    partnership(CollectiviteFactory(), "DE", "jumelage")
    kinds = table_rows(build_observatory(), "types")
    assert not kinds["Jumelage"][1].shown and not kinds["Jumelage"][2].shown


def test_every_table_downloads_as_csv_with_formulas_neutralised(admin_client, catalogue):
    for _index in range(5):
        partnership(CollectiviteFactory(), "SN", partner_name="=HYPERLINK(1)")
        submitted(catalogue)
    observatory = build_observatory()
    for table in observatory.tables:
        response = admin_client.get(reverse("observatory_csv", args=[table.slug]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert len(lines) == len(table.rows) + 1
        assert all(not cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)
    assert admin_client.get(reverse("observatory_csv", args=["inconnu"])).status_code == 404


def test_the_page_has_charts_with_their_figures_in_tables(admin_client, catalogue):
    for score in [10, 20, 30, 40, 50]:
        submitted(catalogue, score=score)
    page = admin_client.get(URL).content.decode()
    assert page.count("<svg") >= 2
    assert 'role="img"' in page and "<caption>" in page
    assert "Télécharger le tableau en CSV" in page


def test_the_number_of_queries_does_not_grow_with_the_collectivites(admin_client, catalogue):
    def populate(count):
        for index in range(count):
            diagnostic = submitted(
                catalogue,
                kind=["commune", "epci", "region"][index % 3],
                population=[5_000, 50_000, 150_000, 500_000, None][index % 5],
                score=index * 7 % 100,
                recommendations={n: (index * n) % 100 for n in range(1, 11)},
            )
            partnership(diagnostic.collectivite, ["SN", "DE", "MA"][index % 3])

    populate(6)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(URL).status_code == 200
    populate(30)
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(URL).status_code == 200
    assert len(many) == len(few)


def test_the_menu_link_follows_the_permission_as_django_checks_it(db):
    """``can_observe`` answers as ``user.has_perm`` does: by a group, by a permission given to
    the person, for superusers, and never for an inactive account."""
    from django.contrib.auth.models import Permission

    from observatory.templatetags.observatory import can_observe

    permission = Permission.objects.get(
        codename="view_observatory", content_type__app_label="observatory"
    )
    by_group, direct, nobody = UserFactory(), UserFactory(), UserFactory()
    by_group.groups.add(Group.objects.get(name=GROUP_NAME))
    direct.user_permissions.add(permission)
    inactive = UserFactory(is_active=False)
    inactive.user_permissions.add(permission)
    superuser = UserFactory(is_superuser=True)
    for user in (by_group, direct, nobody, inactive, superuser):
        fresh = type(user).objects.get(pk=user.pk)
        assert can_observe(fresh) is fresh.has_perm("observatory.view_observatory"), user
    assert [can_observe(u) for u in (by_group, direct, nobody, inactive, superuser)] == [
        True,
        True,
        False,
        False,
        True,
    ]
