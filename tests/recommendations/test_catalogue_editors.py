"""Catalogue editors: staff in the « Rédaction du catalogue » group, who meet an admin in French
showing the catalogue only, its versions named everywhere, and a way from a published version
to a draft."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from recommendations.models import CatalogueVersion, Question
from tests.factories import UserFactory

GROUP = "Rédaction du catalogue"


@pytest.fixture
def editor(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def question_url(question):
    return reverse("admin:recommendations_question_change", args=[question.pk])


def test_the_group_holds_the_catalogue_permissions_and_no_other(db):
    permissions = Permission.objects.filter(group__name=GROUP)
    assert {p.content_type.app_label for p in permissions} == {"recommendations"}
    assert permissions.filter(codename="change_question").exists()
    assert (
        permissions.count()
        == Permission.objects.filter(content_type__app_label="recommendations").count()
    )


def test_an_editor_sees_only_the_catalogue_in_french(editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()
    assert "Administration — Diagnostic AEICT" in page
    assert "Préconisations" in page
    for app_label in ["recommendations"]:
        assert reverse("admin:app_list", args=[app_label]) in page
    for hidden in ["axes", "django_tasks_database", "territories", "auth", "accounts"]:
        assert reverse("admin:app_list", args=[hidden]) not in page
    for english in ["Django", "Tasks Database Backend", "Axes", "ecommandation"]:
        assert english not in page


def test_an_editor_is_refused_the_technical_sections(editor, editor_client):
    # Even given a technical permission by mistake, a staff member who is not superuser is refused.
    editor.user_permissions.add(Permission.objects.get(codename="view_accessattempt"))
    response = editor_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 403


def test_a_superuser_still_sees_the_technical_sections(superuser_client):
    page = superuser_client.get(reverse("admin:index")).content.decode()
    for app_label in ["axes", "django_tasks_database", "territories", "auth", "recommendations"]:
        assert reverse("admin:app_list", args=[app_label]) in page
    response = superuser_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200


def test_a_published_question_reads_only_with_a_way_to_a_draft(editor_client, catalogue):
    question = Question.objects.filter(recommendation__catalogue=catalogue, code="R1.Q1").get()
    page = editor_client.get(question_url(question)).content.decode()
    assert "Créer une version brouillon pour la modifier" in page
    assert "est publiée" in page
    assert 'name="_save"' not in page
    assert "errornote" not in page
    refused = editor_client.post(question_url(question), {"weight": "3"})
    assert refused.status_code == 403


def test_the_way_out_asks_then_leads_to_the_drafts_copy_of_the_question(editor_client, catalogue):
    question = Question.objects.filter(recommendation__catalogue=catalogue, code="R1.Q1").get()
    url = reverse("admin:recommendations_catalogueversion_new_draft", args=[catalogue.pk])
    asked = editor_client.get(url, {"depuis": f"question:{question.pk}"})
    assert asked.status_code == 200
    assert "Créer la version brouillon" in asked.content.decode()
    assert not CatalogueVersion.objects.exclude(pk=catalogue.pk).exists()

    response = editor_client.post(url, {"depuis": f"question:{question.pk}"})

    draft = CatalogueVersion.objects.exclude(pk=catalogue.pk).get()
    copy = Question.objects.get(recommendation__catalogue=draft, code="R1.Q1")
    assert response.status_code == 302
    assert response["Location"] == question_url(copy)
    page = editor_client.get(question_url(copy)).content.decode()
    assert 'name="_save"' in page
    assert "Créer une version brouillon pour la modifier" not in page


def test_dropdowns_and_lists_name_the_version(editor_client, catalogue):
    from recommendations.services import create_draft_from

    draft = create_draft_from(version=catalogue)
    form = editor_client.get(reverse("admin:recommendations_suggestedaction_add"))
    page = form.content.decode()
    assert f"{catalogue.code} publiée — R1.Q1 — " in page
    assert f"{draft.code} — R1.Q1 — " in page
    # Actions are added to a draft's préconisations only.
    assert f"{draft.code} — 1. " in page
    assert f"{catalogue.code} publiée — 1. " not in page

    listing = editor_client.get(
        reverse("admin:recommendations_question_changelist"),
        {"recommendation__catalogue__id__exact": draft.pk},
    ).content.decode()
    assert draft.code in listing
    assert f"{catalogue.code} publiée" not in listing.split("result_list")[1]


def test_the_lists_do_not_query_per_row(editor_client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        editor_client.get(reverse("admin:recommendations_question_changelist"), {"all": ""})
    with django_assert_max_num_queries(15):
        editor_client.get(reverse("admin:recommendations_suggestedaction_changelist"))


def test_the_version_page_lists_its_content_and_publishes_a_draft(editor_client, catalogue):
    from recommendations.services import create_draft_from

    draft = create_draft_from(version=catalogue)
    url = reverse("admin:recommendations_catalogueversion_change", args=[draft.pk])
    page = editor_client.get(url).content.decode()
    question = Question.objects.get(recommendation__catalogue=draft, code="R1.Q1")
    assert question_url(question) in page
    recommendation = draft.recommendations.get(number=1)
    assert reverse("admin:recommendations_recommendation_change", args=[recommendation.pk]) in page
    assert "Publier cette version" in page

    response = editor_client.post(
        reverse("admin:recommendations_catalogueversion_publish", args=[draft.pk])
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None
    assert "Publier cette version" not in editor_client.get(url).content.decode()
