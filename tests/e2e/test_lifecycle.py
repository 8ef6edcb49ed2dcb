"""A diagnostic's life in the browser: the submit and reopen confirmation pages, the refused
duplicate year and the typed-title deletion, each checked by axe, errors announced."""

import pytest
from playwright.sync_api import expect

from diagnostics.models import Diagnostic
from tests.e2e.helpers import assert_errors_are_announced, check_page

pytestmark = pytest.mark.e2e


def test_submitting_then_reopening_with_a_reason(new_page, demo, referent):
    page = new_page(referent)
    page.goto(f"/diagnostics/{demo.public_id}/")
    page.get_by_role("link", name="Soumettre le diagnostic…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Soumettre le diagnostic")
    expect(page.get_by_role("main")).to_contain_text("Les élus de la collectivité sont informés")
    check_page(page, "submit confirmation")
    page.get_by_role("button", name="Confirmer la soumission").click()
    expect(page.get_by_role("status")).to_contain_text("Diagnostic soumis")

    page.get_by_role("link", name="Rouvrir le diagnostic…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rouvrir le diagnostic")
    check_page(page, "reopen confirmation")
    page.get_by_role("button", name="Rouvrir le diagnostic").click()
    assert_errors_are_announced(page)
    check_page(page, "reopen without a reason")
    page.get_by_label("Motif de la réouverture").fill("Le budget des jumelages était faux.")
    page.get_by_role("button", name="Rouvrir le diagnostic").click()
    expect(page.get_by_role("status")).to_contain_text("Diagnostic rouvert")
    history = page.get_by_role("region", name="Historique")
    expect(history).to_contain_text("Le budget des jumelages était faux.")
    check_page(page, "overview with its history")


def test_a_duplicate_year_and_a_wrong_title_are_refused(new_page, demo, referent, collectivite):
    Diagnostic.objects.filter(pk=demo.pk).update(year=2026)
    page = new_page(referent)
    page.goto("/tableau-de-bord/")
    page.get_by_label("Année de l’exercice évalué").fill("2026")
    page.get_by_role("button", name="Créer le diagnostic").click()
    assert_errors_are_announced(page)
    expect(page.get_by_role("main")).to_contain_text("Cette année a déjà son diagnostic")
    check_page(page, "duplicate year")
    page.get_by_role("link", name="Ouvrir le diagnostic existant").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(demo.title)

    page.get_by_role("link", name="Supprimer le diagnostic").click()
    check_page(page, "delete confirmation")
    page.get_by_label("Saisissez le titre du diagnostic pour confirmer").fill("autre chose")
    page.get_by_role("button", name="Supprimer définitivement").click()
    assert_errors_are_announced(page)
    check_page(page, "delete with a wrong title")
    page.get_by_label("Saisissez le titre du diagnostic pour confirmer").fill(demo.title)
    page.get_by_role("button", name="Supprimer définitivement").click()
    expect(page.get_by_role("status")).to_contain_text("supprimé")
    assert not Diagnostic.objects.filter(pk=demo.pk).exists()
