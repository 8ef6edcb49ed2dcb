"""The référent says who holds each competence, an agent enters the figures of two 1 % mechanisms
(one refused entry first, nothing lost), and reads what the law allows, what is committed and
what is left; every state passes the accessibility checks."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from budget.models import MechanismYear
from tests.e2e.helpers import (
    MOBILE,
    assert_errors_are_announced,
    assert_no_horizontal_scroll,
    check_page,
)

pytestmark = pytest.mark.e2e


def test_an_agent_enters_water_and_mobility_and_sees_the_room_left(
    new_page, collectivite, referent, agent
):
    year = timezone.localdate().year
    page = new_page(referent)
    page.get_by_role("link", name="Budget de l’action internationale").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Budget de l’action internationale"
    )
    check_page(page, "budget index, empty")
    page.get_by_role("link", name="Indiquer qui exerce chaque compétence").click()
    check_page(page, "competences form")
    water = page.get_by_role("group", name="1\u00a0% eau potable")
    water.get_by_label("La collectivité elle-même").check()
    mobility = page.get_by_role("group", name="1\u00a0% mobilité")
    mobility.get_by_label("La collectivité elle-même").check()
    sanitation = page.get_by_role("group", name="1\u00a0% assainissement")
    sanitation.get_by_label("Un autre organisme").check()
    page.get_by_role("button", name="Enregistrer les compétences").click()
    # The name of the other body is required: the refusal is announced, the choices kept.
    assert_errors_are_announced(page)
    check_page(page, "competences refused")
    expect(
        page.get_by_role("group", name="1\u00a0% eau potable").get_by_label(
            "La collectivité elle-même"
        )
    ).to_be_checked()
    page.get_by_role("group", name="1\u00a0% assainissement").get_by_label(
        "Nom de l’organisme"
    ).fill("Syndicat d’assainissement du Val")
    page.get_by_role("button", name="Enregistrer les compétences").click()
    expect(page.get_by_role("status")).to_contain_text("Compétences enregistrées.")

    page = new_page(agent)
    page.goto(f"/collectivites/{collectivite.public_id}/budget/")
    page.get_by_role("textbox", name="Année").fill(str(year + 3))
    page.get_by_role("button", name="Ouvrir l’année").click()
    assert_errors_are_announced(page)
    expect(page.locator(".invalid-feedback")).to_contain_text("trop lointaine")
    check_page(page, "year refused")
    page.get_by_role("textbox", name="Année").fill(str(year))
    page.get_by_role("button", name="Ouvrir l’année").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Budget de l’action internationale {year}"
    )
    check_page(page, "year page, empty")

    water = page.get_by_role("group", name="1\u00a0% eau potable")
    water.get_by_label("Ressources du budget du service (€)").fill("4 180 000")
    water.get_by_label("Montants engagés au titre de ce 1\u00a0% (€)").fill("25 000,50")
    mobility = page.get_by_role("group", name="1\u00a0% mobilité")
    mobility.get_by_label("Ressources du budget du service (€)").fill("12 500 000")
    mobility.get_by_label("Dont versement mobilité (€)").fill("8 000 000")
    mobility.get_by_label("Montants engagés au titre de ce 1\u00a0% (€)").fill("cinquante mille")
    page.get_by_label("Budget propre, budget général (€)").fill("60000.00")
    page.get_by_role("button", name=f"Enregistrer les chiffres de {year}").click()

    assert_errors_are_announced(page)
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Saisissez un montant en euros, en chiffres"
    )
    check_page(page, "year figures refused")
    water = page.get_by_role("group", name="1\u00a0% eau potable")
    expect(water.get_by_label("Ressources du budget du service (€)")).to_have_value("4 180 000")
    mobility = page.get_by_role("group", name="1\u00a0% mobilité")
    committed = mobility.get_by_label("Montants engagés au titre de ce 1\u00a0% (€)")
    expect(committed).to_have_value("cinquante mille")
    assert not MechanismYear.objects.exists()

    committed.fill("50 000")
    page.get_by_role("button", name=f"Enregistrer les chiffres de {year}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Chiffres de {year} enregistrés.")
    table = page.get_by_role(
        "table", name=f"Ce que la loi permet, ce qui est engagé et la marge en {year}"
    )
    water_row = table.locator("#ligne-eau")
    expect(water_row).to_contain_text("41\u00a0800\u00a0€")
    expect(water_row).to_contain_text("16\u00a0799,50\u00a0€")
    mobility_row = table.locator("#ligne-mobilite")
    expect(mobility_row).to_contain_text("45\u00a0000\u00a0€")
    expect(mobility_row).to_contain_text("-5\u00a0000\u00a0€")
    expect(mobility_row).to_contain_text("Dépassement de 5\u00a0000\u00a0€")
    expect(table.locator("#ligne-assainissement")).to_contain_text(
        "Compétence exercée par Syndicat d’assainissement du Val"
    )
    check_page(page, "year page with figures, one mechanism over its ceiling")
    page.set_viewport_size(MOBILE)
    assert_no_horizontal_scroll(page, "budget year page at 375 px")

    page.goto("/dispositifs-1-pour-cent/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les dispositifs du 1\u00a0%")
    check_page(page, "explain page")
