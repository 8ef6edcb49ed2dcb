"""Accessibility in every state of the questionnaire and the plan: axe-core (WCAG 2.1 A and AA),
named and visible fields, and no sideways scroll at 320 and 640 CSS px (1 280 px at 400 % and
200 % zoom), in each state a person can meet, not only on the page as it loads."""

import re

import pytest
from playwright.sync_api import Page, Route, expect

from diagnostics.models import Answer
from diagnostics.plan import services as plan_service
from tests.e2e.helpers import check_state, status_of
from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

SAVED = re.compile(r"Enregistré à \d")


def page_url(diagnostic, number=1):
    return f"/diagnostics/{diagnostic.public_id}/preconisations/{number}/"


def save_url(diagnostic, code):
    return f"**/diagnostics/{diagnostic.public_id}/questions/{code}/reponse/"


def described_by(page: Page, selector: str) -> str:
    """The text of the elements that ``aria-describedby`` of the field names."""
    return page.evaluate(
        """(s) => {
          const field = document.querySelector(s);
          return (field.getAttribute("aria-describedby") || "").split(/\\s+/)
            .map((id) => document.getElementById(id)).filter(Boolean)
            .map((el) => el.textContent.trim()).join(" ");
        }""",
        selector,
    )


def test_every_autosave_state_is_accessible(new_page, diagnostic, agent):
    page = new_page(agent)
    page.goto(page_url(diagnostic))
    check_state(page, "questionnaire as it loads")

    # Saving: the answer's request is held until the page has been checked.
    held: list[Route] = []
    page.route(save_url(diagnostic, "R1.Q1"), lambda route: held.append(route))
    page.locator("[name='R1.Q1-value'][value='2']").check()
    expect(status_of(page, "R1.Q1")).to_have_text("Enregistrement…")
    check_state(page, "autosave: saving")
    held[0].continue_()
    page.unroute(save_url(diagnostic, "R1.Q1"))
    expect(status_of(page, "R1.Q1")).to_contain_text(SAVED)
    check_state(page, "autosave: saved")

    # Connection lost.
    page.route(save_url(diagnostic, "R1.Q2"), lambda route: route.abort("internetdisconnected"))
    page.locator("[name='R1.Q2-comment']").fill("Vu avec la direction générale.")
    page.locator("[name='R1.Q2-comment']").press("Tab")
    expect(status_of(page, "R1.Q2")).to_contain_text("connexion perdue")
    check_state(page, "autosave: connection lost")
    page.unroute(save_url(diagnostic, "R1.Q2"))

    # Server error.
    page.route(
        save_url(diagnostic, "R1.Q4"),
        lambda route: route.fulfill(status=500, content_type="text/html", body="<p>Erreur</p>"),
    )
    page.locator("[name='R1.Q4-comment']").fill("Un premier essai.")
    page.locator("[name='R1.Q4-comment']").press("Tab")
    expect(status_of(page, "R1.Q4")).to_contain_text("momentanément indisponible")
    check_state(page, "autosave: server error")
    page.unroute(save_url(diagnostic, "R1.Q4"))

    # Invalid answer: the field is marked and described by the message that says why.
    number = page.locator("[name='R1.Q6-value']")
    number.fill("douze")
    number.press("Tab")
    expect(status_of(page, "R1.Q6")).to_contain_text("Saisissez un nombre")
    expect(number).to_have_attribute("aria-invalid", "true")
    assert "Saisissez un nombre" in described_by(page, "[name='R1.Q6-value']")
    check_state(page, "autosave: invalid answer")
    number.fill("12")
    number.press("Tab")
    expect(status_of(page, "R1.Q6")).to_contain_text(SAVED)
    expect(number).not_to_have_attribute("aria-invalid", "true")
    assert "Saisissez un nombre" not in described_by(page, "[name='R1.Q6-value']")

    # Session expired: the session cookie goes, as when the person logs out in another tab.
    page.context.clear_cookies(name="sessionid")
    page.locator("[name='R1.Q7-value']").fill("3")
    page.locator("[name='R1.Q7-value']").press("Tab")
    expect(status_of(page, "R1.Q7")).to_contain_text("votre session a expiré")
    check_state(page, "autosave: session expired")
    assert Answer.objects.get(diagnostic=diagnostic, question__code="R1.Q6").value == "12"


def test_non_concerne_ticked_is_accessible(new_page, diagnostic, agent):
    page = new_page(agent)
    for number in range(1, 11):
        page.goto(page_url(diagnostic, number))
        boxes = page.get_by_label("Non concerné")
        if boxes.count():
            break
    box = boxes.first
    box.check()
    card = page.locator(".question-card").filter(has=box)
    expect(card.locator("[data-status]")).to_contain_text(SAVED)
    check_state(page, "« Non concerné » ticked")


def test_a_full_page_save_in_conflict_links_to_each_question(new_page, diagnostic, collectivite):
    lea = new_page(MembershipFactory(collectivite=collectivite, user__full_name="Léa").user)
    hugo = new_page(MembershipFactory(collectivite=collectivite, user__full_name="Hugo").user)
    for page in (lea, hugo):
        page.goto(page_url(diagnostic, 2))
    # Hugo's autosave cannot get through: his answer goes with the page's « Enregistrer »,
    # after Léa's, from the revision his page was served with.
    hugo.route(save_url(diagnostic, "R2.Q1"), lambda route: route.abort("internetdisconnected"))
    hugo.locator("[name='R2.Q1-value'][value='3']").check()
    expect(status_of(hugo, "R2.Q1")).to_contain_text("connexion perdue")
    lea.locator("[name='R2.Q1-value'][value='1']").check()
    expect(status_of(lea, "R2.Q1")).to_contain_text(SAVED)
    hugo.get_by_role("button", name="Enregistrer", exact=True).click()
    summary = hugo.locator("[data-error-summary]")
    expect(summary).to_contain_text("Quelqu’un a modifié certaines réponses")
    link = summary.get_by_role("link", name=re.compile("R2.Q1"))
    expect(link).to_have_attribute("href", "#conflict-R2.Q1")
    box = hugo.locator("#conflict-R2\\.Q1")
    expect(box).to_contain_text("Léa a modifié cette réponse")
    expect(box).to_have_attribute("role", "group")
    check_state(hugo, "409 page of a full-page save")
    link.click()
    expect(box).to_be_focused()


def test_keeping_my_answer_in_a_conflict_puts_the_focus_on_the_answer(
    new_page, diagnostic, collectivite
):
    lea, hugo = (
        new_page(MembershipFactory(collectivite=collectivite, role="agent").user) for _ in "ab"
    )
    for page in (lea, hugo):
        page.goto(page_url(diagnostic, 2))
    lea.locator("[name='R2.Q1-value'][value='1']").check()
    expect(status_of(lea, "R2.Q1")).to_contain_text(SAVED)
    hugo.locator("[name='R2.Q1-value'][value='3']").check()
    keep = hugo.get_by_role("button", name="Garder ma réponse")
    expect(keep).to_be_focused()
    keep.press("Enter")
    expect(hugo.locator("[data-conflict]")).to_have_count(0)
    expect(hugo.locator("[name='R2.Q1-value'][value='3']")).to_be_focused()
    expect(status_of(hugo, "R2.Q1")).to_contain_text(SAVED)


def add_action(diagnostic, by, title="Créer une cellule Europe"):
    recommendation = diagnostic.catalogue.recommendations.get(number=1)
    return plan_service.add_action(
        diagnostic=diagnostic,
        by=by,
        values={"title": title, "recommendation": recommendation, "priority": "haute"},
    )


def test_plan_edit_with_errors_then_saved_lands_on_the_action(new_page, diagnostic, referent):
    action = add_action(diagnostic, referent)
    page = new_page(referent)
    edit_url = f"/diagnostics/{diagnostic.public_id}/plan/{action.public_id}/"
    page.goto(edit_url)
    check_state(page, "plan edit")
    page.locator("#id_title").fill("")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page).to_have_title(re.compile("^Erreur\u00a0: Modifier l’action"))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    check_state(page, "plan edit with errors")
    summary.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile("#id_title$"))
    page.locator("#id_title").fill("Créer une cellule Europe et international")
    page.get_by_role("button", name="Enregistrer").click()
    # The fragment followed on the form does not survive: the plan opens at the action.
    expect(page).to_have_url(re.compile(f"/plan/#action-{action.public_id}$"))
    expect(page.get_by_role("status").first).to_contain_text(
        "Action « Créer une cellule Europe et international » enregistrée."
    )
    check_state(page, "plan after an edit")


def test_plan_edit_in_conflict(new_page, diagnostic, referent, agent):
    action = add_action(diagnostic, referent)
    edit_url = f"/diagnostics/{diagnostic.public_id}/plan/{action.public_id}/"
    first, second = new_page(referent), new_page(agent)
    for page in (first, second):
        page.goto(edit_url)
    first.get_by_label("Porteur (service ou personne)").fill("Cabinet du maire")
    first.get_by_role("button", name="Enregistrer").click()
    expect(first).to_have_url(re.compile("/plan/#action-"))
    second.get_by_label("Porteur (service ou personne)").fill("Direction générale")
    second.get_by_role("button", name="Enregistrer").click()
    expect(second.locator("[data-error-summary], .alert-warning").first).to_be_visible()
    check_state(second, "plan edit in conflict")
