"""The yearly report in the browser: the élu downloads the three reports; the référent publishes
the inhabitants' page, an anonymous visitor reads it, the référent withdraws it, the visitor finds
nothing."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from diagnostics.enums import ActionStatus
from diagnostics.plan import services as plan_service
from partnerships.models import Partnership
from tests.e2e.helpers import (
    MOBILE,
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    check_page,
    fill_answers,
    submit,
)

pytestmark = pytest.mark.e2e


def download(page: Page, button: str, tmp_path) -> str:
    """Click a report button, save the PDF, return its text on one line."""
    # Tests render the PDF in the request: on a busy machine this takes longer than 15 s.
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=button).click(timeout=60_000)
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF"), f"{button}: not a PDF"
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def year(diagnostic, agent, referent):
    """This year's diagnostic, submitted, with a done action and an active partnership."""
    this_year = timezone.localdate().year
    diagnostic.year = this_year
    diagnostic.save()
    fill_answers(diagnostic, by=agent, level=0.6)
    submit(diagnostic, by=referent)
    plan_service.add_action(
        diagnostic=diagnostic,
        by=agent,
        values={
            "title": "Accueillir une délégation de Kénitra",
            "recommendation": diagnostic.catalogue.recommendations.get(number=10),
            "status": ActionStatus.DONE,
            "completed_on": datetime.date(this_year, 1, 1),
            "owner": "Mme Agente Interne",
            "budget_amount": Decimal("10000"),
            "amount_spent": Decimal("8500"),
        },
    )
    Partnership.objects.create(
        collectivite=diagnostic.collectivite,
        partner_name="Kénitra",
        country="MA",
        kind="jumelage",
        contact="Contact Privé",
    )
    return diagnostic


def test_the_yearly_report_and_its_page_for_inhabitants(new_page, year, elu, referent, tmp_path):
    results = f"/diagnostics/{year.public_id}/resultats/"

    # The élu downloads the three reports from the results page.
    page = new_page(elu)
    page.goto(results)
    expect(page.get_by_role("region", name="Rapports PDF")).to_be_visible()
    expect(page.get_by_role("link", name="Publier le bilan pour les habitants")).to_have_count(0)
    full = download(page, "Télécharger le rapport complet (PDF)", tmp_path)
    assert year.collectivite.name in full
    summary = download(page, "Télécharger la synthèse pour les élus (PDF)", tmp_path)
    assert "Synthèse pour les élus" in summary
    bilan = download(page, "Télécharger le bilan annuel (PDF)", tmp_path)
    assert "Bilan annuel de l’action européenne et internationale" in bilan
    assert "Accueillir une délégation de Kénitra" in bilan
    assert "8 500 €" in bilan

    # The référent chooses what the page shows and publishes it.
    page = new_page(referent)
    page.goto(results)
    page.get_by_role("link", name="Publier le bilan pour les habitants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Page du bilan pour les habitants")
    expect(page.locator("[data-page-state]")).to_contain_text("Non publiée")
    check_page(page, "yearly page settings, unpublished")
    expect(page.get_by_label("Les actions réalisées")).to_be_checked()
    expect(page.get_by_label("Les partenariats de l’année")).to_be_checked()
    expect(page.get_by_label(re.compile("Le détail des coûts"))).not_to_be_checked()
    page.get_by_role("button", name="Publier la page").click()
    expect(page.get_by_role("status")).to_contain_text("La page du bilan est publiée.")
    expect(page.locator("[data-page-state]")).to_contain_text("Publiée")
    public_url = page.locator("[data-page-state] a").get_attribute("href")
    assert public_url == f"/bilan/{year.collectivite.public_id}/{year.year}/"

    # An anonymous visitor reads it: no login, nothing internal, accessible, indexable.
    visitor = new_page()
    response = visitor.goto(public_url)
    assert response.status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        f"Notre action européenne et internationale en {year.year}"
    )
    main = visitor.get_by_role("main")
    expect(main).to_contain_text("Accueillir une délégation de Kénitra")
    expect(main).to_contain_text("Kénitra (Maroc)")
    expect(main).not_to_contain_text("Mme Agente Interne")
    expect(main).not_to_contain_text("Contact Privé")
    expect(visitor.locator('meta[name="robots"]')).to_have_count(0)
    assert_no_axe_violations(visitor, "public yearly page")
    visitor.set_viewport_size(MOBILE)
    assert_no_horizontal_scroll(visitor, "375 px")

    # The référent withdraws it; the visitor finds nothing any more.
    page.get_by_role("button", name="Retirer la page").click()
    expect(page.locator("[data-page-state]")).to_contain_text("Non publiée")
    response = visitor.goto(public_url)
    assert response.status == 404
    expect(visitor.locator('meta[name="robots"]')).to_have_attribute("content", "noindex")
