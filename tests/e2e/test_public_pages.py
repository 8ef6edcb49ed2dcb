"""Public pages and the login form, in the browser: accessible, titled, announced errors."""

import pytest
from playwright.sync_api import expect

from aeict.accessibility_audit import read_grid
from tests.e2e.helpers import assert_errors_are_announced, check_page

pytestmark = pytest.mark.e2e


def test_the_public_pages_have_no_accessibility_violations(new_page, catalogue):
    page = new_page()
    titles = []
    for path, heading in [
        ("/", "Faites le point sur l’action européenne et internationale"),
        ("/methode/", "Méthode de calcul des scores"),
        ("/accessibilite/", "Déclaration d’accessibilité"),
        ("/connexion/", "Connexion"),
        ("/plan-du-site/", "Plan du site"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        check_page(page)
        titles.append(page.title())
    assert all(t.strip() for t in titles) and len(set(titles)) == len(titles), titles


def test_a_failed_login_is_announced_and_accessible(new_page, referent):
    page = new_page()
    page.goto("/connexion/")
    expect(page.get_by_label("Adresse électronique")).to_be_focused()
    page.get_by_label("Adresse électronique").fill(referent.email)
    page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Adresse électronique ou mot de passe incorrect")
    expect(summary).to_be_focused()
    check_page(page, "login with a wrong password")


def test_an_empty_login_form_marks_both_fields(new_page, db):
    page = new_page()
    page.goto("/connexion/")
    page.get_by_role("button", name="Se connecter").click()
    assert_errors_are_announced(page)
    check_page(page, "empty login form submitted")


def test_the_footer_links_to_the_accessibility_statement(new_page, db):
    page = new_page()
    page.goto("/")
    status = read_grid().status  # as the audit grid has it
    page.get_by_role("contentinfo").get_by_role(
        "link", name=f"Accessibilité\u00a0: {status}"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d’accessibilité")
    for heading in [
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration",
        "Technologies utilisées",
        "Environnement de test",
        "Retour d’information et contact",
        "Voies de recours",
    ]:
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Défenseur des droits")
