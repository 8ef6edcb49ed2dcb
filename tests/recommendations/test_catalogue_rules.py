"""Applicability rules, exclusive options and decimal precision in the catalogue file."""

import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from recommendations.catalogue_file import CatalogueFileError, dump_catalogue, normalise_catalogue
from recommendations.models import Option, Question
from recommendations.services import create_draft_from, export_catalogue
from tests.catalogues import load_rules_catalogue, rules_file


def problems(data) -> list[str]:
    with pytest.raises(CatalogueFileError) as error:
        normalise_catalogue(data)
    return error.value.problems


def question(data, code):
    return next(q for r in data["recommendations"] for q in r["questions"] if q["code"] == code)


@pytest.mark.django_db
def test_rules_become_the_question_fields_at_load():
    version = load_rules_catalogue()
    questions = {q.code: q for q in Question.objects.filter(recommendation__catalogue=version)}
    funding = list(Option.objects.filter(question=questions["R1.Q3"]).order_by("position"))
    assert questions["R1.Q2"].condition_question == questions["R1.Q1"]
    assert questions["R1.Q2"].condition_values == [True]
    assert questions["R1.Q4"].applies_to_kinds == ["departement", "region"]
    assert questions["R1.Q4"].condition_question is None
    assert questions["R1.Q5"].condition_values == [funding[0].pk]
    assert questions["R2.Q1"].condition_question == questions["R1.Q2"]
    assert questions["R2.Q1"].condition_values == [2, 3]
    assert [o.exclusive for o in funding] == [False, False, True]


@pytest.mark.django_db
def test_a_derived_draft_points_its_rules_at_its_own_rows():
    version = load_rules_catalogue()
    draft = create_draft_from(version=version)
    questions = {q.code: q for q in Question.objects.filter(recommendation__catalogue=draft)}
    funding = list(Option.objects.filter(question=questions["R1.Q3"]).order_by("position"))
    assert questions["R1.Q2"].condition_question == questions["R1.Q1"]
    assert questions["R1.Q5"].condition_question == questions["R1.Q3"]
    assert questions["R1.Q5"].condition_values == [funding[0].pk]
    assert questions["R1.Q4"].applies_to_kinds == ["departement", "region"]
    assert funding[2].exclusive
    assert (
        export_catalogue(draft)["recommendations"] == export_catalogue(version)["recommendations"]
    )


@pytest.mark.django_db
def test_the_export_writes_the_rules_back_as_the_file_has_them():
    version = load_rules_catalogue()
    exported = yaml.safe_load(dump_catalogue(export_catalogue(version)))
    assert question(exported, "R1.Q2")["asked_when"] == {"question": "R1.Q1", "is": True}
    assert question(exported, "R1.Q5")["asked_when"] == {"question": "R1.Q3", "options": [1]}
    assert question(exported, "R2.Q1")["asked_when"] == {"question": "R1.Q2", "levels": [2, 3]}
    assert question(exported, "R1.Q4")["applies_to"] == ["departement", "region"]
    assert "asked_when" not in question(exported, "R1.Q1")
    assert question(exported, "R1.Q3")["options"][2]["exclusive"] is True
    assert "exclusive" not in question(exported, "R1.Q3")["options"][0]
    assert normalise_catalogue(exported) == normalise_catalogue(rules_file())


def test_an_unknown_collectivite_kind_is_refused_with_its_place():
    data = rules_file()
    question(data, "R1.Q4")["applies_to"] = ["departement", "canton"]
    assert problems(data) == [
        "recommandation 1 › question R1.Q4 : « applies_to » : type de collectivité « canton » "
        "inconnu (attendus : commune, epci, metropole, departement, region, autre)"
    ]


def test_a_condition_on_an_unknown_question_is_refused_with_its_place():
    data = rules_file()
    question(data, "R1.Q2")["asked_when"] = {"question": "R9.Q1", "is": True}
    assert problems(data) == [
        "recommandation 1 › question R1.Q2 › asked_when : la question « R9.Q1 » n’existe pas "
        "dans le catalogue"
    ]


@pytest.mark.parametrize(
    ("code", "target"),
    [("R1.Q3", "R2.Q1"), ("R1.Q1", "R1.Q3")],
    ids=["later recommendation", "later in the same recommendation"],
)
def test_a_condition_on_a_later_question_is_refused(code, target):
    data = rules_file()
    question(data, code)["asked_when"] = {"question": target, "options": [1]}
    [problem] = problems(data)
    assert problem.startswith(f"recommandation 1 › question {code} › asked_when : ")
    assert f"la question « {target} » vient plus loin dans le catalogue" in problem


def test_a_condition_on_a_later_question_in_a_lower_position_of_the_file_is_refused():
    # The questionnaire resolves rules by recommendation number, whatever the file's order.
    data = rules_file()
    data["recommendations"].reverse()
    question(data, "R1.Q3")["asked_when"] = {"question": "R2.Q1", "options": [1]}
    assert any("« R2.Q1 » vient plus loin" in p for p in problems(data))


def test_a_cycle_is_refused_with_the_chain():
    data = rules_file()
    question(data, "R1.Q1")["asked_when"] = {"question": "R1.Q2", "levels": [1]}
    found = problems(data)
    assert any(
        p.startswith("recommandation 1 › question R1.Q1 › asked_when : ")
        and "cycle (R1.Q1 → R1.Q2 → R1.Q1)" in p
        for p in found
    ), found


def test_a_condition_on_itself_is_a_cycle():
    data = rules_file()
    question(data, "R1.Q1")["asked_when"] = {"question": "R1.Q1", "is": True}
    assert problems(data) == [
        "recommandation 1 › question R1.Q1 › asked_when : une question ne peut pas dépendre "
        "d’elle-même (cycle)"
    ]


@pytest.mark.parametrize(
    ("code", "asked_when", "message"),
    [
        (
            "R1.Q5",
            {"question": "R1.Q3", "options": [4]},
            "la question « R1.Q3 » n’a pas d’option 4 (de 1 à 3)",
        ),
        (
            "R1.Q5",
            {"question": "R1.Q3", "options": [0]},
            "la question « R1.Q3 » n’a pas d’option 0 (de 1 à 3)",
        ),
        (
            "R2.Q1",
            {"question": "R1.Q2", "levels": [4]},
            "la question « R1.Q2 » n’a pas de niveau 4",
        ),
        ("R1.Q2", {"question": "R1.Q1", "is": "oui"}, "« is » doit valoir true ou false"),
        (
            "R1.Q2",
            {"question": "R1.Q1", "options": [1]},
            "les réponses acceptées s’écrivent « is »",
        ),
    ],
)
def test_accepted_answers_that_do_not_exist_are_refused(code, asked_when, message):
    data = rules_file()
    question(data, code)["asked_when"] = asked_when
    [problem] = problems(data)
    assert problem.startswith(f"recommandation {code[1]} › question {code} › asked_when : ")
    assert message in problem


def test_a_condition_on_a_text_or_number_question_is_refused():
    data = rules_file()
    question(data, "R2.Q1")["asked_when"] = {"question": "R1.Q5", "is": True}
    [problem] = problems(data)
    assert "la question « R1.Q5 » est de type « text »" in problem
    assert problem.startswith("recommandation 2 › question R2.Q1 › asked_when : ")


def test_only_a_multi_choice_option_can_be_exclusive():
    data = rules_file()
    question(data, "R2.Q1")["options"][0]["exclusive"] = True
    assert problems(data) == [
        "recommandation 2 › question R2.Q1 › option 1 : seule une option d’un choix multiple "
        "peut être exclusive"
    ]


@pytest.mark.parametrize(
    ("where", "key", "value", "message"),
    [
        ("question", "weight", 0.125, "« weight » a trop de décimales (reçu : 0.125) : 2 chiffres"),
        ("option", "score", 0.00004, "« score » a trop de décimales (reçu : 4e-05) : 4 chiffres"),
        ("option", "score", 0.12345, "« score » a trop de décimales (reçu : 0.12345) : 4 chiffres"),
        ("recommendation", "weight", 1.001, "« weight » a trop de décimales (reçu : 1.001) : 2"),
    ],
)
def test_more_decimals_than_the_database_keeps_are_refused_with_the_place(
    where, key, value, message
):
    data = rules_file()
    target = {
        "question": question(data, "R1.Q1"),
        "option": question(data, "R2.Q1")["options"][1],
        "recommendation": data["recommendations"][0],
    }[where]
    target[key] = value
    [problem] = problems(data)
    place = {
        "question": "recommandation 1 › question R1.Q1 : ",
        "option": "recommandation 2 › question R2.Q1 › option 2 : ",
        "recommendation": "recommandation 1 : ",
    }[where]
    assert problem.startswith(place) and message in problem, problem


def test_as_many_decimals_as_the_database_keeps_are_accepted():
    data = rules_file()
    question(data, "R1.Q1")["weight"] = 0.25
    question(data, "R2.Q1")["options"][1]["score"] = 0.3333
    question(data, "R2.Q1")["options"][2]["score"] = 1.0
    normalise_catalogue(data)


@pytest.mark.django_db
def test_loading_the_same_file_twice_reports_no_change(tmp_path):
    path = tmp_path / "regles.yaml"
    path.write_text(yaml.safe_dump(rules_file(), allow_unicode=True), encoding="utf-8")
    first, second = io.StringIO(), io.StringIO()
    call_command("loadcatalogue", str(path), stdout=first)
    call_command("loadcatalogue", str(path), stdout=second)
    assert "chargée\u00a0: 2 recommandations" in first.getvalue()
    assert "aucun changement" in second.getvalue()


@pytest.mark.django_db
def test_the_command_lists_every_rule_error_and_writes_nothing(tmp_path):
    data = rules_file()
    question(data, "R1.Q4")["applies_to"] = ["canton"]
    question(data, "R1.Q2")["asked_when"] = {"question": "R9.Q1", "is": True}
    path = tmp_path / "regles.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("loadcatalogue", str(path))
    assert "R1.Q4 : « applies_to » : type de collectivité « canton » inconnu" in str(error.value)
    assert "R1.Q2 › asked_when : la question « R9.Q1 » n’existe pas" in str(error.value)
    assert not Question.objects.exists()
