"""The référent says who holds each competence, an agent enters the figures of two 1 % mechanisms
(one refused entry first, nothing lost), and reads what the law allows, what is committed and
what is left; the figures then answer recommendation 8 of the diagnostic, point its suggested
actions to the room left, and fill the full PDF's table. Every state passes the accessibility
checks."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from budget.enums import Holder
from budget.models import MechanismYear
from budget.services import save_competences
from diagnostics.services import create_diagnostic
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
    expect(mobility_row).to_contain_text("\u22125\u00a0000\u00a0€")
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


def test_the_figures_answer_recommendation_8_and_reach_the_full_pdf(
    new_page, catalogue_2026_2, collectivite, referent, agent, tmp_path
):
    year = timezone.localdate().year
    diagnostic = create_diagnostic(
        collectivite=collectivite, title=f"Diagnostic {year}", by=referent, year=year
    )
    save_competences(
        collectivite=collectivite,
        values={
            "eau": {"holder": Holder.SELF},
            "mobilite": {"holder": Holder.SELF},
            "assainissement": {"holder": Holder.OTHER, "holder_name": "Syndicat du Val"},
        },
        by=referent,
    )
    page = new_page(agent)
    # Before any figure, R8's 1 % questions are answered by hand as before.
    page.goto(f"/diagnostics/{diagnostic.public_id}/preconisations/8/")
    mobility_card = page.locator("#q-R8\\.Q10")
    expect(mobility_card.get_by_label("Oui, ponctuellement")).to_be_enabled()
    expect(mobility_card).not_to_contain_text("D’après le budget saisi le")

    page.goto(f"/collectivites/{collectivite.public_id}/budget/{year}/")
    water = page.get_by_role("group", name="1\u00a0% eau potable")
    water.get_by_label("Ressources du budget du service (€)").fill("4 180 000")
    mobility = page.get_by_role("group", name="1\u00a0% mobilité")
    mobility.get_by_label("Ressources du budget du service (€)").fill("12 500 000")
    mobility.get_by_label("Dont versement mobilité (€)").fill("8 000 000")
    mobility.get_by_label("Montants engagés au titre de ce 1\u00a0% (€)").fill("50 000")
    page.get_by_label("Budget propre, budget général (€)").fill("60 000")
    page.get_by_role("button", name=f"Enregistrer les chiffres de {year}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Chiffres de {year} enregistrés.")

    # R8's answers follow the figures: shown with their source, not editable there.
    page.goto(f"/diagnostics/{diagnostic.public_id}/preconisations/8/")
    mobility_card = page.locator("#q-R8\\.Q10")
    expect(mobility_card).to_contain_text("D’après le budget saisi le")
    expect(mobility_card.get_by_label("Oui, ponctuellement")).to_be_checked()
    expect(mobility_card.get_by_label("Oui, ponctuellement")).to_be_disabled()
    budget_card = page.locator("#q-R8\\.Q6")
    expect(budget_card).to_contain_text("D’après le budget saisi le")
    expect(budget_card.get_by_role("textbox").first).to_be_disabled()
    # Water: resources without commitments leave the question to the agents.
    expect(page.locator("#q-R8\\.Q2").get_by_label("Oui, ponctuellement")).to_be_enabled()
    check_page(page, "recommendation 8 answered from the budget")
    mobility_card.get_by_role("link", name=f"Modifier les chiffres du budget {year}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Budget de l’action internationale {year}"
    )

    # The suggested action on water points to its room left, with the amount.
    page.goto(f"/diagnostics/{diagnostic.public_id}/resultats/")
    # The results show the first three actions of each priority; the water action is further on,
    # behind « Voir les N autres actions ».
    more = page.locator("details.proposed-more").filter(has_text="eau et assainissement")
    expect(more).to_have_count(1)
    more.locator("summary").click()
    room = page.get_by_role(
        "link",
        name=f"Jusqu’à 41\u00a0800\u00a0€ mobilisables au titre du 1\u00a0% eau potable en {year}",
    ).first
    expect(room).to_be_visible()
    check_page(page, "results with the room left")

    def download(button: str) -> str:
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=button).click(timeout=60_000)
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
        return text.replace("\u00a0", " ").replace("\u202f", " ")

    # The full report's table, read back from the PDF.
    text = download("Télécharger le rapport complet (PDF)")
    assert f"Ce que la loi permet, ce qui est engagé et la marge en {year}" in text
    for words in ("CGCT, article L1115-3", "41 800 €", "45 000 €", "\u22125 000 €"):
        assert words in text, words
    # R8's suggested action on water tells the room left there too.
    assert f"Jusqu’à 41 800 € mobilisables au titre du 1 % eau potable en {year}" in text
    # And the yearly report's, with the same figures and articles.
    text = download("Télécharger le bilan annuel (PDF)")
    assert f"Ce que la loi permet, ce qui est engagé et la marge en {year}" in text
    for words in ("CGCT, article L1115-1-1", "41 800 €", "45 000 €", "\u22125 000 €"):
        assert words in text, words

    room.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Budget de l’action internationale {year}"
    )
