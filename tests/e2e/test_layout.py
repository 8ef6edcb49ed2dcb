"""Reflow and titles: key pages at 1280 px, on a 375 px phone and at 200 % zoom; screenshots."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from diagnostics.enums import ReportStatus, ReportVariant
from diagnostics.models import ReportFile
from diagnostics.plan import services as plan_service
from diagnostics.results.report import build_report
from observatory.models import GROUP_NAME as OBSERVATORY_GROUP
from partnerships.models import Partnership
from tests.e2e.helpers import (
    DESKTOP,
    MOBILE,
    SCREENSHOTS,
    ZOOMED,
    assert_no_horizontal_scroll,
    check_page,
    screenshot,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

NARROWEST = {"width": 320, "height": 720}


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


def test_screenshots_of_every_main_page_at_both_widths_and_no_sideways_scroll_at_320(
    new_page, demo, referent, collectivite
):
    """test-artifacts/screenshots/ gets each main page at 1 280 and 375 px (the pages screenshotted
    above and in test_responsive.py are not taken again); each fits 320 CSS px too."""
    take_the_proposed_actions(demo, referent)
    action = plan_service.plan_actions(demo)[0]
    Partnership.objects.create(
        collectivite=collectivite,
        partner_name="Commune de Podor",
        country="SN",
        kind="cooperation",
        themes=["eau"],
    )
    report = ReportFile.objects.create(
        diagnostic=demo,
        variant=ReportVariant.SUMMARY,
        content_hash="0" * 64,
        status=ReportStatus.READY,
        file="rapports/synthese.pdf",
    )
    # The platform's people: the access requests' reviewer, the observatory's reader (the group
    # comes from a data migration; the database is emptied between browser tests).
    platform = UserFactory(is_staff=True)
    group, _created = Group.objects.get_or_create(name=OBSERVATORY_GROUP)
    group.permissions.set(Permission.objects.filter(codename="view_observatory"))
    platform.groups.add(group)
    base = f"/diagnostics/{demo.public_id}"
    place = f"/collectivites/{collectivite.public_id}"
    signed_in = {
        "tableau-de-bord": "/tableau-de-bord/",
        "mes-questions": "/mes-questions/",
        "preconisation-8": f"{base}/preconisations/8/",
        "plan-modifier": f"{base}/plan/{action.public_id}/",
        "soumettre": f"{base}/soumettre/",
        "rapport-statut": f"{base}/rapports/fichiers/{report.public_id}/",
        "membres": f"{place}/membres/",
        "budget": f"{place}/budget/",
        "budget-competences": f"{place}/budget/competences/",
        "budget-annee": f"{place}/budget/{timezone.localdate().year}/",
        "partenariats": f"{place}/partenariats/",
        "partenariats-nouveau": f"{place}/partenariats/nouveau/",
        "partenariats-recherche": f"{place}/partenariats/recherche/",
    }
    public = {
        "connexion": "/connexion/",
        "demander-un-acces": "/demander-un-acces/",
        "methode": "/methode/",
        "accessibilite": "/accessibilite/",
        "mentions-legales": "/mentions-legales/",
        "donnees-personnelles": "/donnees-personnelles/",
        "contact": "/contact/",
        "aide": "/aide/",
        "dispositifs-1-pour-cent": "/dispositifs-1-pour-cent/",
    }
    for_the_platform = {
        "demandes-d-acces": "/plateforme/demandes-d-acces/",
        "observatoire-national": "/plateforme/observatoire/",
    }
    for user, pages in ((referent, signed_in), (None, public), (platform, for_the_platform)):
        page = new_page(user)
        for name, path in pages.items():
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_have_count(1)
            for viewport, width in ((DESKTOP, "1280px"), (MOBILE, "375px")):
                page.set_viewport_size(viewport)
                assert_no_horizontal_scroll(page, width)
                screenshot(page, f"{name}-{width}")
            page.set_viewport_size(NARROWEST)
            assert_no_horizontal_scroll(page, "320 CSS px")
            check_page(page, f"{name} at 320 px")
    shots = {shot.name for shot in SCREENSHOTS.glob("*.png")}
    for name in [*signed_in, *public, *for_the_platform]:
        assert {f"{name}-1280px.png", f"{name}-375px.png"} <= shots, name
