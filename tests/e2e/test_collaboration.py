"""Two agents answer the same diagnostic at once, each in a browser of their own."""

import re

import pytest
from playwright.sync_api import Page, expect

from diagnostics.models import Answer
from tests.e2e.helpers import check_page, status_of
from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e

SAVED = re.compile(r"Enregistré à \d")


@pytest.fixture
def two_agents(new_page, diagnostic, collectivite):
    """Léa and Hugo, both on the page of recommendation 2."""
    lea = MembershipFactory(collectivite=collectivite, role="agent", user__full_name="Léa")
    hugo = MembershipFactory(collectivite=collectivite, role="agent", user__full_name="Hugo")
    pages = []
    for member in (lea, hugo):
        page = new_page(member.user)
        page.goto(f"/diagnostics/{diagnostic.public_id}/preconisations/2/")
        pages.append(page)
    return pages


def radio(page: Page, code: str, value: str):
    return page.locator(f"[name='{code}-value'][value='{value}']")


def value_of(diagnostic, code):
    return Answer.objects.get(diagnostic=diagnostic, question__code=code).value


def test_two_agents_answering_different_questions_keep_all_answers(two_agents, diagnostic):
    lea, hugo = two_agents
    # Both pages were loaded before either answered: neither knows the other's answer.
    radio(lea, "R2.Q1", "2").check()
    radio(hugo, "R2.Q2", "3").check()
    lea.locator("[name='R2.Q5-value'][value='oui']").check()
    hugo.locator("[name='R2.Q3-comment']").fill("Vu avec le cabinet du maire.")
    hugo.locator("[name='R2.Q3-comment']").press("Tab")
    for page, code in [(lea, "R2.Q1"), (hugo, "R2.Q2"), (lea, "R2.Q5"), (hugo, "R2.Q3")]:
        expect(status_of(page, code)).to_contain_text(SAVED)

    for page in (lea, hugo):
        page.reload()
        expect(radio(page, "R2.Q1", "2")).to_be_checked()
        expect(radio(page, "R2.Q2", "3")).to_be_checked()
        expect(radio(page, "R2.Q5", "oui")).to_be_checked()
        expect(page.locator("[name='R2.Q3-comment']")).to_have_value("Vu avec le cabinet du maire.")
    assert value_of(diagnostic, "R2.Q1") == 2
    assert value_of(diagnostic, "R2.Q2") == 3


def change_the_same_answer(lea: Page, hugo: Page, lea_value: str, hugo_value: str):
    radio(lea, "R2.Q1", lea_value).check()
    expect(status_of(lea, "R2.Q1")).to_contain_text(SAVED)
    radio(hugo, "R2.Q1", hugo_value).check()
    conflict = hugo.locator("#q-R2\\.Q1 [data-conflict]")
    expect(conflict).to_contain_text(re.compile(r"Léa a modifié cette réponse à \d+ h \d+"))
    expect(status_of(hugo, "R2.Q1")).to_have_text(
        "Non enregistré\u00a0: conflit avec une autre modification."
    )
    return conflict


def test_the_second_agent_sees_the_conflict_and_keeps_their_answer(two_agents, diagnostic):
    lea, hugo = two_agents
    conflict = change_the_same_answer(lea, hugo, "1", "3")
    expect(conflict).to_contain_text("Sa réponse\u00a0: Rattachement sectoriel")
    keep = conflict.get_by_role("button", name="Garder ma réponse")
    expect(keep).to_be_focused()
    check_page(hugo, "questionnaire with a conflict message")

    keep.press("Enter")
    expect(conflict).to_have_count(0)
    expect(status_of(hugo, "R2.Q1")).to_contain_text(SAVED)
    assert value_of(diagnostic, "R2.Q1") == 3
    lea.reload()
    expect(radio(lea, "R2.Q1", "3")).to_be_checked()
    expect(status_of(lea, "R2.Q1")).to_contain_text("dernière modification par Hugo")


def test_the_second_agent_sees_the_conflict_and_takes_the_other_answer(two_agents, diagnostic):
    lea, hugo = two_agents
    conflict = change_the_same_answer(lea, hugo, "1", "3")
    conflict.get_by_role("button", name="Reprendre sa réponse").click()
    expect(conflict).to_have_count(0)
    expect(radio(hugo, "R2.Q1", "1")).to_be_checked()
    expect(radio(hugo, "R2.Q1", "3")).not_to_be_checked()
    expect(status_of(hugo, "R2.Q1")).to_have_text("Réponse de Léa reprise.")
    expect(radio(hugo, "R2.Q1", "0")).to_be_focused()
    assert value_of(diagnostic, "R2.Q1") == 1

    # The card put back in place still saves by itself, from Léa's revision.
    hugo.locator("[name='R2.Q1-comment']").fill("D’accord avec Léa.")
    hugo.locator("[name='R2.Q1-comment']").press("Tab")
    expect(status_of(hugo, "R2.Q1")).to_contain_text(SAVED)
    answer = Answer.objects.get(diagnostic=diagnostic, question__code="R2.Q1")
    assert (answer.value, answer.comment, answer.revision) == (1, "D’accord avec Léa.", 2)
    hugo.reload()
    expect(radio(hugo, "R2.Q1", "1")).to_be_checked()
    expect(hugo.locator("[name='R2.Q1-comment']")).to_have_value("D’accord avec Léa.")


def test_the_conflict_shows_their_comment_and_taking_their_answer_keeps_mine(
    two_agents, diagnostic
):
    lea, hugo = two_agents
    lea.locator("[name='R2.Q1-comment']").fill("Selon le DGS.")
    radio(lea, "R2.Q1", "1").check()
    expect(status_of(lea, "R2.Q1")).to_contain_text(SAVED)
    lea.locator("[name='R2.Q1-thread']").fill("À revoir en réunion ?")
    lea.get_by_role("button", name="Ajouter le commentaire — R2.Q1").click()
    expect(lea.locator("#q-R2\\.Q1 [data-thread-list]")).to_contain_text("À revoir en réunion ?")

    # Hugo types a comment, then changes the same answer: conflict.
    hugo.locator("[name='R2.Q1-comment']").fill("Chiffres de 2025 à jour.")
    radio(hugo, "R2.Q1", "3").check()
    conflict = hugo.locator("#q-R2\\.Q1 [data-conflict]")
    expect(conflict).to_contain_text("Son commentaire\u00a0: «\u00a0Selon le DGS.\u00a0»")
    check_page(hugo, "conflict with the other person's comment")

    conflict.get_by_role("button", name="Reprendre sa réponse").click()
    expect(radio(hugo, "R2.Q1", "1")).to_be_checked()
    expect(hugo.locator("[name='R2.Q1-comment']")).to_have_value("Chiffres de 2025 à jour.")
    expect(hugo.locator("#q-R2\\.Q1 [data-thread-list]")).to_contain_text("À revoir en réunion ?")
    expect(status_of(hugo, "R2.Q1")).to_contain_text(SAVED)
    answer = Answer.objects.get(diagnostic=diagnostic, question__code="R2.Q1")
    assert (answer.value, answer.comment) == (1, "Chiffres de 2025 à jour.")
