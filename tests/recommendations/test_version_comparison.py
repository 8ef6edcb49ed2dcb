"""The version page's « Comparer avec la version précédente »: question by question, what was
added, removed or changed between 2026.1 and 2026.2, shown to a catalogue editor."""

import pytest
import yaml
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations.comparison import ADDED, CHANGED, REMOVED, compare_versions, previous_version
from recommendations.models import CatalogueVersion
from recommendations.services import create_draft_from
from tests.factories import UserFactory


@pytest.fixture
def editor_client(client, db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Rédaction du catalogue"))
    client.force_login(user)
    return client


def compare_url(version, **params):
    url = reverse("admin:recommendations_catalogueversion_compare", args=[version.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def by_code(comparison):
    return {change.code: change for change in comparison.questions}


def test_2026_2_compared_with_2026_1_question_by_question(catalogue, catalogue_2026_2):
    comparison = compare_versions(catalogue, catalogue_2026_2)
    changes = by_code(comparison)
    added = sorted(code for code, c in changes.items() if c.status == ADDED)
    removed = sorted(code for code, c in changes.items() if c.status == REMOVED)
    assert added == ["R1.Q9", "R8.Q10", "R8.Q7", "R8.Q8", "R8.Q9"]
    assert removed == ["R7.Q4", "R8.Q3"]
    assert comparison.counts == {ADDED: 5, REMOVED: 2, CHANGED: len(changes) - 7}

    # R1.Q1's text and options changed, nothing else; before and after are both shown.
    r1q1 = changes["R1.Q1"]
    assert r1q1.status == CHANGED
    assert [f.label for f in r1q1.fields] == ["Texte", "Options"]
    text = r1q1.fields[0]
    old_text = catalogue.recommendations.get(number=1).questions.get(code="R1.Q1").text
    new_text = catalogue_2026_2.recommendations.get(number=1).questions.get(code="R1.Q1").text
    assert (text.before, text.after) == (old_text, new_text)
    # A question whose only change is its applicability says so.
    assert "Collectivités concernées" in [f.label for f in changes["R2.Q4"].fields]
    assert "Condition" in [f.label for f in changes["R1.Q3"].fields]
    # Codes in catalogue order, R8.Q10 after R8.Q9.
    codes = [c.code for c in comparison.questions]
    assert codes.index("R8.Q9") < codes.index("R8.Q10") < codes.index("R9.Q1")
    # Préconisation 8's explanation changed.
    r8 = {c.code: c for c in comparison.recommendations}["R8"]
    assert "Explication" in [f.label for f in r8.fields]


def test_a_version_compared_with_itself_shows_no_change(catalogue):
    comparison = compare_versions(catalogue, catalogue)
    assert comparison.questions == [] and comparison.recommendations == []


def test_a_weight_changed_in_a_draft_is_shown(catalogue):
    draft = create_draft_from(version=catalogue)
    question = draft.recommendations.get(number=2).questions.get(code="R2.Q1")
    question.weight = 3
    question.save()
    assert previous_version(draft) == catalogue
    change = by_code(compare_versions(catalogue, draft))["R2.Q1"]
    assert [(f.label, f.after) for f in change.fields] == [("Poids", "3")]


def test_the_version_page_offers_the_comparison_and_the_export(editor_client, catalogue):
    page = editor_client.get(
        reverse("admin:recommendations_catalogueversion_change", args=[catalogue.pk])
    ).content.decode()
    assert compare_url(catalogue) in page
    assert "Comparer avec la version précédente" in page
    assert reverse("admin:recommendations_catalogueversion_export", args=[catalogue.pk]) in page


def test_an_editor_reads_the_comparison_with_the_previous_version(
    editor_client, catalogue, catalogue_2026_2, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = editor_client.get(compare_url(catalogue_2026_2))
    assert response.status_code == 200
    page = response.content.decode()
    assert "De la version 2026.1 à la version 2026.2" in page
    for code in ["R1.Q9", "R7.Q4", "R1.Q1"]:
        assert f'data-change="{code}"' in page
    assert "<caption>Questions ajoutées, supprimées ou modifiées</caption>" in page
    assert '<label for="id_avec">' in page


def test_the_query_count_does_not_grow_with_the_changes(editor_client, catalogue, catalogue_2026_2):
    # A draft of 2026.2 with one change, then 2026.2 against 2026.1 with dozens: the same
    # number of queries (after a first request, which loads the session).
    draft = create_draft_from(version=catalogue_2026_2)
    question = draft.recommendations.get(number=2).questions.get(code="R2.Q1")
    question.weight = 3
    question.save()
    editor_client.get(compare_url(catalogue))
    with CaptureQueriesContext(connection) as small:
        response = editor_client.get(compare_url(draft, avec=catalogue_2026_2.pk))
    assert response.content.decode().count("data-change=") == 1
    with CaptureQueriesContext(connection) as large:
        response = editor_client.get(compare_url(catalogue_2026_2, avec=catalogue.pk))
    assert response.content.decode().count("data-change=") > 50
    assert len(large) <= len(small)


def test_the_first_version_and_an_unknown_choice_are_explained(editor_client, catalogue):
    page = editor_client.get(compare_url(catalogue)).content.decode()
    assert "il n’y a pas de version précédente" in page
    response = editor_client.get(compare_url(catalogue, avec=999999))
    assert response.status_code == 200
    assert "Cette version n’existe pas" in response.content.decode()
    assert editor_client.get(compare_url(catalogue, avec="abc")).status_code == 200


def test_the_export_is_the_catalogue_file_format(editor_client, catalogue_2026_2):
    response = editor_client.get(
        reverse("admin:recommendations_catalogueversion_export", args=[catalogue_2026_2.pk])
    )
    content = yaml.safe_load(response.content)
    assert content["version"] == "2026.2"
    assert CatalogueVersion.objects.count() == 2


def test_a_stranger_does_not_reach_the_comparison(client, catalogue):
    client.force_login(UserFactory())
    response = client.get(compare_url(catalogue))
    assert response.status_code in (302, 404)
