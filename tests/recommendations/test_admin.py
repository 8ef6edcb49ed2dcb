import pytest
import yaml
from django.urls import reverse

from recommendations.models import CatalogueVersion, Option, Question
from recommendations.services import create_draft_from
from tests.factories import DiagnosticFactory, UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def draft(catalogue):
    """A draft derived from the published catalogue: the only kind of version that is edited."""
    return create_draft_from(version=catalogue)


def question_form(question, **overrides):
    """The admin change form of a question with its levels/options inline, as posted."""
    options = list(question.options.order_by("position"))
    data = {
        "recommendation": question.recommendation_id,
        "code": question.code,
        "kind": question.kind,
        "text": question.text,
        "help_text": question.help_text,
        "unit": question.unit,
        "weight": str(question.weight),
        "required": "on" if question.required else "",
        "position": question.position,
        "options-TOTAL_FORMS": len(options),
        "options-INITIAL_FORMS": len(options),
        "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 1000,
    }
    if question.allows_not_applicable:
        data["allows_not_applicable"] = "on"
    for index, option in enumerate(options):
        prefix = f"options-{index}-"
        data.update(
            {
                prefix + "id": option.pk,
                prefix + "question": question.pk,
                prefix + "position": option.position,
                prefix + "label": option.label,
                prefix + "description": option.description,
                prefix + "score": "" if option.score is None else str(option.score),
            }
        )
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def change_url(question):
    return reverse("admin:recommendations_question_change", args=[question.pk])


def test_a_weight_of_zero_is_refused_on_the_field(admin_client, draft):
    question = Question.objects.filter(recommendation__catalogue=draft).first()
    response = admin_client.post(change_url(question), question_form(question, weight="0"))
    assert response.status_code == 200
    assert "Le poids doit être strictement positif." in response.content.decode()
    question.refresh_from_db()
    assert question.weight > 0


def test_a_scale_without_levels_is_refused(admin_client, draft):
    question = Question.objects.filter(recommendation__catalogue=draft, kind="scale").first()
    data = question_form(question)
    for index in range(question.options.count()):
        data[f"options-{index}-DELETE"] = "on"
    response = admin_client.post(change_url(question), data)
    assert "au moins deux niveaux" in response.content.decode()
    assert question.options.count() >= 2


def test_a_choice_option_outside_zero_one_is_refused(admin_client, draft):
    question = Question.objects.filter(recommendation__catalogue=draft, kind="choice").first()
    response = admin_client.post(
        change_url(question), question_form(question, **{"options-0-score": "1.5"})
    )
    assert "compris entre 0 et 1" in response.content.decode()
    assert Option.objects.get(question=question, position=0).score <= 1


def test_a_valid_edit_of_a_draft_is_saved(admin_client, draft):
    question = Question.objects.filter(recommendation__catalogue=draft).first()
    response = admin_client.post(change_url(question), question_form(question, weight="2"))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.weight == 2


def test_a_version_in_use_is_read_only_with_a_way_out(admin_client, catalogue):
    DiagnosticFactory(catalogue=catalogue)
    question = Question.objects.filter(recommendation__catalogue=catalogue).first()
    page = admin_client.get(change_url(question), follow=True).content.decode()
    assert "utilisée par au moins un diagnostic" in page
    response = admin_client.post(change_url(question), question_form(question, weight="3"))
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.weight != 3
    version_page = admin_client.get(
        reverse("admin:recommendations_catalogueversion_change", args=[catalogue.pk])
    ).content.decode()
    assert "Nouvelle version brouillon à partir de celle-ci" in version_page


def test_a_new_draft_copies_the_version(admin_client, catalogue):
    response = admin_client.post(
        reverse("admin:recommendations_catalogueversion_new_draft", args=[catalogue.pk])
    )
    assert response.status_code == 302
    draft = CatalogueVersion.objects.exclude(pk=catalogue.pk).get()
    assert draft.status == "draft"
    assert draft.derived_from == catalogue
    assert draft.recommendations.count() == 10
    assert (
        Question.objects.filter(recommendation__catalogue=draft).count()
        == Question.objects.filter(recommendation__catalogue=catalogue).count()
    )


def test_a_version_exports_back_to_the_data_file_format(admin_client, catalogue):
    response = admin_client.get(
        reverse("admin:recommendations_catalogueversion_export", args=[catalogue.pk])
    )
    data = yaml.safe_load(response.content.decode())
    assert data["version"] == catalogue.code
    assert len(data["recommendations"]) == 10


def test_the_admin_lists_filter_by_version(admin_client, catalogue):
    url = reverse("admin:recommendations_question_changelist")
    response = admin_client.get(
        url, {"recommendation__catalogue__id__exact": catalogue.pk, "q": "partenariat"}
    )
    assert response.status_code == 200
    assert "R1.Q1" in response.content.decode()


def test_platform_administrators_edit_a_collectivite_with_a_valid_siren_only(admin_client):
    # Collectivités are added through the official list (tests/territories); the admin still
    # edits them, and checks the SIREN's key when it does.
    from tests.factories import CollectiviteFactory

    collectivite = CollectiviteFactory(siren="732829320")
    url = reverse("admin:accounts_collectivite_change", args=[collectivite.pk])
    base = {
        "name": "Ville de Test",
        "kind": "commune",
        "population": "12000",
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    refused = admin_client.post(url, {**base, "siren": "123456789"})
    assert "SIREN n’est pas valide" in refused.content.decode()
    collectivite.refresh_from_db()
    assert collectivite.siren == "732829320"
    accepted = admin_client.post(url, {**base, "siren": "552100554"})
    assert accepted.status_code == 302
    collectivite.refresh_from_db()
    assert (collectivite.siren, collectivite.name) == ("552100554", "Ville de Test")


def test_the_admin_lists_people_and_diagnostics(admin_client, catalogue):
    DiagnosticFactory(catalogue=catalogue)
    for name in ["accounts_user", "diagnostics_diagnostic", "accounts_collectivite"]:
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


@pytest.fixture
def rules(db):
    from tests.catalogues import load_rules_catalogue

    version = create_draft_from(version=load_rules_catalogue())
    return {q.code: q for q in Question.objects.filter(recommendation__catalogue=version)}


def test_the_admin_saves_an_applicability_rule(admin_client, rules):
    question = rules["R1.Q5"]
    response = admin_client.post(
        change_url(question),
        question_form(
            question,
            applies_to_kinds=["commune", "metropole"],
            condition_question=rules["R1.Q1"].pk,
            condition_values="[false]",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    question.refresh_from_db()
    assert question.applies_to_kinds == ["commune", "metropole"]
    assert question.condition_question == rules["R1.Q1"]
    assert question.condition_values == [False]


def test_the_admin_refuses_a_condition_on_a_later_question(admin_client, rules):
    question = rules["R1.Q1"]
    response = admin_client.post(
        change_url(question),
        question_form(question, condition_question=rules["R1.Q3"].pk, condition_values="[1]"),
    )
    assert response.status_code == 200
    assert "La condition doit porter sur une question précédente" in response.content.decode()
    question.refresh_from_db()
    assert question.condition_question is None


def test_the_admin_refuses_accepted_answers_the_question_cannot_hold(admin_client, rules):
    question = rules["R2.Q1"]
    response = admin_client.post(
        change_url(question),
        question_form(question, condition_question=rules["R1.Q2"].pk, condition_values="[7]"),
    )
    assert response.status_code == 200
    assert "Réponses acceptées invalides pour R1.Q2" in response.content.decode()


def test_the_admin_refuses_an_exclusive_option_outside_a_multi_choice(admin_client, rules):
    question = rules["R2.Q1"]
    response = admin_client.post(
        change_url(question),
        question_form(
            question,
            condition_question=rules["R1.Q2"].pk,
            condition_values="[2, 3]",
            **{"options-0-exclusive": "on"},
        ),
    )
    assert response.status_code == 200
    assert "Seule une option d’un choix multiple peut être exclusive." in response.content.decode()
