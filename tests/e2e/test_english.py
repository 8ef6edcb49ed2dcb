"""The interface in English (issue 18): an agent switches to English, completes a recommendation
and downloads the summary for partners; the language is remembered on the account; axe finds no
violation in either language."""

import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from diagnostics.models import Answer
from recommendations.models import Recommendation
from tests.e2e.helpers import (
    MOBILE,
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    fill_answers,
    log_in,
    status_of,
)

pytestmark = pytest.mark.e2e


def pdf_text(page: Page, button: str, tmp_path) -> tuple[str, str]:
    """Click a report button, save the PDF; its file name and its text on one line."""
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=button).click(timeout=60_000)
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    return path.name, " ".join(text.replace("\u00a0", " ").split())


def test_an_agent_works_in_english_and_downloads_the_summary_for_partners(
    new_page, diagnostic, agent, tmp_path
):
    # Everything answered but recommendation 2, which the agent completes in the browser.
    fill_answers(diagnostic, by=agent, level=0.5, skip=(2,))
    r2 = Recommendation.objects.get(catalogue=diagnostic.catalogue_id, number=2)
    assert r2.short_title_en, "the catalogue file gives recommendation 2 an English title"

    page = new_page(agent)
    page.goto(f"/diagnostics/{diagnostic.public_id}/preconisations/2/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_no_axe_violations(page, "recommendation 2, French")
    switch = page.get_by_role("link", name="English")
    expect(switch).to_have_attribute("hreflang", "en")
    switch.click()

    # Same page, in English; the choice is kept on the account.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text(r2.short_title_en)
    expect(page.get_by_role("list", name="Language")).to_be_visible()
    agent.refresh_from_db()
    assert agent.language == "en"
    assert_no_axe_violations(page, "recommendation 2, English")

    for number in range(1, 5):
        page.locator(f"[name='R2.Q{number}-value'][value='2']").check()
    page.locator("[name='R2.Q5-value'][value='oui']").check()
    for number in range(1, 6):
        expect(status_of(page, f"R2.Q{number}")).to_contain_text(re.compile(r"Saved at \d"))
    page.get_by_role("button", name=re.compile("^Save and go to the next")).click()
    expect(page.get_by_role("status").first).to_contain_text("Your answers have been saved.")
    assert Answer.objects.filter(diagnostic=diagnostic, question__recommendation=r2).count() == 5

    # Results in English, then the summary for partners.
    page.goto(f"/diagnostics/{diagnostic.public_id}/resultats/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_no_axe_violations(page, "results, English")
    page.set_viewport_size(MOBILE)
    assert_no_horizontal_scroll(page, "results, English, 375 px")
    page.set_viewport_size({"width": 1280, "height": 900})
    name, text = pdf_text(page, re.compile("summary for partners", re.I), tmp_path)
    assert name.startswith("summary-for-partners-")
    assert "Summary for partners" in text
    assert r2.short_title_en in text
    assert "Synthèse pour les élus" not in text

    # Back to French, from the header; axe on the French results page too.
    page.get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_no_axe_violations(page, "results, French")
    agent.refresh_from_db()
    assert agent.language == "fr"


def test_the_account_s_language_follows_the_person_to_another_browser(new_page, diagnostic, agent):
    agent.language = "en"
    agent.save(update_fields=["language"])
    # A browser that never chose, in French: the sign-in applies the account's language.
    page = new_page(agent)
    page.goto(f"/diagnostics/{diagnostic.public_id}/preconisations/1/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_no_axe_violations(page, "recommendation 1, English after sign-in")


def test_a_first_visit_follows_the_browser_s_language(new_page):
    page = new_page(locale="en-GB")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Français")).to_have_attribute("hreflang", "fr")
    assert_no_axe_violations(page, "home, English")
    page.goto("/connexion/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_no_axe_violations(page, "login, English")


def test_signing_in_from_an_english_page(new_page, agent):
    page = new_page(locale="en-GB")
    log_in(page, agent.email)
    expect(page.locator("html")).to_have_attribute("lang", "en")
