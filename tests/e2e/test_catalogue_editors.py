"""A catalogue editor in the admin, in the browser: the catalogue only, in French, accessible."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import Page, expect

from recommendations.enums import VersionStatus
from recommendations.models import CatalogueVersion, Question
from tests.e2e.helpers import check_page
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

# What Django's admin says in English, and the technical sections kept for superusers.
ENGLISH = [
    "Django administration",
    "Site administration",
    "Recent actions",
    "My actions",
    "Log out",
    "View site",
    "Change password",
    "Save and add another",
    "Save and continue editing",
    "was changed successfully",
    "Select ",
    "Add ",
    "Home",
    "History",
    "Filter",
    "Tasks Database Backend",
    "Task Results",
]
# Matched whatever the case: the admin's captions are upper-cased by its style sheet.
TECHNICAL = [
    "django-axes",
    "Tentatives de connexion",
    "Tâches en arrière-plan",
    "Résultats des tâches",
    "Tasks",
]
TECHNICAL_PATHS = ["/admin/axes/", "/admin/django_tasks", "/admin/auth/", "/admin/territories/"]


def catalogue_editor():
    # Browser tests empty the database between tests (the live server needs committed data),
    # which takes away what data migrations wrote: the group is made again as its migration does.
    group, _created = Group.objects.get_or_create(name="Rédaction du catalogue")
    group.permissions.set(Permission.objects.filter(content_type__app_label="recommendations"))
    editor = UserFactory(is_staff=True)
    editor.groups.add(group)
    return editor


def assert_french_catalogue_only(page: Page, state: str) -> None:
    """axe, and neither an English label of Django's admin nor a technical section."""
    check_page(page, state)
    text = page.locator("body").inner_text()
    for english in ENGLISH:
        found = re.search(rf"(?<![\w-]){re.escape(english)}", text)
        assert not found, f"« {english} » in English on {page.url} ({state})"
    for section in TECHNICAL:
        assert not re.search(rf"\b{re.escape(section)}\b", text, re.IGNORECASE), (
            f"technical section « {section} » shown to an editor on {page.url} ({state})"
        )
    for path in TECHNICAL_PATHS:
        expect(page.locator(f"a[href^='{path}']")).to_have_count(0)


def test_an_editor_meets_an_accessible_catalogue_admin(new_page, catalogue):
    page = new_page(catalogue_editor())

    page.goto("/admin/")
    expect(page.locator("#site-name")).to_have_text("Administration — Diagnostic AEICT")
    expect(page.locator("#content-main caption")).to_have_count(1)
    expect(page.locator("#content-main caption")).to_contain_text("Préconisations")
    assert_french_catalogue_only(page, "admin index as a catalogue editor")

    question = Question.objects.get(recommendation__catalogue=catalogue, code="R1.Q1")
    page.goto(f"/admin/recommendations/question/{question.pk}/change/")
    assert_french_catalogue_only(page, "a published question, read-only")
    page.get_by_role("link", name="Créer une version brouillon pour la modifier").click()
    assert_french_catalogue_only(page, "asked to create a draft")
    page.get_by_role("button", name="Créer la version brouillon").click()
    expect(page.locator(".messagelist")).to_contain_text("Nouvelle version brouillon")
    expect(page.get_by_role("button", name="Enregistrer", exact=True)).to_be_visible()
    assert_french_catalogue_only(page, "the draft's copy of the question")

    # The check does see the technical sections, where they are shown: to a superuser.
    page = new_page(UserFactory(is_staff=True, is_superuser=True))
    page.goto("/admin/")
    with pytest.raises(AssertionError, match="technical section"):
        assert_french_catalogue_only(page, "a superuser's index")


def test_an_editor_drafts_edits_compares_and_publishes(new_page, catalogue):
    """The whole round of a catalogue change by an editor who is not a superuser."""
    editor = catalogue_editor()
    assert not editor.is_superuser
    page = new_page(editor)
    published = Question.objects.get(recommendation__catalogue=catalogue, code="R1.Q1")

    # A published question cannot be edited: the page offers a draft instead.
    page.goto(f"/admin/recommendations/question/{published.pk}/change/")
    page.get_by_role("link", name="Créer une version brouillon pour la modifier").click()
    page.get_by_role("button", name="Créer la version brouillon").click()
    draft = CatalogueVersion.objects.get(status=VersionStatus.DRAFT)
    assert draft.pk != catalogue.pk
    expect(page).to_have_url(re.compile(r"/admin/recommendations/question/\d+/change/$"))

    # Edit the draft's copy of the question.
    new_text = "La collectivité a-t-elle adopté une stratégie internationale écrite et votée ?"
    page.locator("#id_text").fill(new_text)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert_french_catalogue_only(page, "the draft's question saved")
    copy = Question.objects.get(recommendation__catalogue=draft, code="R1.Q1")
    assert copy.text == new_text
    published.refresh_from_db()
    assert published.text != new_text  # the published version is untouched

    # The draft's page: its contents, and the comparison with the published version.
    page.goto(f"/admin/recommendations/catalogueversion/{draft.pk}/change/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_french_catalogue_only(page, "the draft version")
    page.get_by_role("link", name="Comparer avec la version précédente").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Comparer la version {draft.code}")
    changed = page.locator("tr[data-change='R1.Q1']")
    expect(changed.first).to_be_visible()
    expect(changed.filter(has_text=new_text)).to_have_count(1)
    expect(changed.filter(has_text=published.text)).to_have_count(1)
    assert_french_catalogue_only(page, "the draft compared with the published version")

    # Publish it.
    page.goto(f"/admin/recommendations/catalogueversion/{draft.pk}/change/")
    page.get_by_role("button", name="Publier cette version").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Version « {draft.code} » publiée.")
    assert_french_catalogue_only(page, "the version just published")
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    expect(page.get_by_role("button", name="Publier cette version")).to_have_count(0)
