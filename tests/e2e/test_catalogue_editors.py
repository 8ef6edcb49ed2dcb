"""A catalogue editor in the admin, in the browser: the catalogue only, in French, accessible."""

import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from recommendations.models import Question
from tests.e2e.helpers import check_page
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_an_editor_meets_an_accessible_catalogue_admin(new_page, catalogue):
    # Browser tests empty the database between tests (the live server needs committed data),
    # which takes away what data migrations wrote: the group is made again as its migration does.
    group, _created = Group.objects.get_or_create(name="Rédaction du catalogue")
    group.permissions.set(Permission.objects.filter(content_type__app_label="recommendations"))
    editor = UserFactory(is_staff=True)
    editor.groups.add(group)
    page = new_page(editor)

    page.goto("/admin/")
    expect(page.locator("#site-name")).to_have_text("Administration — Diagnostic AEICT")
    expect(page.locator("#content-main caption")).to_have_count(1)
    expect(page.locator("#content-main caption")).to_contain_text("Préconisations")
    check_page(page, "admin index as a catalogue editor")

    question = Question.objects.get(recommendation__catalogue=catalogue, code="R1.Q1")
    page.goto(f"/admin/recommendations/question/{question.pk}/change/")
    check_page(page, "a published question, read-only")
    page.get_by_role("link", name="Créer une version brouillon pour la modifier").click()
    check_page(page, "asked to create a draft")
    page.get_by_role("button", name="Créer la version brouillon").click()
    expect(page.locator(".messagelist")).to_contain_text("Nouvelle version brouillon")
    expect(page.get_by_role("button", name="Enregistrer", exact=True)).to_be_visible()
    check_page(page, "the draft's copy of the question")
