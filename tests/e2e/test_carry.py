"""Starting from last year in the browser: the choice on the create page, the answers to confirm
on the overview, the cards and the submit page, each checked by axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from diagnostics.models import Answer, Diagnostic
from tests.e2e.helpers import check_page, fill_answers, submit
from tests.factories import DiagnosticFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def last_year(catalogue, collectivite, referent, agent):
    previous = DiagnosticFactory(
        collectivite=collectivite,
        catalogue=catalogue,
        title="Diagnostic 2025",
        created_by=referent,
        year=2025,
    )
    fill_answers(previous, by=agent, level=0.5)
    submit(previous, by=referent)
    return previous


def test_starting_from_last_year_then_confirming_the_answers(
    new_page, last_year, collectivite, referent
):
    page = new_page(referent)
    page.goto(reverse("diagnostic_create", args=[collectivite.public_id]))
    expect(page.get_by_label("Partir du diagnostic 2025 (soumis)")).to_be_checked()
    check_page(page, "create page with last year's diagnostic")
    page.get_by_label("Année de l’exercice évalué").fill("2026")
    page.get_by_role("button", name="Créer le diagnostic").click()
    expect(page.get_by_role("status")).to_contain_text("créé à partir du diagnostic 2025")
    diagnostic = Diagnostic.objects.get(year=2026)
    to_confirm = Answer.objects.filter(diagnostic=diagnostic, needs_confirmation=True)
    total = to_confirm.count()
    assert total > 10
    expect(page.get_by_role("region", name="Réponses reprises du diagnostic 2025")).to_be_visible()
    check_page(page, "overview with answers to confirm")

    page.goto(reverse("diagnostic_recommendation", args=[diagnostic.public_id, 1]))
    cards = page.locator("[data-carried]")
    count = cards.count()
    assert count > 1
    check_page(page, "recommendation with answers to confirm")
    first = page.locator(".question-card").first
    first.get_by_role("button", name="Conserver cette réponse").click()
    expect(page.get_by_text("1 réponse reprise est confirmée")).to_be_visible()
    expect(page.locator("[data-carried]")).to_have_count(count - 1)
    page.get_by_role(
        "button", name="Confirmer les réponses reprises de cette préconisation"
    ).click()
    expect(page.locator("[data-carried]")).to_have_count(0)
    check_page(page, "recommendation confirmed")
    assert to_confirm.count() == total - count

    page.goto(reverse("diagnostic_submit", args=[diagnostic.public_id]))
    expect(page.locator("#a-confirmer")).to_contain_text("restent à confirmer")
    expect(page.get_by_role("button", name="Confirmer la soumission")).to_have_count(0)
    check_page(page, "submit page with answers to confirm")
