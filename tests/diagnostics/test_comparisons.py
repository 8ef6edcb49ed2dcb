"""Comparisons under method 2: evolution against the latest diagnostic of an earlier year, only
between scores of the same method version (or with a note), and peers of the same population
band first, then of the same kind in every band, never fewer than five."""

import pytest
from django.urls import reverse

from diagnostics.results.comparisons import (
    PeerScope,
    peer_figures,
    population_band,
    previous_submitted,
)
from diagnostics.services import reopen_diagnostic
from tests.diagnostics.helpers import small_catalogue
from tests.diagnostics.test_results import (
    HAND_ANSWERS,
    LOWEST_ANSWERS,
    count_queries,
    fill,
    submit,
)
from tests.factories import CollectiviteFactory, DiagnosticFactory, MembershipFactory


@pytest.fixture
def version(db):
    return small_catalogue()


def results_url(diagnostic):
    return reverse("diagnostic_results", args=[diagnostic.public_id])


def add_peers(version, count, *, population, kind="commune", a1=3):
    """``count`` collectivités that submitted a diagnostic with S1 = 50 (A1 at 3, the rest 0)."""
    for _ in range(count):
        peer = CollectiviteFactory(kind=kind, population=population)
        user = MembershipFactory(collectivite=peer, role="referent").user
        diagnostic = DiagnosticFactory(collectivite=peer, catalogue=version, year=2026)
        fill(diagnostic, user, {**LOWEST_ANSWERS, "A1": (a1, False)})
        submit(diagnostic, user)


@pytest.mark.parametrize(
    "population, band",
    [
        (0, (0, 20_000)),
        (19_999, (0, 20_000)),
        (20_000, (20_000, 100_000)),
        (99_999, (20_000, 100_000)),
        (100_000, (100_000, 200_000)),
        (199_999, (100_000, 200_000)),
        (200_000, (200_000, None)),
        (2_100_000, (200_000, None)),
        (None, None),
    ],
)
def test_population_bands(population, band):
    assert population_band(population) == band


# Evolution


def test_evolution_compares_with_the_latest_diagnostic_of_an_earlier_year(
    version, collectivite, referent
):
    last_year = DiagnosticFactory(collectivite=collectivite, catalogue=version, year=2025)
    fill(last_year, referent, LOWEST_ANSWERS)
    submit(last_year, referent)
    this_year = DiagnosticFactory(collectivite=collectivite, catalogue=version, year=2026)
    fill(this_year, referent, HAND_ANSWERS)
    # Last year's diagnostic is reopened and submitted again after this year's was started:
    # it is still the one this year's compares with, and this year's is not last year's previous.
    reopen_diagnostic(diagnostic=last_year, by=referent, reason="Correction")
    submit(last_year, referent)
    assert last_year.submitted_at > this_year.created_at
    assert previous_submitted(this_year).previous == last_year
    submit(this_year, referent)
    assert previous_submitted(this_year).previous == last_year
    assert previous_submitted(last_year) is None


def test_evolution_takes_the_latest_earlier_year(version, collectivite, referent):
    for year in (2024, 2023, 2025):
        diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version, year=year)
        fill(diagnostic, referent, LOWEST_ANSWERS)
        submit(diagnostic, referent)
    current = DiagnosticFactory(collectivite=collectivite, catalogue=version, year=2026)
    assert previous_submitted(current).previous.year == 2025


def test_evolution_across_method_versions_carries_a_note(client, version, collectivite, referent):
    before = DiagnosticFactory(collectivite=collectivite, catalogue=version, year=2025)
    fill(before, referent, LOWEST_ANSWERS)
    submit(before, referent)
    now = DiagnosticFactory(collectivite=collectivite, catalogue=version, year=2026)
    fill(now, referent, HAND_ANSWERS)
    client.force_login(referent)
    assert previous_submitted(now).same_method
    assert "la méthode de calcul a changé" not in client.get(results_url(now)).content.decode()
    before.method_version = "1"
    before.save(update_fields=["method_version"])
    evolution = previous_submitted(now)
    assert (evolution.previous_method, evolution.method) == ("1", "2")
    assert not evolution.same_method
    assert "la méthode de calcul a changé" in client.get(results_url(now)).content.decode()


# Peers


@pytest.fixture
def mine(version, collectivite, referent):
    collectivite.population = 50_000
    collectivite.save(update_fields=["population"])
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version, year=2026)
    fill(diagnostic, referent, HAND_ANSWERS)
    return diagnostic


def test_peers_of_the_same_band_come_first(version, mine):
    add_peers(version, 5, population=30_000, a1=3)  # S1 = 50: same band
    add_peers(version, 5, population=5_000, a1=0)  # S1 = 0: another band
    figures = peer_figures(mine)
    assert (figures.count, figures.scope, figures.band) == (5, PeerScope.BAND, (20_000, 100_000))
    assert figures.medians[1] == pytest.approx(50)
    # S = (50 + 0 + 0) ÷ 3 (S2 and S3 at 0).
    assert figures.overall_mean == pytest.approx(50 / 3)


def test_too_few_in_the_band_falls_back_to_every_band_and_says_so(client, version, mine, referent):
    add_peers(version, 4, population=30_000, a1=3)
    add_peers(version, 3, population=5_000, a1=0)
    add_peers(version, 3, population=30_000, kind="region")  # another kind: never counted
    figures = peer_figures(mine)
    assert (figures.count, figures.scope, figures.band) == (7, PeerScope.KIND, None)
    # S1: four peers at 50, three at 0.
    assert figures.medians[1] == pytest.approx(50)
    assert figures.means[1] == pytest.approx(200 / 7)
    client.force_login(referent)
    content = client.get(results_url(mine)).content.decode()
    assert "comparés aux 7 communes, toutes tailles confondues" in content


def test_the_band_is_named_when_peers_are_of_the_same_size(client, version, mine, referent):
    add_peers(version, 5, population=30_000)
    client.force_login(referent)
    content = client.get(results_url(mine)).content.decode()
    assert "comparés aux 5 communes de 20\u00a0000 à 99\u00a0999 habitants" in content


def test_fewer_than_five_of_the_kind_shows_only_the_reason(client, version, mine, referent):
    add_peers(version, 2, population=30_000)
    add_peers(version, 2, population=5_000)
    assert peer_figures(mine) is None
    client.force_login(referent)
    content = client.get(results_url(mine)).content.decode()
    assert "Pas encore assez de collectivités comparables" in content
    assert "Médiane des pairs" not in content


def test_a_collectivite_without_population_is_compared_by_kind(version, mine, collectivite):
    collectivite.population = None
    collectivite.save(update_fields=["population"])
    add_peers(version, 3, population=30_000)
    add_peers(version, 2, population=500_000)
    figures = peer_figures(mine)
    assert (figures.count, figures.scope) == (5, PeerScope.KIND)


def test_peers_scored_with_another_method_are_not_peers(version, mine):
    add_peers(version, 5, population=30_000)
    assert peer_figures(mine).count == 5
    from diagnostics.models import Diagnostic

    legacy = Diagnostic.objects.filter(is_latest_submitted=True).exclude(pk=mine.pk).first()
    legacy.method_version = "1"
    legacy.save(update_fields=["method_version"])
    assert peer_figures(mine) is None


def test_results_query_count_is_the_same_with_band_peers_or_the_fallback(
    client, version, mine, referent
):
    client.force_login(referent)
    counts = [count_queries(client, results_url(mine))]
    add_peers(version, 5, population=5_000)
    assert peer_figures(mine).scope == PeerScope.KIND
    counts.append(count_queries(client, results_url(mine)))
    add_peers(version, 5, population=30_000)
    assert peer_figures(mine).scope == PeerScope.BAND
    counts.append(count_queries(client, results_url(mine)))
    assert len(set(counts)) == 1, counts
