"""The product's journey in the browser: from the référent's new diagnostic to the élu's PDF."""

import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from accounts.models import User
from diagnostics.enums import DiagnosticStatus, ReportStatus, ReportVariant
from diagnostics.models import Answer, Diagnostic, ReportFile
from tests.e2e.helpers import (
    assert_errors_are_announced,
    check_page,
    fill_answers,
    press_until_focused,
    status_of,
)
from tests.factories import CollectiviteFactory, MembershipFactory

pytestmark = pytest.mark.e2e

NAME = "Ville de Brélac-sur-Loire"
AGENT_EMAIL = "lea.fontaine@brelac.localhost"
AGENT_PASSWORD = "Jumelage-Brelac-2026"


def create_diagnostic_and_invite_an_agent(page: Page, mailoutbox) -> str:
    """The référent's part; returns the invitation link read from the e-mail."""
    expect(page.get_by_role("heading", name=NAME)).to_be_visible()
    check_page(page, "dashboard without diagnostic")
    page.get_by_label("Année de l’exercice évalué").fill("2026")
    page.get_by_label("Titre du diagnostic").fill("Diagnostic 2026")
    page.get_by_role("button", name="Créer le diagnostic").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diagnostic 2026")
    expect(page.get_by_role("status")).to_contain_text("Diagnostic « Diagnostic 2026 » créé.")
    check_page(page, "new diagnostic's overview")

    page.get_by_role("link", name="Mes diagnostics").first.click()
    page.get_by_role("link", name="Gérer les membres").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Membres de {NAME}")
    check_page(page, "members page")
    invited = page.get_by_label("Adresse électronique de la personne invitée")
    invited.fill("pas-une-adresse")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    assert_errors_are_announced(page)
    check_page(page, "members page with a form error")
    page.get_by_label("Adresse électronique de la personne invitée").fill(AGENT_EMAIL)
    page.get_by_label("Rôle").select_option(label="Agent")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    expect(page.get_by_role("status")).to_contain_text(f"Invitation envoyée à {AGENT_EMAIL}.")
    expect(page.get_by_role("main")).to_contain_text("Invitations en attente")

    assert len(mailoutbox) == 1, "the invitation e-mail was not sent"
    message = mailoutbox[0]
    assert message.to == [AGENT_EMAIL]
    assert NAME in message.subject
    return re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)


def sign_up_from_the_invitation(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer mon compte")
    expect(page.get_by_role("main")).to_contain_text(AGENT_EMAIL)
    check_page(page, "invitation sign-up form")
    page.get_by_label("Prénom et nom").fill("Léa Fontaine")
    page.get_by_label("Mot de passe", exact=False).first.fill("court")
    page.get_by_label("Confirmation du mot de passe").fill("court")
    page.get_by_role("button", name="Créer mon compte").click()
    assert_errors_are_announced(page)
    check_page(page, "sign-up form with a too short password")
    page.get_by_label("Mot de passe", exact=False).first.fill(AGENT_PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord/$"))
    expect(page.get_by_role("status")).to_contain_text("Bienvenue !")
    expect(page.get_by_role("button", name="Se déconnecter")).to_contain_text("Léa Fontaine")
    check_page(page, "dashboard with a diagnostic")


def answer_two_recommendations_with_the_keyboard(page: Page) -> None:
    """Tab, arrows, Space, typing and Enter: no mouse from here on."""
    # The agent lands where the questionnaire stands: on an empty one, its first question.
    page.get_by_role("link", name="Diagnostic 2026").click()
    expect(page).to_have_url(re.compile(r"/preconisations/1/#q-R1\.Q1$"))
    page.get_by_role("link", name="Vue d’ensemble").click()
    expect(page.get_by_role("link", name="Commencer le questionnaire")).to_be_visible()
    page.get_by_role("link", name="1. Diagnostic de l’internationalisation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diagnostic de l’intern")
    check_page(page, "empty questionnaire page")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # A scale (radio group): the arrows move and choose; then a comment.
    press_until_focused(page, "[name='R1.Q1-value']")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    press_until_focused(page, "[name='R1.Q1-comment']")
    page.keyboard.type("Inventaire tenu par la direction des relations internationales.")
    press_until_focused(page, "[name='R1.Q2-value']")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    # Several options (checkboxes): Space ticks the first and the third.
    press_until_focused(page, "[name='R1.Q3-value']")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    # One option (radio group).
    press_until_focused(page, "[name='R1.Q4-value']")
    page.keyboard.press("ArrowDown")
    # Space chooses the first level of a scale.
    press_until_focused(page, "[name='R1.Q5-value']")
    page.keyboard.press("Space")
    # Numbers and text.
    press_until_focused(page, "[name='R1.Q6-value']")
    page.keyboard.type("12,5")
    press_until_focused(page, "[name='R1.Q7-value']")
    page.keyboard.type("3")
    press_until_focused(page, "[name='R1.Q8-value']")
    page.keyboard.type("Allemagne, Sénégal")
    press_until_focused(page, "[name='R1.Q8-comment']")
    for number in range(1, 9):
        expect(status_of(page, f"R1.Q{number}")).to_contain_text(re.compile(r"Enregistré à \d"))

    press_until_focused(page, "button[name='suivante']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portage et organisation")
    expect(page.get_by_role("status").first).to_contain_text("Vos réponses sont enregistrées.")

    press_until_focused(page, "[name='R2.Q1-value']")
    page.keyboard.press("ArrowDown")
    press_until_focused(page, "[name='R2.Q2-value']")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    press_until_focused(page, "[name='R2.Q3-value']")
    page.keyboard.press("Space")
    # « Non concerné » is a checkbox after the scale.
    press_until_focused(page, "[name='R2.Q4-not_applicable']")
    page.keyboard.press("Space")
    press_until_focused(page, "[name='R2.Q5-value']")
    page.keyboard.press("Space")
    for number in range(1, 6):
        expect(status_of(page, f"R2.Q{number}")).to_contain_text(re.compile(r"Enregistré à \d"))
    press_until_focused(page, "button[type='submit']:not([name])")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Vos réponses sont enregistrées.")


def find_the_answers_after_a_reload(page: Page) -> None:
    page.reload()
    expect(page.locator("[name='R2.Q1-value'][value='1']")).to_be_checked()
    expect(page.locator("[name='R2.Q2-value'][value='2']")).to_be_checked()
    expect(page.locator("[name='R2.Q3-value'][value='0']")).to_be_checked()
    expect(page.locator("[name='R2.Q4-not_applicable']")).to_be_checked()
    expect(page.locator("[name='R2.Q5-value'][value='oui']")).to_be_checked()

    page.get_by_role("link", name="Préconisation précédente").click()
    expect(page.locator("[name='R1.Q1-value'][value='2']")).to_be_checked()
    expect(page.locator("[name='R1.Q1-comment']")).to_have_value(
        "Inventaire tenu par la direction des relations internationales."
    )
    expect(page.locator("[name='R1.Q2-value'][value='3']")).to_be_checked()
    multi = page.locator("[name='R1.Q3-value']")
    assert [multi.nth(i).is_checked() for i in range(multi.count())] == [
        True,
        False,
        True,
        *[False] * (multi.count() - 3),
    ]
    expect(page.locator("[name='R1.Q4-value']").nth(1)).to_be_checked()
    expect(page.locator("[name='R1.Q5-value'][value='0']")).to_be_checked()
    expect(page.locator("[name='R1.Q6-value']")).to_have_value("12,5")
    expect(page.locator("[name='R1.Q7-value']")).to_have_value("3")
    expect(page.locator("[name='R1.Q8-value']")).to_have_value("Allemagne, Sénégal")
    expect(status_of(page, "R1.Q1")).to_contain_text("dernière modification par Léa Fontaine")
    check_page(page, "questionnaire page with answers")

    page.get_by_role("link", name="Historique — R1.Q1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Historique de la réponse")
    expect(page.get_by_role("table")).to_contain_text("Léa Fontaine")
    check_page(page, "answer history")


def submit_the_diagnostic(page: Page, diagnostic: Diagnostic) -> None:
    page.goto(f"/diagnostics/{diagnostic.public_id}/")
    expect(page.get_by_role("main")).to_contain_text(
        "Toutes les questions obligatoires ont une réponse."
    )
    page.get_by_role("link", name="Soumettre le diagnostic…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Soumettre le diagnostic")
    expect(page.get_by_role("main")).to_contain_text("Ce qui se passe ensuite")
    check_page(page, "submit confirmation")
    page.get_by_role("button", name="Confirmer la soumission").click()
    expect(page.get_by_role("status")).to_contain_text("Diagnostic soumis")
    expect(page.get_by_role("main")).to_contain_text("Soumis")
    check_page(page, "submitted diagnostic's overview")


def download(page: Page, button: str, tmp_path) -> str:
    """Click a report button, save the PDF, return its text."""
    # Tests render the PDF in the request (TASKS_BACKEND=immediate): on a busy machine the click's
    # navigation can take longer than the usual 15 s.
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=button).click(timeout=60_000)
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF"), f"{button}: not a PDF"
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    return " ".join(text.split())


def read_the_results_and_download_the_pdfs(page: Page, diagnostic: Diagnostic, tmp_path):
    # The élu lands on the results of a submitted diagnostic, the reports first.
    page.get_by_role("link", name="Diagnostic 2026").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Résultats")
    expect(page.get_by_role("region", name="Rapports PDF")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Résultats provisoires")
    check_page(page, "results of a submitted diagnostic")

    page.get_by_role("link", name="2. Portage et organisation").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2. Portage et organisation")
    check_page(page, "results detail")
    page.get_by_role("link", name="Retour aux résultats").click()

    full = download(page, "Télécharger le rapport complet (PDF)", tmp_path)
    assert NAME in full, "the collectivité's name is not in the full report"
    summary = download(page, "Télécharger la synthèse pour les élus (PDF)", tmp_path)
    assert NAME in summary, "the collectivité's name is not in the summary"

    report = ReportFile.objects.get(diagnostic=diagnostic, variant=ReportVariant.FULL)
    assert report.status == ReportStatus.READY
    page.goto(f"/diagnostics/{diagnostic.public_id}/rapports/fichiers/{report.public_id}/")
    expect(page.get_by_role("status")).to_contain_text("Le rapport est prêt.")
    check_page(page, "report status: ready")
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    assert info.value.suggested_filename.endswith(".pdf")


def test_a_diagnostic_goes_from_the_referent_to_the_elu_s_pdf(
    new_page, catalogue, mailoutbox, tmp_path
):
    collectivite = CollectiviteFactory(name=NAME)
    referent = MembershipFactory(collectivite=collectivite, role="referent").user
    elu = MembershipFactory(collectivite=collectivite, role="elu").user

    referent_page = new_page(referent)
    link = create_diagnostic_and_invite_an_agent(referent_page, mailoutbox)
    diagnostic = Diagnostic.objects.get(collectivite=collectivite)

    agent_page = new_page()
    sign_up_from_the_invitation(agent_page, link)
    answer_two_recommendations_with_the_keyboard(agent_page)
    find_the_answers_after_a_reload(agent_page)
    agent = User.objects.get(email=AGENT_EMAIL)
    assert Answer.objects.filter(diagnostic=diagnostic, updated_by=agent).count() == 13

    fill_answers(diagnostic, by=agent, skip=(1, 2))
    submit_the_diagnostic(referent_page, diagnostic)
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.SUBMITTED

    read_the_results_and_download_the_pdfs(new_page(elu), diagnostic, tmp_path)
