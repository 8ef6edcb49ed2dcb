"""The plan page's filters, its return to the action's place, the undo of a dismissal and the
spreadsheet exports."""

import csv
import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from diagnostics.models import PlanAction
from tests.diagnostics.test_plan import action_values, plan_url
from tests.factories import MembershipFactory

NBSP = "\u00a0"


def add(client, diagnostic, **overrides):
    url = reverse("plan_action_add", args=[diagnostic.public_id])
    response = client.post(url, action_values(diagnostic, **overrides))
    assert response.status_code == 302
    return response


def table_of(page: str) -> str:
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_add_edit_dismiss_and_restore_return_to_the_action(client, diagnostic, agent):
    client.force_login(agent)
    response = add(client, diagnostic, title="Jumelage")
    action = PlanAction.objects.get()
    anchor = f"#action-{action.public_id}"
    assert response.url == plan_url(diagnostic) + anchor
    page = client.get(plan_url(diagnostic)).content.decode()
    assert f'id="action-{action.public_id}"' in page

    edit = reverse("plan_action_edit", args=[diagnostic.public_id, action.public_id])
    values = action_values(diagnostic, title="Jumelage renouvelé", revision=action.revision)
    response = client.post(edit, values)
    assert response.url == plan_url(diagnostic) + anchor

    toggle = reverse("plan_action_toggle", args=[diagnostic.public_id, action.public_id])
    response = client.post(toggle, {"decision": "ecarter"})
    assert response.url == plan_url(diagnostic) + "#action-annulation"
    page = client.get(plan_url(diagnostic)).content.decode()
    # The success message offers to undo, with a button that restores the action.
    undo = page.split('id="action-annulation"', 1)[1].split("</div>", 1)[0]
    assert f"Action «{NBSP}Jumelage renouvelé{NBSP}» écartée." in undo
    assert f'action="{toggle}"' in undo
    assert 'value="retablir"' in undo
    assert ">Annuler<" in undo
    # Once only: a reload no longer offers it.
    assert 'id="action-annulation"' not in client.get(plan_url(diagnostic)).content.decode()

    response = client.post(toggle, {"decision": "retablir"})
    assert response.url == plan_url(diagnostic) + anchor
    action.refresh_from_db()
    assert not action.dismissed


def test_a_form_error_is_summed_up_next_to_the_form(client, diagnostic, agent):
    client.force_login(agent)
    add_url = reverse("plan_action_add", args=[diagnostic.public_id])
    response = client.post(add_url, action_values(diagnostic, title=""))
    assert response.status_code == 400
    page = response.content.decode()
    # The summary (focused by page.js, which scrolls to it) sits in the add section.
    section = page[page.index('id="ajouter"') :]
    assert section.index("data-error-summary") < section.index(f'action="{add_url}"')
    assert 'href="#id_title"' in section


def test_the_undo_is_not_offered_on_another_diagnostic(client, diagnostic, agent, catalogue):
    from tests.factories import DiagnosticFactory

    client.force_login(agent)
    add(client, diagnostic, title="Jumelage")
    action = PlanAction.objects.get()
    toggle = reverse("plan_action_toggle", args=[diagnostic.public_id, action.public_id])
    client.post(toggle, {"decision": "ecarter"})
    other = DiagnosticFactory(collectivite=diagnostic.collectivite, catalogue=catalogue)
    page = client.get(plan_url(other)).content.decode()
    assert "action-annulation" not in page


def test_the_plan_filters_by_status_owner_and_priority(client, diagnostic, agent):
    client.force_login(agent)
    add(client, diagnostic, title="Alpha", owner="Cabinet", status="en_cours", priority="haute")
    add(client, diagnostic, title="Bravo", owner="Finances", status="a_lancer", priority="haute")
    add(client, diagnostic, title="Charlie", owner="", status="en_cours", priority="basse")

    def titles(**query):
        page = client.get(plan_url(diagnostic), query).content.decode()
        table = table_of(page) if "<tbody>" in page else ""
        return {t for t in ("Alpha", "Bravo", "Charlie") if t in table}, page

    assert titles()[0] == {"Alpha", "Bravo", "Charlie"}
    assert titles(statut="en_cours")[0] == {"Alpha", "Charlie"}
    assert titles(priorite="haute")[0] == {"Alpha", "Bravo"}
    assert titles(porteur="Finances")[0] == {"Bravo"}
    assert titles(porteur="-")[0] == {"Charlie"}
    shown, page = titles(statut="en_cours", priorite="haute")
    assert shown == {"Alpha"}
    assert "1 action affichée sur 3" in page
    # The filters are a plain GET form (no JavaScript needed) that keeps its values.
    assert '<form method="get"' in page
    assert '<option value="en_cours" selected>' in page
    # Totals follow the filter.
    assert f"Budget total des actions affichées{NBSP}:" in page
    # Nothing matches: said, with a way back.
    shown, page = titles(statut="realisee")
    assert shown == set()
    assert "Aucune action ne correspond à ces filtres." in page


def test_an_unknown_filter_value_is_ignored_and_told(client, diagnostic, agent):
    client.force_login(agent)
    add(client, diagnostic, title="Alpha", owner="Cabinet")
    response = client.get(plan_url(diagnostic), {"statut": "perdue", "porteur": "Inconnu"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alpha" in table_of(page)
    assert f"Ce statut n’existe pas{NBSP}: filtre ignoré." in page
    assert f"Ce porteur n’a pas d’action{NBSP}: filtre ignoré." in page


def test_filters_do_not_add_queries_as_the_plan_grows(client, diagnostic, agent):
    client.force_login(agent)
    add(client, diagnostic, title="Action 0", owner="Cabinet")
    query = {"statut": "a_lancer", "porteur": "Cabinet"}
    with CaptureQueriesContext(connection) as few:
        assert client.get(plan_url(diagnostic), query).status_code == 200
    for index in range(1, 8):
        add(client, diagnostic, title=f"Action {index}", owner=f"Service {index}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(plan_url(diagnostic), query).status_code == 200
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_plan_exports_as_csv_with_formulas_neutralised(client, diagnostic, agent):
    client.force_login(agent)
    add(client, diagnostic, title='=HYPERLINK("http://x")', owner="+Cabinet")
    add(client, diagnostic, title="Jumelage", owner="Finances", budget_amount="2 500,50")
    response = client.get(reverse("plan_export_csv", args=[diagnostic.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:3] == ["Action", "Préconisation", "Description"]
    by_title = {row[0]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in by_title
    assert by_title['\'=HYPERLINK("http://x")'][3] == "'+Cabinet"
    assert by_title["Jumelage"][5] == "2500,50"
    assert by_title["Jumelage"][4] == f"T2{NBSP}2027"
    # Filters apply to the export too.
    response = client.get(
        reverse("plan_export_csv", args=[diagnostic.public_id]), {"porteur": "Finances"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["Jumelage"]


def test_the_plan_exports_as_xlsx_with_text_cells_never_formulas(client, diagnostic, agent):
    client.force_login(agent)
    add(client, diagnostic, title="=1+1", owner="@SUM(A1)", budget_amount="15 000,50")
    dismissed = add(client, diagnostic, title="Écartée")
    del dismissed
    action = PlanAction.objects.get(title="Écartée")
    toggle = reverse("plan_action_toggle", args=[diagnostic.public_id, action.public_id])
    client.post(toggle, {"decision": "ecarter"})
    response = client.get(reverse("plan_export_xlsx", args=[diagnostic.public_id]))
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Action"
    assert len(rows) == 2  # the dismissed action is not in the plan
    assert rows[1][0] == "'=1+1"
    assert rows[1][3] == "'@SUM(A1)"
    assert rows[1][5] == 15000.5
    cell = sheet["A2"]
    assert cell.data_type == "s"


def test_another_collectivite_cannot_export_the_plan(client, diagnostic, agent):
    client.force_login(agent)
    add(client, diagnostic, title="Secret")
    stranger = MembershipFactory(role="referent").user
    client.force_login(stranger)
    for name in ("plan_export_csv", "plan_export_xlsx"):
        assert client.get(reverse(name, args=[diagnostic.public_id])).status_code == 404


def test_cancel_and_back_links_return_to_the_action(client, diagnostic, agent):
    client.force_login(agent)
    add(client, diagnostic, title="Jumelage")
    action = PlanAction.objects.get()
    anchor = f'href="{plan_url(diagnostic)}#action-{action.public_id}"'
    edit = reverse("plan_action_edit", args=[diagnostic.public_id, action.public_id])
    assert anchor in client.get(edit).content.decode()
    history = reverse("plan_action_history", args=[diagnostic.public_id, action.public_id])
    assert anchor in client.get(history).content.decode()


def test_a_proposal_taken_or_dismissed_on_the_plan_page_returns_to_the_list(
    client, diagnostic, agent
):
    client.force_login(agent)
    page = client.get(plan_url(diagnostic)).content.decode()
    suggestions = re.findall(r'name="suggestion" value="(\d+)"', page)
    assert 'name="retour" value="proposees"' in page
    accept = reverse("plan_accept", args=[diagnostic.public_id])
    response = client.post(
        accept, {"suggestion": suggestions[0], "decision": "accepter", "retour": "proposees"}
    )
    assert response.url == plan_url(diagnostic) + "#proposees"
    response = client.post(
        accept, {"suggestion": suggestions[1], "decision": "ecarter", "retour": "proposees"}
    )
    # Dismissed: back to the list, where « Annuler » is offered (see the test below).
    assert response.url == plan_url(diagnostic) + "#action-annulation"
    assert PlanAction.objects.filter(diagnostic=diagnostic, dismissed=True).count() == 1
    assert PlanAction.objects.filter(diagnostic=diagnostic, dismissed=False).count() == 1


def dismiss_a_proposal(client, diagnostic):
    page = client.get(plan_url(diagnostic)).content.decode()
    suggestion = re.findall(r'name="suggestion" value="(\d+)"', page)[0]
    accept = reverse("plan_accept", args=[diagnostic.public_id])
    response = client.post(
        accept, {"suggestion": suggestion, "decision": "ecarter", "retour": "proposees"}
    )
    assert response.url == plan_url(diagnostic) + "#action-annulation"
    return int(suggestion), PlanAction.objects.get(diagnostic=diagnostic, dismissed=True)


def test_a_dismissed_proposal_offers_annuler_which_proposes_it_again(client, diagnostic, agent):
    client.force_login(agent)
    suggestion, action = dismiss_a_proposal(client, diagnostic)
    page = client.get(plan_url(diagnostic)).content.decode()
    # The undo sits in the list of proposals, where the person was.
    proposals = page.split('id="proposees"', 1)[1]
    undo = proposals.split('id="action-annulation"', 1)[1].split("</div>", 1)[0]
    assert f"Action proposée «{NBSP}{action.title}{NBSP}» écartée." in undo
    assert 'value="reproposer"' in undo
    assert ">Annuler<" in undo
    assert f'name="suggestion" value="{suggestion}"' not in page
    assert page.count('id="action-annulation"') == 1

    toggle = reverse("plan_action_toggle", args=[diagnostic.public_id, action.public_id])
    response = client.post(toggle, {"decision": "reproposer"})
    assert response.url == plan_url(diagnostic) + "#proposees"
    assert not PlanAction.objects.filter(diagnostic=diagnostic).exists()
    page = client.get(plan_url(diagnostic)).content.decode()
    assert f'name="suggestion" value="{suggestion}"' in page
    assert f"Action «{NBSP}{action.title}{NBSP}» de nouveau proposée." in page
    assert 'id="action-annulation"' not in page


def test_annuler_does_not_undo_a_dismissed_proposal_changed_since(client, diagnostic, agent):
    client.force_login(agent)
    _suggestion, action = dismiss_a_proposal(client, diagnostic)
    toggle = reverse("plan_action_toggle", args=[diagnostic.public_id, action.public_id])
    client.post(toggle, {"decision": "retablir"})
    client.post(toggle, {"decision": "ecarter"})
    response = client.post(toggle, {"decision": "reproposer"})
    assert response.url == plan_url(diagnostic) + "#ecartees"
    action.refresh_from_db()
    assert action.dismissed and action.changes.count() == 3
    page = client.get(plan_url(diagnostic)).content.decode()
    assert "a changé depuis qu’elle a été écartée" in page


def test_an_elu_cannot_propose_again(client, diagnostic, agent, elu):
    client.force_login(agent)
    _suggestion, action = dismiss_a_proposal(client, diagnostic)
    client.force_login(elu)
    toggle = reverse("plan_action_toggle", args=[diagnostic.public_id, action.public_id])
    assert client.post(toggle, {"decision": "reproposer"}).status_code == 403
    assert PlanAction.objects.filter(pk=action.pk, dismissed=True).exists()


def test_the_exports_carry_the_completion_date_and_the_amount_spent(client, diagnostic, agent):
    import datetime

    client.force_login(agent)
    add(client, diagnostic, title="Jumelage")
    PlanAction.objects.filter(title="Jumelage").update(
        status="realisee",
        completed_on=datetime.date(2026, 3, 15),
        amount_spent="12400.50",
    )
    text = client.get(reverse("plan_export_csv", args=[diagnostic.public_id])).content
    rows = list(csv.reader(io.StringIO(text.decode("utf-8")[1:]), delimiter=";"))
    assert rows[0][-2:] == ["Réalisée le", "Montant dépensé (€)"]
    assert rows[1][-2:] == ["15/03/2026", "12400,50"]
    response = client.get(reverse("plan_export_xlsx", args=[diagnostic.public_id]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][-2:] == ("15/03/2026", 12400.5)
