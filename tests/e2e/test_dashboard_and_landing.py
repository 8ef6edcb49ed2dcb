"""The dashboard's state (progress per recommendation, timeline of scores) and where each role
lands on opening a diagnostic, each page checked by axe."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    MOBILE,
    assert_no_horizontal_scroll,
    check_page,
    fill_answers,
    submit,
)
from tests.factories import DiagnosticFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def years(catalogue, collectivite, referent, agent):
    """Two submitted years and the current one, answered but for recommendations 4 to 10."""
    for year, level in ((2024, 0.3), (2025, 0.6)):
        past = DiagnosticFactory(
            collectivite=collectivite,
            catalogue=catalogue,
            title=f"Diagnostic {year}",
            year=year,
            created_by=referent,
        )
        fill_answers(past, by=agent, level=level)
        submit(past, by=referent)
    current = DiagnosticFactory(
        collectivite=collectivite,
        catalogue=catalogue,
        title="Diagnostic 2026",
        year=2026,
        created_by=referent,
    )
    fill_answers(current, by=agent, skip=tuple(range(4, 11)))
    return current


def test_the_dashboard_shows_where_each_diagnostic_stands(new_page, years, referent):
    page = new_page(referent)
    page.goto("/tableau-de-bord/")
    progress = page.get_by_role("table", name=re.compile("Avancement de « Diagnostic 2026 »"))
    expect(progress.get_by_role("row")).to_have_count(11)
    timeline = page.get_by_role("table", name="Évolution du score global d’une année à l’autre")
    expect(timeline.get_by_role("row")).to_have_count(3)
    check_page(page, "dashboard with progress and timeline")
    page.set_viewport_size(MOBILE)
    check_page(page, "dashboard on a phone")
    page.set_viewport_size({"width": 320, "height": 640})
    assert_no_horizontal_scroll(page, "320 px")

    # The site map, from the footer, lists the referent's collectivité and its diagnostics.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("contentinfo").get_by_role("link", name="Plan du site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan du site")
    expect(page.get_by_role("heading", name="Vos collectivités")).to_be_visible()
    expect(page.get_by_role("link", name="Diagnostic 2026", exact=True)).to_be_visible()
    check_page(page, "site map for a referent")


def test_the_elu_waits_for_the_results_of_the_current_year(new_page, years, elu):
    page = new_page(elu)
    page.goto("/tableau-de-bord/")
    page.get_by_role("link", name="Diagnostic 2026").click()
    expect(page.get_by_role("main")).to_contain_text("Les résultats seront disponibles après")
    check_page(page, "overview for an élu, in progress")
    page.get_by_role("link", name="Mes diagnostics").first.click()
    page.get_by_role("link", name="Diagnostic 2025").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Résultats")


def test_the_agent_resumes_at_recommendation_4(new_page, years, agent):
    page = new_page(agent)
    page.goto("/tableau-de-bord/")
    page.get_by_role("link", name="Diagnostic 2026").click()
    expect(page).to_have_url(re.compile(r"/preconisations/4/#q-R4\.Q\d+$"))
    page.get_by_role("link", name="Vue d’ensemble").click()
    resume = page.get_by_role("link", name=re.compile(r"Reprendre\s: préconisation 4, question"))
    expect(resume).to_be_visible()
    check_page(page, "overview with a resume button")
