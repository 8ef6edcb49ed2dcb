import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from recommendations.catalogue_file import (
    CatalogueFileError,
    dump_catalogue,
    normalise_catalogue,
    read_catalogue_file,
)
from recommendations.enums import SCORED_KINDS, QuestionKind
from recommendations.models import CatalogueVersion, Option, Question, Recommendation
from recommendations.services import export_catalogue, load_catalogue
from tests.factories import DiagnosticFactory

STUDY = Path(__file__).resolve().parents[1] / "data" / "study_recommendations.json"


def test_wordings_are_the_study_text_verbatim(catalogue_content):
    study = json.loads(STUDY.read_text(encoding="utf-8"))["recommendations"]
    wordings = [(r["number"], r["wording"]) for r in catalogue_content["recommendations"]]
    assert wordings == [(r["number"], r["wording"]) for r in study]
    assert len(wordings) == 10


def test_catalogue_has_ten_recommendations_each_with_enough_questions_and_actions(
    catalogue_content,
):
    recommendations = catalogue_content["recommendations"]
    assert [r["number"] for r in recommendations] == list(range(1, 11))
    for rec in recommendations:
        scored = [q for q in rec["questions"] if q["kind"] in SCORED_KINDS]
        assert len(scored) >= 4, rec["number"]
        assert len(rec["questions"]) <= 8, rec["number"]
        assert len(rec["actions"]) >= 3, rec["number"]
        for question in rec["questions"]:
            if question["kind"] == QuestionKind.SCALE:
                assert len(question["options"]) >= 2
                assert all(o["label"] and o["description"] for o in question["options"])


def test_catalogue_has_the_informative_questions_the_report_needs(catalogue_content):
    questions = [q for r in catalogue_content["recommendations"] for q in r["questions"]]
    number_units = {q["unit"] for q in questions if q["kind"] == QuestionKind.NUMBER}
    assert {"partenariats", "jumelages", "€", "ETP"} <= number_units
    assert any("pays" in q["text"] for q in questions if q["kind"] == QuestionKind.TEXT)
    assert any("délégation" in q["text"] for q in questions if q["kind"] == QuestionKind.BOOLEAN)


def test_loading_the_catalogue_creates_the_version(catalogue):
    assert catalogue.status == "published"
    assert Recommendation.objects.filter(catalogue=catalogue).count() == 10
    assert Question.objects.filter(recommendation__catalogue=catalogue).count() == sum(
        len(r["questions"]) for r in export_catalogue(catalogue)["recommendations"]
    )


def test_loading_twice_changes_nothing(catalogue, catalogue_content):
    ids_before = sorted(Option.objects.values_list("pk", flat=True))
    _version, changed = load_catalogue(catalogue=catalogue_content)
    assert changed is False
    assert sorted(Option.objects.values_list("pk", flat=True)) == ids_before
    assert CatalogueVersion.objects.count() == 1


def test_export_round_trips_to_the_same_content(catalogue, catalogue_content):
    import yaml

    exported = normalise_catalogue(yaml.safe_load(dump_catalogue(export_catalogue(catalogue))))
    assert exported == catalogue_content


def test_loadcatalogue_command_is_idempotent(db, capsys):
    call_command("loadcatalogue")
    call_command("loadcatalogue")
    out = capsys.readouterr().out
    assert "chargée" in out
    assert "aucun changement" in out
    # Every version shipped, the newest published last: new diagnostics use it.
    assert CatalogueVersion.objects.count() == 2
    assert CatalogueVersion.objects.latest_published().code == "2026.2"


def test_malformed_file_names_the_place_and_changes_nothing(db, tmp_path, catalogue_content):
    data = yaml_copy(catalogue_content)
    data["recommendations"][2]["questions"][1]["levels"] = []
    data["recommendations"][2]["questions"][1]["kind"] = "scale"
    data["recommendations"][4]["questions"][0]["weight"] = 0
    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text(data), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("loadcatalogue", str(path))
    message = str(error.value)
    code_3 = data["recommendations"][2]["questions"][1]["code"]
    code_5 = data["recommendations"][4]["questions"][0]["code"]
    assert f"recommandation 3 › question {code_3}" in message
    assert "au moins deux niveaux" in message
    assert f"recommandation 5 › question {code_5}" in message
    assert "strictement positif" in message
    assert CatalogueVersion.objects.count() == 0


def test_invalid_yaml_reports_line_and_column(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\nrecommendations:\n  - number: [1\n", encoding="utf-8")
    with pytest.raises(CatalogueFileError) as error:
        read_catalogue_file(path)
    assert "ligne" in error.value.problems[0]


def test_choice_scores_outside_zero_one_are_refused(catalogue_content):
    data = yaml_copy(catalogue_content)
    rec = data["recommendations"][0]
    rec["questions"].append(
        {
            "code": "R1.QX",
            "kind": "choice",
            "text": "Question ?",
            "options": [{"label": "Trop", "score": 1.5}],
        }
    )
    with pytest.raises(CatalogueFileError) as error:
        normalise_catalogue(data)
    assert any("R1.QX › option 1" in p and "entre 0 et 1" in p for p in error.value.problems)


def test_a_version_used_by_a_diagnostic_is_never_altered(catalogue, catalogue_content, tmp_path):
    DiagnosticFactory(catalogue=catalogue)
    data = yaml_copy(catalogue_content)
    data["recommendations"][0]["short_title"] = "Autre titre"
    path = tmp_path / "changed.yaml"
    path.write_text(yaml_text(data), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("loadcatalogue", str(path))
    assert "utilisée par au moins un diagnostic" in str(error.value)
    assert Recommendation.objects.get(catalogue=catalogue, number=1).short_title != "Autre titre"


def yaml_copy(catalogue: dict) -> dict:
    import yaml

    return yaml.safe_load(dump_catalogue(catalogue))


def yaml_text(data: dict) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
