"""The results page as an élu reads it: peers explained before their figures, « non commencée »
while in progress, proposed actions grouped by priority with « Ajouter au plan »; the tables as
labelled cards on a phone."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.models import PlanAction
from tests.diagnostics.helpers import small_catalogue
from tests.diagnostics.test_results import (
    HAND_ANSWERS,
    LOWEST_ANSWERS,
    fill,
    make_peers,
    results_url,
    submit,
)
from tests.factories import DiagnosticFactory

NBSP = "\u00a0"


@pytest.fixture
def scored(db, collectivite, referent):
    """In progress, every recommendation answered (C1 « Non concerné »)."""
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=small_catalogue())
    fill(diagnostic, referent, HAND_ANSWERS)
    return diagnostic


def test_peers_are_explained_before_their_figures(client, scored, referent):
    make_peers(scored.catalogue, 5)
    client.force_login(referent)
    content = client.get(results_url(scored)).content.decode()
    explained = content.index("Avec qui la collectivité est comparée")
    assert explained < content.index("<table")
    note = content[explained : content.index("<table")]
    assert "Comparaison anonyme avec 5 autres collectivités du même type (commune)" in note
    # Who, how many and their size band (or « toutes tailles confondues »).
    assert re.search(r"Scores comparés aux 5 communes", note)


def test_unanswered_recommendations_are_not_started_never_a_drop(client, collectivite, referent):
    version = small_catalogue()
    before = DiagnosticFactory(
        collectivite=collectivite, catalogue=version, title="2025", year=2025
    )
    fill(before, referent, {**LOWEST_ANSWERS, "B1": (3, False), "A1": (3, False)})
    submit(before, referent)
    now = DiagnosticFactory(collectivite=collectivite, catalogue=version, title="2026", year=2026)
    # Only recommendation 1 is answered: 2 (a drop from 100 if counted as 0) is not started.
    fill(now, referent, {code: HAND_ANSWERS[code] for code in ("A1", "A2", "A3")})
    client.force_login(referent)
    content = client.get(results_url(now)).content.decode()
    table = content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = table.split("</tr>")
    row_two = next(row for row in rows if "2. Deux" in row)
    assert "non commencée" in row_two
    assert "baisse" not in row_two
    row_one = next(row for row in rows if "1. Un" in row)
    assert "non commencée" not in row_one
    assert "non commencée" in content.split("<tbody>", 1)[0]  # the note says what it means
    # Once submitted, a recommendation is never « non commencée ».
    fill(now, referent, {code: LOWEST_ANSWERS[code] for code in ("B1", "B2", "C1")})
    submit(now, referent)
    assert "non commencée" not in client.get(results_url(now)).content.decode()


def test_every_value_of_the_results_table_is_labelled_for_the_cards(client, scored, referent):
    make_peers(scored.catalogue, 5)
    client.force_login(referent)
    content = client.get(results_url(scored)).content.decode()
    table = content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert 'class="table align-middle table-cards"' in content
    cells = re.findall(r"<td[^>]*>", table)
    assert cells
    assert all("data-label=" in cell for cell in cells)
    assert 'data-label="Médiane des pairs"' in table


def test_proposed_actions_are_grouped_by_priority_and_folded_beyond_three(
    client, diagnostic, agent
):
    client.force_login(agent)
    content = client.get(results_url(diagnostic)).content.decode()
    section = content[content.index('id="actions"') :]
    groups = re.findall(r'<section aria-labelledby="actions-(\w+)"', section)
    assert groups[0] == "haute"
    assert groups == sorted(groups, key=["haute", "moyenne", "basse"].index)
    for priority in groups:
        block = section.split(f'aria-labelledby="actions-{priority}"', 1)[1]
        block = block.split("<section", 1)[0]
        visible = block.split("<details", 1)[0]
        assert visible.count('class="proposed-action"') <= 3
        if "<details" in block:
            assert visible.count('class="proposed-action"') == 3
            assert "<summary>" in block
    buttons = section.count(">Ajouter au plan<")
    assert buttons == section.count('class="proposed-action"')
    # « Ajouter au plan » takes that one action into the plan, and the page then says so.
    first = re.search(r'name="suggestion" value="(\d+)"', section).group(1)
    response = client.post(
        reverse("plan_accept", args=[diagnostic.public_id]),
        {"suggestion": first, "decision": "accepter"},
    )
    action = PlanAction.objects.get(diagnostic=diagnostic)
    assert response.url.endswith(f"#action-{action.public_id}")
    assert str(action.suggested_action_id) == first
    content = client.get(results_url(diagnostic)).content.decode()
    section = content[content.index('id="actions"') :]
    assert section.count(">Ajouter au plan<") == buttons - 1
    assert "Dans le plan d’action." in section
    plan = reverse("diagnostic_plan", args=[diagnostic.public_id])
    assert f'href="{plan}#action-{action.public_id}"' in section
    # A dismissed one says so.
    toggle = reverse("plan_action_toggle", args=[diagnostic.public_id, action.public_id])
    client.post(toggle, {"decision": "ecarter"})
    section = client.get(results_url(diagnostic)).content.decode().split('id="actions"', 1)[1]
    assert "Écartée du plan d’action." in section


def test_an_elu_sees_the_proposed_actions_without_buttons(client, diagnostic, elu):
    client.force_login(elu)
    content = client.get(results_url(diagnostic)).content.decode()
    assert 'class="proposed-action"' in content
    assert ">Ajouter au plan<" not in content


def test_the_results_page_queries_do_not_grow_with_the_plan(client, diagnostic, agent):
    client.force_login(agent)
    accept = reverse("plan_accept", args=[diagnostic.public_id])
    content = client.get(results_url(diagnostic)).content.decode()
    first = re.search(r'name="suggestion" value="(\d+)"', content).group(1)
    client.post(accept, {"suggestion": first})
    with CaptureQueriesContext(connection) as few:
        assert client.get(results_url(diagnostic)).status_code == 200
    client.post(accept)
    assert PlanAction.objects.filter(diagnostic=diagnostic).count() > 5
    with CaptureQueriesContext(connection) as many:
        assert client.get(results_url(diagnostic)).status_code == 200
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_radar_gives_way_to_the_table_below_a_large_screen(client, scored, referent):
    # Below 992 px its text would shrink under 12 CSS px (see tests/e2e/test_responsive.py).
    client.force_login(referent)
    content = client.get(results_url(scored)).content.decode()
    assert 'class="radar mb-0 d-none d-lg-block"' in content
    assert "le graphique radar laisse la place au tableau" in content
