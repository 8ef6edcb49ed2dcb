"""English translations of the catalogue: texts in the active language with a French fallback,
the data file's ``_en`` keys, the translations command and the admin's translation status."""

import copy

import pytest
import yaml
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from recommendations.catalogue_file import (
    CatalogueFileError,
    dump_catalogue,
    normalise_catalogue,
    strip_translations,
)
from recommendations.comparison import compare_versions
from recommendations.models import CatalogueVersion, Option, Question, Recommendation
from recommendations.selectors import translation_status
from recommendations.services import (
    CatalogueVersionInUse,
    create_draft_from,
    export_catalogue,
    load_catalogue,
)
from tests.catalogues import RULES, without_translations
from tests.factories import DiagnosticFactory, UserFactory


def render(template: str, **context) -> str:
    return Template("{% load catalogue_i18n %}" + template).render(Context(context))


# --- Reading a text in the active language ----------------------------------------------------


def test_an_english_page_reads_the_translation_and_a_french_page_the_original():
    question = Question(text="Les partenariats sont-ils recensés ?", text_en="Are they listed?")
    with translation.override("en"):
        assert question.localized("text") == "Are they listed?"
        assert not question.is_fallback("text")
    with translation.override("fr"):
        assert question.localized("text") == "Les partenariats sont-ils recensés ?"
        assert not question.is_fallback("text")


def test_a_missing_translation_falls_back_to_french_and_says_so():
    question = Question(text="Les partenariats sont-ils recensés ?", help_text="")
    with translation.override("en"):
        assert question.localized("text") == "Les partenariats sont-ils recensés ?"
        assert question.is_fallback("text")
        # An empty French text is not a fallback: nothing is shown.
        assert not question.is_fallback("help_text")


def test_the_language_is_read_at_each_access_not_when_the_object_was_loaded(catalogue):
    from diagnostics.catalogue import catalogue_data

    Question.objects.filter(recommendation__catalogue=catalogue, code="R1.Q1").update(
        text_en="Are partnerships listed?"
    )
    with translation.override("fr"):
        cached = catalogue_data(catalogue.pk).question_by_code("R1.Q1")
    with translation.override("en"):
        assert catalogue_data(catalogue.pk).question_by_code("R1.Q1") is cached
        assert cached.localized("text") == "Are partnerships listed?"
    with translation.override("fr"):
        assert cached.localized("text").startswith("Les partenariats internationaux")


def test_the_filters_mark_a_french_fallback_on_an_english_page_only():
    option = Option(label="Piloté <fin>", label_en="", description="Suivi", description_en="Run")
    with translation.override("en"):
        assert render('{{ o|localized:"label" }}', o=option) == (
            '<span lang="fr">Piloté &lt;fin&gt;</span>'
        )
        assert render('{{ o|localized:"description" }}', o=option) == "Run"
        assert render('<option label="{{ o|localized_plain:"label" }}">', o=option) == (
            '<option label="Piloté &lt;fin&gt;">'
        )
        assert render('<p{{ o|fallback_lang:"label" }}>', o=option) == '<p lang="fr">'
        assert render('<p{{ o|fallback_lang:"description" }}>', o=option) == "<p>"
    with translation.override("fr"):
        assert render('{{ o|localized:"label" }}', o=option) == "Piloté &lt;fin&gt;"
        assert render('{{ o|localized:"description" }}', o=option) == "Suivi"
        assert render('<p{{ o|fallback_lang:"label" }}>', o=option) == "<p>"


def test_the_study_wording_keeps_its_french_original_beside_its_translation():
    recommendation = Recommendation(wording="Mettre en place un diagnostic", wording_en="Set up")
    with translation.override("en"):
        html = render("{% study_wording r %}", r=recommendation)
    assert '<blockquote class="wording border-start border-3 ps-3" lang="fr">' in html
    assert "Mettre en place un diagnostic</blockquote>" in html
    assert "Translation:" in html and "Set up</p>" in html
    with translation.override("fr"):
        html = render("{% study_wording r %}", r=recommendation)
    assert "lang=" not in html and "Set up" not in html and "Traduction" not in html


def test_a_resource_label_falls_back_to_french_marked_as_such():
    from recommendations.models import SuggestedAction

    action = SuggestedAction(
        resources=[
            "Agences de l’eau",
            {"label": "Guide", "label_en": "Handbook", "url": ""},
            {"label": "CNFPT", "url": "https://www.cnfpt.fr/"},
        ]
    )
    with translation.override("en"):
        links = action.resource_links
    assert links == [
        {"label": "Agences de l’eau", "url": "", "lang": "fr"},
        {"label": "Handbook", "url": "", "lang": ""},
        {"label": "CNFPT", "url": "https://www.cnfpt.fr/", "lang": "fr"},
    ]
    with translation.override("fr"):
        assert [link["label"] for link in action.resource_links] == [
            "Agences de l’eau",
            "Guide",
            "CNFPT",
        ]


# --- The data file ----------------------------------------------------------------------------


def translated_rules() -> dict:
    data = copy.deepcopy(RULES)
    data["title_en"] = "Rules test catalogue"
    recommendation = data["recommendations"][0]
    recommendation["short_title_en"] = "Steering"
    recommendation["wording_en"] = "Steer international action"
    recommendation["questions"][0]["text_en"] = "Has an elected official been given a remit?"
    recommendation["questions"][1]["levels"] = [dict(level) for level in RULES_LEVELS()]
    recommendation["questions"][1]["levels"][0]["label_en"] = "None"
    recommendation["questions"][1]["levels"][0]["description_en"] = "Nothing is done."
    recommendation["questions"][2]["options"][0]["label_en"] = "EU funds"
    recommendation.setdefault("actions", []).append(
        {
            "title": "Nommer un élu",
            "title_en": "Appoint an elected official",
            "resources": [
                {"label": "Guide", "label_en": "Handbook"},
                {"label": "CNFPT", "label_en": "CNFPT", "url": "https://www.cnfpt.fr/"},
                "Agences de l’eau",
            ],
        }
    )
    return data


def RULES_LEVELS():
    return RULES["recommendations"][0]["questions"][1]["levels"]


def test_the_file_round_trips_with_its_english_keys_right_after_the_french_ones(db):
    catalogue = normalise_catalogue(translated_rules())
    text = dump_catalogue(catalogue)

    assert normalise_catalogue(yaml.safe_load(text)) == catalogue
    assert "- label: Guide\n" in text and "label_en: Handbook\n" in text

    version, _changed = load_catalogue(catalogue=catalogue)
    assert export_catalogue(version) == catalogue
    question = Question.objects.get(recommendation__catalogue=version, code="R1.Q1")
    assert question.text_en == "Has an elected official been given a remit?"
    assert Option.objects.get(question__code="R1.Q2", position=0).label_en == "None"
    assert version.title_en == "Rules test catalogue"


def test_each_english_key_sits_on_the_line_after_its_french_text():
    text = dump_catalogue(normalise_catalogue(translated_rules()))
    lines = text.splitlines()
    for index, line in enumerate(lines):
        stripped = line.lstrip(" -")
        if stripped.split(":")[0].endswith("_en") and not stripped.startswith("{"):
            key = stripped.split(":")[0][: -len("_en")]
            indent = len(line) - len(line.lstrip(" -"))
            previous = lines[index - 1]
            assert previous.lstrip(" -").startswith(f"{key}:") or (
                # A long French text wrapped over several lines: its key is further up.
                len(previous) - len(previous.lstrip()) > indent
            ), (previous, line)


def test_the_loader_refuses_a_translation_that_is_not_a_text_or_translates_nothing():
    data = translated_rules()
    data["recommendations"][0]["questions"][0]["text_en"] = ["not", "a", "text"]
    data["recommendations"][0]["explanation_en"] = "Translation of nothing"
    with pytest.raises(CatalogueFileError) as error:
        normalise_catalogue(data)
    problems = [p.replace("\u00a0", " ") for p in error.value.problems]
    assert "recommandation 1 › question R1.Q1 : « text_en » doit être un texte" in problems
    assert "recommandation 1 : « explanation_en » traduit un texte « explanation » vide" in problems


def test_translations_are_ignored_by_what_scores_depend_on():
    french = copy.deepcopy(RULES)
    french["recommendations"][0]["actions"] = [
        {
            "title": "Nommer un élu",
            "resources": [
                "Guide",
                {"label": "CNFPT", "url": "https://www.cnfpt.fr/"},
                "Agences de l’eau",
            ],
        }
    ]
    with_english = normalise_catalogue(translated_rules())
    assert with_english != normalise_catalogue(french)
    assert strip_translations(with_english) == normalise_catalogue(french)


# --- Loading translations into a stored version ------------------------------------------------


@pytest.fixture
def catalogue(catalogue):
    """The 2026.1 version without the English texts of its file: these tests translate it."""
    return without_translations(catalogue)


@pytest.fixture
def rules_in_use(db):
    version, _changed = load_catalogue(catalogue=normalise_catalogue(copy.deepcopy(RULES)))
    DiagnosticFactory(catalogue=version)
    return version


def write(tmp_path, data) -> str:
    path = tmp_path / "catalogue.yaml"
    path.write_text(dump_catalogue(normalise_catalogue(data)), encoding="utf-8")
    return str(path)


def test_the_command_loads_translations_into_a_version_in_use(rules_in_use, tmp_path, capsys):
    data = translated_rules()
    data["recommendations"][0].pop("actions")  # RULES has none: same structure
    call_command("load_catalogue_translations", write(tmp_path, data))

    assert "mis à jour" in capsys.readouterr().out
    question = Question.objects.get(recommendation__catalogue=rules_in_use, code="R1.Q1")
    assert question.text_en == "Has an elected official been given a remit?"
    assert (
        Option.objects.get(
            question__recommendation__catalogue=rules_in_use, question__code="R1.Q2", position=0
        ).label_en
        == "None"
    )
    assert Recommendation.objects.get(catalogue=rules_in_use, number=1).wording_en == (
        "Steer international action"
    )
    assert CatalogueVersion.objects.count() == 1


def test_the_command_refuses_a_file_whose_french_texts_differ_and_writes_nothing(
    rules_in_use, tmp_path
):
    data = translated_rules()
    data["recommendations"][0].pop("actions")
    data["recommendations"][0]["questions"][0]["text"] = "Un autre intitulé ?"
    with pytest.raises(CommandError) as error:
        call_command("load_catalogue_translations", write(tmp_path, data))

    assert "Les textes français du fichier diffèrent" in str(error.value)
    assert "Un autre intitulé ?" in str(error.value)
    assert "Rien n’a été modifié" in str(error.value)
    assert not Question.objects.exclude(text_en="").exists()
    assert not Recommendation.objects.exclude(wording_en="").exists()


def test_the_command_refuses_an_unknown_version(db, tmp_path):
    with pytest.raises(CommandError, match="Aucune version du catalogue"):
        call_command("load_catalogue_translations", write(tmp_path, translated_rules()))


def test_loadcatalogue_writes_a_translation_only_change_in_place(rules_in_use):
    data = translated_rules()
    data["recommendations"][0].pop("actions")
    version, changed = load_catalogue(catalogue=normalise_catalogue(data))
    assert changed and version == rules_in_use
    assert Question.objects.get(code="R1.Q1").text_en.startswith("Has an elected")
    # Loading it again changes nothing; a French change to a used version is still refused.
    assert load_catalogue(catalogue=normalise_catalogue(data)) == (version, False)
    data["recommendations"][0]["questions"][0]["text"] = "Autre ?"
    with pytest.raises(CatalogueVersionInUse):
        load_catalogue(catalogue=normalise_catalogue(data))


def test_the_comparison_flags_a_translation_only_change(rules_in_use):
    draft = create_draft_from(version=rules_in_use)
    Question.objects.filter(recommendation__catalogue=draft, code="R1.Q1").update(
        text_en="Has an official a remit?"
    )
    Option.objects.filter(
        question__recommendation__catalogue=draft, question__code="R1.Q3", position=0
    ).update(label_en="EU funds")
    Question.objects.filter(recommendation__catalogue=draft, code="R1.Q4").update(weight=3)

    comparison = compare_versions(rules_in_use, draft)
    by_code = {change.code: change for change in comparison.questions}

    assert by_code["R1.Q1"].translation_only
    assert by_code["R1.Q1"].status_label == "Traduction modifiée"
    assert [f.after for f in by_code["R1.Q1"].fields] == ["Has an official a remit?"]
    assert by_code["R1.Q3"].translation_only
    assert by_code["R1.Q3"].fields[0].after.splitlines()[0] == "EU funds"
    assert not by_code["R1.Q4"].translation_only


# --- Administration -----------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Rédaction du catalogue"))
    client.force_login(user)
    return client


def french_texts(version) -> int:
    """The version's non-empty French texts, counted independently of the selector."""
    total = 1 if version.title else 0
    for model, lookup in [
        (Recommendation, "catalogue"),
        (Question, "recommendation__catalogue"),
        (Option, "question__recommendation__catalogue"),
    ]:
        for row in model.objects.filter(**{lookup: version}).values(*model.translated_fields):
            total += sum(1 for value in row.values() if value)
    from recommendations.models import SuggestedAction

    for action in SuggestedAction.objects.filter(recommendation__catalogue=version):
        total += sum(1 for name in action.translated_fields if getattr(action, name))
        total += len(action.resources)
    return total


def test_the_version_page_counts_the_translated_texts_and_lists_the_missing_ones(
    editor_client, catalogue, django_assert_max_num_queries
):
    Question.objects.filter(recommendation__catalogue=catalogue, code="R1.Q1").update(
        text_en="Are partnerships listed?", help_text_en="Count every partnership."
    )
    Recommendation.objects.filter(catalogue=catalogue, number=2).update(short_title_en="Strategy")
    total = french_texts(catalogue)

    status = translation_status(catalogue)
    assert (status.translated, status.total) == (3, total)

    page = editor_client.get(
        reverse("admin:recommendations_catalogueversion_change", args=[catalogue.pk])
    ).content.decode()
    assert f"3 textes sur {total} traduits en anglais." in page
    url = reverse("admin:recommendations_catalogueversion_translations", args=[catalogue.pk])
    assert url in page
    with django_assert_max_num_queries(12):
        listing = editor_client.get(url).content.decode()
    assert f"3 textes sur {total} traduits en anglais." in listing
    r1q1 = Question.objects.get(recommendation__catalogue=catalogue, code="R1.Q1")
    translate = reverse("admin:recommendations_question_translate", args=[r1q1.pk])
    # R1.Q1 still lacks its levels' translations: listed, linked to its translation form.
    assert translate in listing
    assert 'data-missing="question"' in listing


def test_the_missing_translation_filter_lists_untranslated_questions(editor_client, catalogue):
    questions = Question.objects.filter(recommendation__catalogue=catalogue)
    done = questions.first()
    done.text_en, done.help_text_en, done.unit_en = "Translated", "Help", "Unit"
    done.save()
    Option.objects.filter(question=done).update(label_en="x", description_en="y")
    url = reverse("admin:recommendations_question_changelist")

    missing = editor_client.get(url, {"traduction_manquante": "oui"})
    complete = editor_client.get(url, {"traduction_manquante": "non"})

    assert missing.context["cl"].result_count == questions.count() - 1
    assert [q.pk for q in complete.context["cl"].result_list] == [done.pk]
    page = editor_client.get(reverse("admin:recommendations_recommendation_changelist"))
    assert "traduction manquante" in page.content.decode()


def test_an_editor_translates_a_published_version_without_touching_its_french(
    editor_client, catalogue
):
    DiagnosticFactory(catalogue=catalogue)
    question = Question.objects.get(recommendation__catalogue=catalogue, code="R1.Q1")
    french = question.text
    levels = list(question.options.order_by("position"))
    change_page = editor_client.get(
        reverse("admin:recommendations_question_change", args=[question.pk])
    ).content.decode()
    url = reverse("admin:recommendations_question_translate", args=[question.pk])
    assert url in change_page

    form = editor_client.get(url)
    assert form.status_code == 200
    assert french in form.content.decode()
    data = {
        "text": "Texte changé en douce",
        "text_en": "Are partnerships listed?",
        "help_text_en": "",
        "unit_en": "",
        "weight": "9",
        "options-TOTAL_FORMS": len(levels),
        "options-INITIAL_FORMS": len(levels),
        "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 1000,
    }
    for index, level in enumerate(levels):
        data[f"options-{index}-id"] = level.pk
        data[f"options-{index}-question"] = question.pk
        data[f"options-{index}-label_en"] = f"Level {index}"
        data[f"options-{index}-label"] = "Changé"
    response = editor_client.post(url, data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text_en == "Are partnerships listed?"
    assert question.text == french and question.weight != 9
    assert [o.label_en for o in question.options.order_by("position")] == [
        f"Level {i}" for i in range(len(levels))
    ]
    assert [o.label for o in question.options.order_by("position")] == [o.label for o in levels]
    # The change form itself stays read-only.
    refused = editor_client.post(
        reverse("admin:recommendations_question_change", args=[question.pk]), {"weight": "3"}
    )
    assert refused.status_code == 403


def test_a_draft_edit_form_has_the_english_fieldset(editor_client, catalogue):
    draft = create_draft_from(version=catalogue)
    question = Question.objects.filter(recommendation__catalogue=draft).first()
    page = editor_client.get(
        reverse("admin:recommendations_question_change", args=[question.pk])
    ).content.decode()
    assert "Traduction anglaise" in page
    assert 'name="text_en"' in page and 'name="options-0-label_en"' in page


def test_an_action_s_resources_take_their_translation_but_keep_their_french(
    editor_client, catalogue
):
    import json

    from recommendations.models import SuggestedAction

    action = SuggestedAction.objects.filter(recommendation__catalogue=catalogue).first()
    action.resources = ["Agences de l’eau", {"label": "CNFPT", "url": "https://www.cnfpt.fr/"}]
    action.save()
    url = reverse("admin:recommendations_suggestedaction_translate", args=[action.pk])
    translated = [
        {"label": "Agences de l’eau", "label_en": "Water agencies"},
        {"label": "CNFPT", "label_en": "CNFPT", "url": "https://www.cnfpt.fr/"},
    ]

    changed_french = editor_client.post(
        url, {"title_en": "Build", "resources": json.dumps([{**translated[0], "label": "Autre"}])}
    )
    assert changed_french.status_code == 200
    action.refresh_from_db()
    assert action.title_en == "" and action.resources[0] == "Agences de l’eau"

    response = editor_client.post(url, {"title_en": "Build", "resources": json.dumps(translated)})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title_en == "Build"
    assert action.resources == [
        {"label": "Agences de l’eau", "label_en": "Water agencies", "url": ""},
        {"label": "CNFPT", "label_en": "CNFPT", "url": "https://www.cnfpt.fr/"},
    ]
    with translation.override("en"):
        assert [link["label"] for link in action.resource_links] == ["Water agencies", "CNFPT"]
