"""Reflow and titles: key pages at 1280 px, on a 375 px phone and at 200 % zoom; screenshots."""

import pytest
from playwright.sync_api import expect

from diagnostics.plan import services as plan_service
from diagnostics.results.report import build_report
from tests.e2e.helpers import (
    MOBILE,
    ZOOMED,
    assert_no_horizontal_scroll,
    check_page,
    screenshot,
)

pytestmark = pytest.mark.e2e


def take_the_proposed_actions(diagnostic, by):
    report = build_report(diagnostic, with_comparisons=False)
    items = plan_service.proposals(report, plan_service.plan_actions(diagnostic))
    plan_service.accept_proposals(diagnostic=diagnostic, items=items, by=by)


def test_pages_fit_a_phone_and_a_200_percent_zoom_without_scrolling_sideways(
    new_page, demo, referent, collectivite
):
    take_the_proposed_actions(demo, referent)
    base = f"/diagnostics/{demo.public_id}"
    key_pages = {  # screenshotted
        "accueil": "/",
        "vue-d-ensemble": f"{base}/",
        "questionnaire": f"{base}/preconisations/1/",
        "resultats": f"{base}/resultats/",
        "plan-d-action": f"{base}/plan/",
    }
    other_pages = [
        "/methode/",
        "/tableau-de-bord/",
        f"/collectivites/{collectivite.public_id}/membres/",
        f"{base}/preconisations/8/",
        f"{base}/questions/R1.Q1/historique/",
        f"{base}/resultats/1/",
    ]
    desktop = new_page(referent)
    phone = new_page(referent, viewport=MOBILE)
    zoomed = new_page(referent, viewport=ZOOMED, device_scale_factor=2)
    for path in [*key_pages.values(), *other_pages]:
        phone.goto(path)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        assert_no_horizontal_scroll(phone, "375 px")
        check_page(phone, "375 px wide")
        zoomed.goto(path)
        assert_no_horizontal_scroll(zoomed, "200 % zoom (640 px)")
    for name, path in key_pages.items():
        desktop.goto(path)
        screenshot(desktop, f"{name}-1280px")
        phone.goto(path)
        screenshot(phone, f"{name}-375px")


def test_every_page_has_a_title_of_its_own(new_page, demo, referent, collectivite):
    take_the_proposed_actions(demo, referent)
    action = plan_service.plan_actions(demo)[0]
    base = f"/diagnostics/{demo.public_id}"
    paths = [
        "/",
        "/methode/",
        "/accessibilite/",
        "/tableau-de-bord/",
        f"/collectivites/{collectivite.public_id}/membres/",
        f"{base}/",
        f"{base}/preconisations/1/",
        f"{base}/preconisations/2/",
        f"{base}/questions/R1.Q1/historique/",
        f"{base}/resultats/",
        f"{base}/resultats/1/",
        f"{base}/resultats/2/",
        f"{base}/plan/",
        f"{base}/plan/{action.public_id}/",
        f"{base}/plan/{action.public_id}/historique/",
    ]
    page = new_page(referent)
    titles = {}
    for path in paths:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        titles[path] = page.title().strip()
    assert all(titles.values()), titles
    assert all(t.endswith("— Diagnostic AEICT") for t in titles.values()), titles
    assert len(set(titles.values())) == len(titles), titles
