"""Accessibility of the pages the journeys do not otherwise reach: password reset (all seven),
an invalid invitation, the lockout after five failed logins, the error pages, provisional
results, a refused submission, and the admin pages a catalogue editor uses. On each: axe-core
(WCAG 2.1 A and AA), named and visible fields, no sideways scroll at 320 and 640 CSS px."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.template.loader import render_to_string
from django.test import RequestFactory
from playwright.sync_api import expect

from aeict import views as aeict_views
from diagnostics.models import Answer, PlanAction
from recommendations.models import CatalogueVersion, Question
from tests.e2e.helpers import assert_errors_are_announced, check_state, fill_answers
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Un-nouveau-mot-de-passe-2026"


def test_the_seven_password_reset_pages(new_page, mailoutbox):
    user = UserFactory()
    page = new_page()
    page.goto("/connexion/")
    page.get_by_role("link", name="Mot de passe oublié").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
    check_state(page, "1. forgotten password")

    page.locator("#id_email").fill("pas-une-adresse")
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page).to_have_title(re.compile("^Erreur\u00a0: Mot de passe oublié"))
    assert_errors_are_announced(page)
    check_state(page, "2. forgotten password with an error")

    page.locator("#id_email").fill(user.email)
    page.get_by_role("button", name="Recevoir le lien").click()
    check_state(page, "3. link sent")

    link = re.search(r"https?://[^/\s]+(/\S+/)", mailoutbox[-1].body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau mot de passe")
    check_state(page, "4. new password")

    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill("autre chose")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page).to_have_title(re.compile("^Erreur\u00a0: Nouveau mot de passe"))
    assert_errors_are_announced(page)
    check_state(page, "5. new password with errors")

    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    check_state(page, "6. password changed")

    page.goto(link)
    expect(page).to_have_title(re.compile("^Lien de réinitialisation expiré"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Lien de réinitialisation expiré")
    check_state(page, "7. expired link")


def test_an_invalid_invitation_and_the_lockout_after_five_failed_logins(new_page):
    page = new_page()
    page.goto("/invitation/ce-lien-n-existe-pas/")
    check_state(page, "invalid invitation")

    user = UserFactory()
    page.goto("/connexion/")
    for _attempt in range(5):
        page.get_by_label("Adresse électronique").fill(user.email)
        page.get_by_label("Mot de passe").fill("mauvais")
        page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("main")).to_contain_text("Trop de tentatives de connexion")
    check_state(page, "lockout after five failed logins")


def serve(page, path, body, status):
    """The page answers ``path`` with ``body``: the real error page, rendered by its handler,
    for errors a browser cannot provoke (a broken server, a database down)."""
    page.route(
        f"**{path}",
        lambda route: route.fulfill(status=status, content_type="text/html", body=body),
    )
    page.goto(path)


def test_the_error_pages(new_page, diagnostic, agent, collectivite):
    page = new_page(agent)
    page.goto("/cette-page-n-existe-pas/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_state(page, "404")
    # A member who is not référent: the members page is refused.
    page.goto(f"/collectivites/{collectivite.public_id}/membres/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    check_state(page, "403")

    request = RequestFactory().get("/")
    request.user = agent
    for path, body, status, heading in [
        ("/erreur-400/", aeict_views.bad_request(request).content, 400, "Requête invalide"),
        ("/erreur-500/", aeict_views.server_error(request).content, 500, None),
        ("/erreur-503/", render_to_string("503.html"), 503, "Service momentanément indisponible"),
    ]:
        serve(page, path, body, status)
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_state(page, str(status))


def test_provisional_results_and_a_refused_submission(new_page, diagnostic, agent, referent):
    fill_answers(diagnostic, by=agent, level=0.6, skip=(9, 10))
    page = new_page(referent)
    page.goto(f"/diagnostics/{diagnostic.public_id}/resultats/")
    check_state(page, "provisional results")

    fill_answers(diagnostic, by=agent, level=0.6)
    page.goto(f"/diagnostics/{diagnostic.public_id}/soumettre/")
    confirm = page.get_by_role("button", name="Confirmer la soumission")
    expect(confirm).to_be_visible()
    # Meanwhile a required answer goes (as when someone empties it): the submission is refused.
    Answer.objects.filter(diagnostic=diagnostic, question__required=True).first().delete()
    confirm.click()
    expect(page.get_by_role("main")).to_contain_text("Le diagnostic ne peut pas être soumis")
    check_state(page, "refused submission")


def test_the_admin_pages_of_a_catalogue_editor(new_page, catalogue, catalogue_2026_2):
    page = new_page()
    page.goto("/admin/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à l’administration")
    check_state(page, "admin login")

    # The database is emptied between browser tests: the group is made again as its migration does.
    group, _created = Group.objects.get_or_create(name="Rédaction du catalogue")
    group.permissions.set(Permission.objects.filter(content_type__app_label="recommendations"))
    editor = UserFactory(is_staff=True)
    editor.groups.add(group)
    page = new_page(editor)
    version = CatalogueVersion.objects.get(code="2026.2")
    question = Question.objects.get(recommendation__catalogue=version, code="R1.Q1")
    for path, state in [
        ("/admin/", "admin index"),
        ("/admin/recommendations/", "the catalogue's section"),
        ("/admin/recommendations/catalogueversion/", "versions"),
        (f"/admin/recommendations/catalogueversion/{version.pk}/change/", "a version"),
        ("/admin/recommendations/recommendation/", "préconisations"),
        ("/admin/recommendations/question/", "questions"),
        (f"/admin/recommendations/question/{question.pk}/change/", "a published question"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_state(page, state)

    page.goto(f"/admin/recommendations/catalogueversion/{version.pk}/change/")
    page.get_by_role("link", name="Comparer avec la version précédente").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparer la version 2026.2")
    expect(page.locator("tr[data-change='R1.Q9']").first).to_contain_text("Ajoutée")
    check_state(page, "comparison of 2026.2 with 2026.1")
    expect(page.get_by_text("Tasks Database Backend")).to_have_count(0)

    # The admin follows the system's dark theme: Django's dark colours, our breadcrumbs.
    page.emulate_media(color_scheme="dark")
    for path in ["/admin/", f"/admin/recommendations/catalogueversion/{version.pk}/change/"]:
        page.goto(path)
        check_state(page, f"{path} in the dark theme")


def test_the_main_pages_reflow_at_320_css_pixels(new_page, demo, referent, collectivite):
    """Every main page of a full diagnostic, at 320 and 640 CSS px: no sideways scroll, axe."""
    page = new_page(referent)
    pid = demo.public_id
    page.goto(f"/diagnostics/{pid}/plan/")
    page.get_by_role("button", name=re.compile("^Reprendre les \\d+ actions proposées")).click()
    expect(page.get_by_role("status").first).to_be_visible()
    action = PlanAction.objects.filter(diagnostic=demo).order_by("position").first()
    for path in [
        f"/diagnostics/{pid}/plan/{action.public_id}/",
        f"/diagnostics/{pid}/plan/{action.public_id}/historique/",
        "/",
        "/methode/",
        "/accessibilite/",
        "/tableau-de-bord/",
        "/mes-questions/",
        "/compte/notifications/",
        f"/diagnostics/{pid}/",
        f"/diagnostics/{pid}/preconisations/1/",
        f"/diagnostics/{pid}/questions/R1.Q1/historique/",
        f"/diagnostics/{pid}/resultats/",
        f"/diagnostics/{pid}/resultats/1/",
        f"/diagnostics/{pid}/plan/",
        f"/diagnostics/{pid}/soumettre/",
        f"/collectivites/{collectivite.public_id}/membres/",
        f"/collectivites/{collectivite.public_id}/budget/",
    ]:
        page.goto(path)
        check_state(page, path)
