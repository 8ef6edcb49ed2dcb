"""The référent assigns a recommendation; the agent finds it in « Mes questions » and answers."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import check_page
from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e


def test_the_referent_assigns_and_the_agent_finds_it_in_my_questions(
    new_page, diagnostic, collectivite, referent
):
    MembershipFactory(collectivite=collectivite, role="agent", user__full_name="Léa Martin")
    page = new_page(referent)
    page.goto(f"/diagnostics/{diagnostic.public_id}/")
    page.get_by_label("Personne assignée (préconisation 3)").select_option(
        label="Léa Martin — Agent"
    )
    page.get_by_role("button", name="Assigner — préconisation 3").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert"))).to_contain_text(
        "La préconisation 3 est assignée à Léa Martin."
    )
    expect(page.locator("[data-assignee='3']")).to_contain_text("Léa Martin")
    check_page(page, "overview with an assignment")

    page.get_by_role("button", name="Envoyer un rappel aux personnes assignées").click()
    expect(page.locator("[data-reminded]")).to_be_visible()
    check_page(page, "overview after the reminder")

    lea = new_page(collectivite.memberships.get(user__full_name="Léa Martin").user)
    lea.goto("/tableau-de-bord/")
    lea.get_by_role("link", name="Mes questions").click()
    expect(lea.locator("[data-assignment]")).to_contain_text("Préconisation 3")
    check_page(lea, "my questions")
    lea.get_by_role("link", name="Répondre — préconisation 3").click()
    expect(lea).to_have_url(re.compile(r"/preconisations/3/#q-R3\.Q1$"))
