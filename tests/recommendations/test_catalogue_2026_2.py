"""Catalogue 2026.2: published after 2026.1, which its diagnostics keep; its rules, texts and the
answers carried over from a 2026.1 diagnostic."""

import re
from collections import Counter

from django.core.management import call_command
from django.urls import reverse

from diagnostics.catalogue import catalogue_data
from diagnostics.models import Answer, RecommendationScore
from diagnostics.question_kinds import kind_of
from diagnostics.questionnaire.answers import make_state, save_answer
from diagnostics.selectors import not_asked
from diagnostics.services import create_diagnostic, submit_diagnostic
from recommendations.catalogue_file import CATALOGUE_DIR, normalise_catalogue
from recommendations.enums import VersionStatus
from recommendations.models import CatalogueVersion
from recommendations.services import export_catalogue, load_catalogue
from tests.factories import DiagnosticFactory

NBSP = "\u00a0"


def questions(content):
    return {q["code"]: q for r in content["recommendations"] for q in r["questions"]}


def texts(content):
    """Every French text a user reads, with where it is."""
    for r in content["recommendations"]:
        yield f"R{r['number']}", r["explanation"]
        for q in r["questions"]:
            yield q["code"], q["text"]
            yield q["code"], q["help_text"]
            for o in q["options"]:
                yield q["code"], o["label"]
                yield q["code"], o["description"]
        for a in r["actions"]:
            yield a["title"], a["title"]
            yield a["title"], a["description"]
            for resource in a["resources"]:
                yield a["title"], resource if isinstance(resource, str) else resource["label"]


def fill(diagnostic, by, *, level=0.6):
    """An answer to every question asked, in catalogue order, as the questionnaire allows."""
    data = catalogue_data(diagnostic.catalogue_id)
    answers = {}
    for question in data.questions:
        if question.pk in not_asked(data, answers, collectivite_kind=diagnostic.collectivite.kind):
            continue
        options = data.options_by_question.get(question.pk, [])
        value = kind_of(question).sample(question, options, level=level)
        answer, _ = save_answer(
            diagnostic=diagnostic,
            question=question,
            by=by,
            state=make_state(value=value, not_applicable=False, comment=""),
            base_revision=0,
        )
        answers[question.pk] = answer
    return data


def test_2026_2_loads_and_is_the_latest_published(catalogue, catalogue_2026_2):
    assert catalogue_2026_2.status == VersionStatus.PUBLISHED
    assert CatalogueVersion.objects.latest_published() == catalogue_2026_2
    catalogue.refresh_from_db()
    assert catalogue.status == VersionStatus.PUBLISHED


def test_2026_2_round_trips_and_loads_twice_without_change(
    catalogue_2026_2, catalogue_2026_2_content
):
    import yaml

    from recommendations.catalogue_file import dump_catalogue

    exported = export_catalogue(catalogue_2026_2)
    assert exported == catalogue_2026_2_content
    assert normalise_catalogue(yaml.safe_load(dump_catalogue(exported))) == exported
    _version, changed = load_catalogue(catalogue=catalogue_2026_2_content)
    assert changed is False


def test_loadcatalogue_loads_both_versions_oldest_first_and_then_changes_nothing(db, capsys):
    call_command("loadcatalogue")
    first = capsys.readouterr().out
    assert first.index("2026.1\u00a0» chargée") < first.index("2026.2\u00a0» chargée")
    call_command("loadcatalogue")
    assert capsys.readouterr().out.count("aucun changement") == 2
    assert CatalogueVersion.objects.latest_published().code == "2026.2"


def test_the_rules_of_2026_2(catalogue_2026_2_content):
    by_code = questions(catalogue_2026_2_content)
    assert by_code["R2.Q4"]["applies_to"] == ["commune", "epci", "metropole"]
    assert by_code["R9.Q1"]["kind"] == "boolean" and by_code["R9.Q1"]["asked_when"] is None
    for code in ("R9.Q2", "R9.Q3", "R9.Q4", "R9.Q5", "R9.Q6"):
        assert by_code[code]["asked_when"] == {"question": "R9.Q1", "is": True}, code
    # Each 1 % is asked when R8.Q7 says the collectivité holds the competence.
    competences = [o["label"] for o in by_code["R8.Q7"]["options"]]
    for code, positions in {"R8.Q2": [1, 2], "R8.Q8": [3], "R8.Q9": [4], "R8.Q10": [5]}.items():
        assert by_code[code]["asked_when"] == {"question": "R8.Q7", "options": positions}, code
        assert "departement" not in by_code[code]["applies_to"]
    assert competences[2] == "Distribution publique d’électricité ou de gaz"
    assert by_code["R8.Q7"]["options"][-1]["exclusive"] is True


def test_r8_asks_one_question_per_1_percent_with_its_legal_reference(catalogue_2026_2_content):
    by_code = questions(catalogue_2026_2_content)
    assert "R8.Q3" not in by_code
    expected = {
        "R8.Q2": ("1\u00a0% eau et assainissement", "L1115-1-1", "loi Oudin-Santini"),
        "R8.Q8": ("1\u00a0% électricité et gaz", "L1115-1-1", "loi du 7 décembre 2006"),
        "R8.Q9": ("1\u00a0% déchets", "L1115-2", "loi du 7 juillet 2014"),
        "R8.Q10": ("1\u00a0% mobilité", "L1115-3", "loi du 4 août 2021"),
    }
    for code, (name, article, law) in expected.items():
        question = by_code[code]
        assert f"«{NBSP}{name}{NBSP}»" in question["text"], code
        assert article in question["help_text"] and law in question["help_text"], code
    assert "hors versement mobilité" in by_code["R8.Q10"]["help_text"]
    funding = [o["label"] for o in by_code["R8.Q4"]["options"]]
    assert not any("1\u00a0%" in label for label in funding)  # asked above, not twice


def test_no_question_is_asked_twice_and_the_overlaps_are_gone(catalogue_2026_2_content):
    by_code = questions(catalogue_2026_2_content)
    repeated = [t for t, n in Counter(q["text"] for q in by_code.values()).items() if n > 1]
    assert repeated == []
    assert "R7.Q4" not in by_code
    assert not any("élu" in o["description"] for o in by_code["R2.Q2"]["options"])
    assert [o["label"] for o in by_code["R2.Q1"]["options"]][2] == "Cabinet"
    assert "Public" not in [o["label"] for o in by_code["R9.Q3"]["options"]]
    assert by_code["R6.Q4"]["options"][0]["label"] == "Aucune"
    assert "jumelages" in by_code["R1.Q9"]["help_text"] and by_code["R1.Q9"]["kind"] == "scale"


def test_every_aucun_option_of_a_multi_choice_is_exclusive(catalogue_2026_2_content):
    for code, question in questions(catalogue_2026_2_content).items():
        if question["kind"] != "multi":
            continue
        for option in question["options"]:
            assert option["exclusive"] == option["label"].startswith("Aucun"), (code, option)


def test_typography_of_2026_2(catalogue_2026_2_content):
    problems = []
    for where, text in texts(catalogue_2026_2_content):
        if re.search(r"[ \u202f][:;?!»]|« |'|\.\.\.|\s{2}", text):
            problems.append((where, text))
    assert problems == []
    for question in questions(catalogue_2026_2_content).values():
        for level in question["options"]:
            assert not level["label"].startswith(("Niveau", "niveau")), question["code"]


def test_resources_link_only_to_official_https_home_pages(catalogue_2026_2_content):
    links = {
        r["url"]
        for rec in catalogue_2026_2_content["recommendations"]
        for a in rec["actions"]
        for r in a["resources"]
        if isinstance(r, dict) and r.get("url")  # a resource without a link is plain text
    }
    assert links == {
        "https://www.cnfpt.fr/",
        "https://www.pseau.org/",
        "https://cites-unies-france.org/",
        "https://www.diplomatie.gouv.fr/",
        "https://www.afd.fr/",
    }


def test_a_2026_1_diagnostic_keeps_its_catalogue_scores_and_questions(
    client, catalogue, catalogue_content, collectivite, referent
):
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent
    )
    fill(diagnostic, referent)
    submit_diagnostic(diagnostic=diagnostic, by=referent)
    diagnostic.refresh_from_db()
    stored = dict(
        RecommendationScore.objects.filter(diagnostic=diagnostic).values_list("number", "score")
    )
    overall = diagnostic.overall_score
    assert overall is not None and len(stored) == 10

    load_catalogue(catalogue=read_2026_2())

    diagnostic.refresh_from_db()
    assert diagnostic.catalogue == catalogue
    assert diagnostic.overall_score == overall
    assert (
        dict(
            RecommendationScore.objects.filter(diagnostic=diagnostic).values_list("number", "score")
        )
        == stored
    )
    client.force_login(referent)
    html = client.get(
        reverse("diagnostic_recommendation", args=[diagnostic.public_id, 8])
    ).content.decode()
    assert questions(catalogue_content)["R8.Q3"]["text"] in html
    assert "électricité et gaz" not in html


def read_2026_2():
    from recommendations.catalogue_file import read_catalogue_file

    return read_catalogue_file(CATALOGUE_DIR / "aeict-2026.2.yaml")


def test_a_new_diagnostic_uses_2026_2_and_carries_the_same_questions_by_code(
    catalogue, catalogue_2026_2, collectivite, referent
):
    previous = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent, year=2025
    )
    fill(previous, referent)
    submit_diagnostic(diagnostic=previous, by=referent)

    new = create_diagnostic(
        collectivite=collectivite,
        title="Diagnostic 2026",
        by=referent,
        year=2026,
        carry_from=previous,
    )

    assert new.catalogue == catalogue_2026_2
    carried = set(Answer.objects.filter(diagnostic=new).values_list("question__code", flat=True))
    # Same kind, unit and options: carried, to be confirmed.
    for code in ("R1.Q1", "R1.Q2", "R2.Q2", "R2.Q3", "R5.Q4", "R8.Q2", "R9.Q1", "R10.Q4"):
        assert code in carried, code
    # Options changed (a new level, a level renamed, an option removed or reworded): listed.
    assert set(new.uncarried_questions) >= {"R2.Q1", "R6.Q4", "R8.Q4", "R1.Q3"}
    assert not carried & set(new.uncarried_questions)
    # New questions have new codes and nothing to carry; removed ones are not carried anywhere.
    assert not carried & {"R1.Q9", "R8.Q7", "R8.Q8", "R8.Q9", "R8.Q10", "R8.Q3", "R7.Q4"}


def test_a_resource_link_must_be_https_with_known_keys(catalogue_2026_2_content):
    import copy

    import pytest

    from recommendations.catalogue_file import CatalogueFileError, _plain

    data = _plain(copy.deepcopy(catalogue_2026_2_content))
    action = data["recommendations"][5]["actions"][0]
    action["resources"] = [
        {"label": "CNFPT", "url": "http://www.cnfpt.fr/"},
        {"label": "CNFPT", "url": "https://www.cnfpt.fr/", "title": "x"},
        42,
    ]
    with pytest.raises(CatalogueFileError) as error:
        normalise_catalogue(data)
    problems = "\n".join(error.value.problems)
    assert "recommandation 6 › action 1 › ressource 1" in problems and "https://" in problems
    assert "ressource 2" in problems and "title" in problems
    assert "ressource 3" in problems
