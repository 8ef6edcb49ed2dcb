"""Results and action plan in the browser, with last year's diagnostic and comparable communes."""

import re

import pytest
from playwright.sync_api import expect

from diagnostics.enums import ReportStatus, ReportVariant
from diagnostics.models import ReportFile
from tests.e2e.helpers import assert_errors_are_announced, check_page

pytestmark = pytest.mark.e2e


def test_the_results_show_evolution_and_peers_without_relying_on_colour(new_page, demo, referent):
    page = new_page(referent)
    page.goto(f"/diagnostics/{demo.public_id}/resultats/")
    expect(page.get_by_text("Résultats provisoires")).to_be_visible()
    table = page.get_by_role(
        "table", name="Score, niveau, complétude et comparaisons de chaque préconisation"
    )
    for column in ["Évolution", "Moyenne des pairs", "Médiane des pairs"]:
        expect(table.get_by_role("columnheader", name=column)).to_be_visible()
    evolutions = table.locator("tbody tr").locator("td:nth-of-type(4)").all_inner_texts()
    assert len(evolutions) == 10
    # Arrows are decorative (hidden from screen readers): the words say it.
    for text in evolutions:
        assert re.fullmatch(
            r"(▲ hausse \+\d+\u00a0points?|▼ baisse −\d+\u00a0points?|= stable)", text.strip()
        ), text
    assert {t.split()[1] for t in evolutions} >= {"hausse", "baisse", "stable"}
    expect(table.locator("td [aria-hidden='true']").first).to_be_attached()
    badges = table.locator(".badge")
    expect(badges).to_have_count(3)
    for text in badges.all_inner_texts():
        assert re.fullmatch(r"priorité [1-3]", text.strip()), text
    check_page(page, "results with evolution and peers")

    page.get_by_role("link", name="8. Lignes budgétaires dédiées").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("8. Lignes budgétaires dédiées")
    expect(page.get_by_role("main")).to_contain_text(
        re.compile(r"Évolution\s*: ▼ baisse −\d+\s+points?")
    )
    check_page(page, "results detail with evolution")


def test_the_action_plan_is_accessible_in_every_state(new_page, demo, agent):
    page = new_page(agent)
    page.goto(f"/diagnostics/{demo.public_id}/plan/")
    expect(
        page.get_by_role("heading", name=re.compile(r"^0 actions? dans le plan"))
    ).to_be_visible()
    check_page(page, "empty plan")

    page.get_by_role("button", name="Ajouter l’action", exact=True).click()
    expect(page.locator("[data-error-summary]")).to_contain_text("L’action n’a pas été ajoutée")
    assert_errors_are_announced(page)
    check_page(page, "plan with an error in the add form")

    page.get_by_role("button", name=re.compile(r"^Reprendre les \d+ actions proposées")).click()
    expect(page.get_by_role("status")).to_contain_text("ajoutées au plan")
    page.get_by_role("textbox", name=re.compile(r"^Action\*?$")).fill(
        "Accueillir une délégation de Tambacounda"
    )
    page.get_by_label("Porteur (service ou personne)").fill("Relations internationales")
    page.get_by_label("Échéance").fill("T2 2027")
    page.get_by_label("Montant (€)").fill("15 000")
    page.get_by_role("button", name="Ajouter l’action", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Action « Accueillir une délégation")
    expect(page.get_by_role("table")).to_contain_text(re.compile(r"15\s?000\s€"))
    check_page(page, "plan with actions")

    page.get_by_role("link", name="Modifier « Accueillir une délégation de Tambacounda »").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier l’action")
    check_page(page, "plan action edit form")
    page.get_by_label("Statut").select_option(label="En cours")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"Action «.Accueillir une délégation de Tambacounda.» enregistrée\.")
    )

    page.get_by_role("link", name="Historique « Accueillir une délégation de Tambacounda »").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Historique de l’action")
    expect(page.get_by_role("table")).to_contain_text("Statut")
    check_page(page, "plan action history")

    page.get_by_role("link", name="Retour au plan d’action").click()
    page.get_by_role("button", name="Écarter « Accueillir une délégation de Tambacounda »").click()
    expect(page.get_by_role("heading", name="Actions écartées")).to_be_visible()
    check_page(page, "plan with a dismissed action")


def test_the_report_status_page_follows_the_generation_and_offers_the_download(
    new_page, diagnostic, elu
):
    report = ReportFile.objects.create(
        diagnostic=diagnostic,
        variant=ReportVariant.SUMMARY,
        content_hash="0" * 64,
        status=ReportStatus.PENDING,
    )
    page = new_page(elu)
    page.goto(f"/diagnostics/{diagnostic.public_id}/rapports/fichiers/{report.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Synthèse pour les élus")
    expect(page.get_by_role("status")).to_contain_text("Le rapport est en file d’attente")
    expect(page.get_by_role("link", name="Télécharger le PDF")).to_be_hidden()
    check_page(page, "report status: pending")

    ReportFile.objects.filter(pk=report.pk).update(
        status=ReportStatus.READY, file="rapports/synthese.pdf"
    )
    expect(page.get_by_role("status")).to_have_text("Le rapport est prêt.")
    expect(page.get_by_role("link", name="Télécharger le PDF")).to_be_focused()
    check_page(page, "report status: ready after polling")

    ReportFile.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED, error="La génération du rapport a échoué.", file=""
    )
    page.reload()
    expect(page.get_by_role("status")).to_have_text("La génération du rapport a échoué.")
    expect(page.get_by_role("button", name="Relancer la génération")).to_be_visible()
    check_page(page, "report status: failed")
