import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from diagnostics.deadlines import deadline_text, parse_deadline
from diagnostics.models import Diagnostic, PlanAction, PlanActionChange
from diagnostics.plan.fields import action_state, describe_action_change, values_from_state
from partnerships.models import Partnership
from tests.diagnostics.helpers import small_catalogue
from tests.factories import DiagnosticFactory, MembershipFactory


def plan_url(diagnostic):
    return reverse("diagnostic_plan", args=[diagnostic.public_id])


def action_values(diagnostic, **overrides):
    recommendation = diagnostic.catalogue.recommendations.get(number=8)
    values = {
        "title": "Mobiliser le 1 % eau et assainissement",
        "recommendation": recommendation.pk,
        "description": "Délibération du conseil et convention avec l’agence de l’eau.",
        "owner": "Direction des finances",
        "deadline": "T2 2027",
        "budget_amount": "15 000,50",
        "budget_line": "1 % eau et assainissement",
        "status": "a_lancer",
        "priority": "haute",
    }
    values.update(overrides)
    return values


def test_the_plan_starts_from_the_proposed_actions_in_priority_order(client, diagnostic, agent):
    client.force_login(agent)
    page = client.get(plan_url(diagnostic)).content.decode()
    assert "Actions proposées par le diagnostic" in page
    response = client.post(reverse("plan_accept", args=[diagnostic.public_id]))
    assert response.status_code == 302
    actions = list(PlanAction.objects.filter(diagnostic=diagnostic).order_by("position"))
    assert actions
    # An empty diagnostic: every recommendation is at 0, priorities are 1, 2, 3 (high priority).
    assert actions[0].recommendation.number == 1
    assert actions[0].priority == "haute"
    assert {a.recommendation.number for a in actions if a.priority == "haute"} == {1, 2, 3}
    assert all(a.suggested_action_id for a in actions)
    # Taking them twice adds nothing.
    assert client.post(reverse("plan_accept", args=[diagnostic.public_id])).status_code == 302
    assert PlanAction.objects.filter(diagnostic=diagnostic).count() == len(actions)


def test_an_agent_adds_an_action_with_owner_deadline_and_budget(client, diagnostic, agent):
    client.force_login(agent)
    url = reverse("plan_action_add", args=[diagnostic.public_id])
    response = client.post(url, action_values(diagnostic))
    assert response.status_code == 302
    action = PlanAction.objects.get(diagnostic=diagnostic)
    assert action.deadline_quarter == "2027-T2"
    assert str(action.budget_amount) == "15000.50"
    assert action.created_by == agent
    page = client.get(plan_url(diagnostic)).content.decode()
    assert "Mobiliser le 1 % eau et assainissement" in page
    assert "T2\u00a02027" in page
    assert PlanActionChange.objects.filter(action=action).count() == 1


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("deadline", "bientôt", "trimestre"),
        ("deadline", "31/02/2027", "trimestre"),
        ("budget_amount", "beaucoup", "montant"),
        ("budget_amount", "-5", "positif"),
        ("title", "", "obligatoire"),
        ("status", "perdue", "choix valide"),
        (
            "description",
            "x" * 10_001,
            "10\u00a0000 caractères au plus (vous en avez saisi 10\u00a0001).",
        ),
        ("title", "x" * 201, "200 caractères au plus (vous en avez saisi 201)."),
        ("owner", "Direction\x00", "Le texte contient un caractère invalide."),
        ("budget_line", "\x00", "Le texte contient un caractère invalide."),
    ],
)
def test_bad_plan_input_gets_a_french_message_and_stores_nothing(
    client, diagnostic, agent, field, value, message
):
    client.force_login(agent)
    url = reverse("plan_action_add", args=[diagnostic.public_id])
    response = client.post(url, action_values(diagnostic, **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PlanAction.objects.exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("completed", "hier", "Indiquez une date valide, par exemple « 15/03/2027 »."),
        ("completed", "T2 2026", "Indiquez une date valide"),
        ("completed", "01/01/2099", "La date de réalisation ne peut pas être dans le futur."),
        ("amount_spent", "beaucoup", "Saisissez un montant en euros"),
        ("amount_spent", "-1", "positif"),
    ],
)
def test_bad_completion_date_or_amount_spent_is_refused_in_french(
    client, diagnostic, agent, field, value, message
):
    client.force_login(agent)
    url = reverse("plan_action_add", args=[diagnostic.public_id])
    response = client.post(url, action_values(diagnostic, **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PlanAction.objects.exists()


def test_a_done_action_records_when_and_what_it_cost_shown_in_plan_and_history(
    client, diagnostic, agent
):
    client.force_login(agent)
    add = reverse("plan_action_add", args=[diagnostic.public_id])
    assert client.post(add, action_values(diagnostic)).status_code == 302
    action = PlanAction.objects.get()
    url = reverse("plan_action_edit", args=[diagnostic.public_id, action.public_id])
    done = action_values(
        diagnostic, status="realisee", completed="15/03/2026", amount_spent="12 400,40"
    )
    assert client.post(url, {**done, "revision": 1}).status_code == 302
    action.refresh_from_db()
    assert action.completed_on == datetime.date(2026, 3, 15)
    assert action.amount_spent == Decimal("12400.40")
    form = client.get(url).content.decode()
    assert 'value="15/03/2026"' in form
    page = client.get(plan_url(diagnostic)).content.decode()
    assert "le 15/03/2026" in page
    assert "dépensé : 12 400 €" in page
    history = client.get(
        reverse("plan_action_history", args=[diagnostic.public_id, action.public_id])
    ).content.decode()
    assert "Réalisée le" in history
    assert "15/03/2026" in history
    assert "12 400,40 €" in history


def test_a_recommendation_of_another_catalogue_is_refused(client, diagnostic, agent):
    other = small_catalogue().recommendations.get(number=1)
    client.force_login(agent)
    url = reverse("plan_action_add", args=[diagnostic.public_id])
    response = client.post(url, action_values(diagnostic, recommendation=other.pk))
    assert response.status_code == 400
    assert not PlanAction.objects.exists()


def test_editing_keeps_the_history_and_detects_conflicts(client, diagnostic, agent):
    client.force_login(agent)
    add = reverse("plan_action_add", args=[diagnostic.public_id])
    assert client.post(add, action_values(diagnostic)).status_code == 302
    action = PlanAction.objects.get()
    url = reverse("plan_action_edit", args=[diagnostic.public_id, action.public_id])
    assert (
        client.post(
            url, {**action_values(diagnostic, status="en_cours"), "revision": 1}
        ).status_code
        == 302
    )
    action.refresh_from_db()
    assert action.status == "en_cours"
    assert action.revision == 2
    stale = client.post(url, {**action_values(diagnostic, owner="Autre service"), "revision": 1})
    assert stale.status_code == 409
    assert "pendant que vous la changiez" in stale.content.decode()
    action.refresh_from_db()
    assert action.owner == "Direction des finances"
    history = client.get(
        reverse("plan_action_history", args=[diagnostic.public_id, action.public_id])
    )
    assert "À lancer" in history.content.decode()
    assert "a_lancer" not in history.content.decode()
    assert PlanActionChange.objects.filter(action=action).count() == 2


def test_dismissed_actions_can_be_restored(client, diagnostic, agent):
    client.force_login(agent)
    add = reverse("plan_action_add", args=[diagnostic.public_id])
    assert client.post(add, action_values(diagnostic)).status_code == 302
    action = PlanAction.objects.get()
    toggle = reverse("plan_action_toggle", args=[diagnostic.public_id, action.public_id])
    assert client.post(toggle, {"decision": "ecarter"}).status_code == 302
    action.refresh_from_db()
    assert action.dismissed
    assert client.post(toggle, {"decision": "retablir"}).status_code == 302
    action.refresh_from_db()
    assert not action.dismissed


def test_the_plan_stays_editable_after_submission(client, diagnostic, agent):
    Diagnostic.objects.filter(pk=diagnostic.pk).update(status="soumis")
    client.force_login(agent)
    response = client.post(
        reverse("plan_action_add", args=[diagnostic.public_id]), action_values(diagnostic)
    )
    assert response.status_code == 302
    assert PlanAction.objects.count() == 1
    # The page says so, instead of « lecture seule » above « reste modifiable ».
    Diagnostic.objects.filter(pk=diagnostic.pk).update(
        submitted_at=datetime.datetime.now(datetime.UTC)
    )
    content = client.get(plan_url(diagnostic)).content.decode()
    assert "ses réponses sont figées, mais son plan d’action reste modifiable" in content
    assert "il est en lecture seule" not in content


def test_the_plan_is_sorted_by_priority_then_deadline_with_budget_totals(client, diagnostic, agent):
    client.force_login(agent)
    add = reverse("plan_action_add", args=[diagnostic.public_id])
    rows = [
        ("Moyenne sans échéance", "moyenne", "", "1 000"),
        ("Haute en fin d’année", "haute", "31/12/2027", "20 000"),
        ("Haute au deuxième trimestre", "haute", "T2 2027", "14 000,50"),
        ("Haute au premier juin", "haute", "01/06/2027", ""),
        ("Moyenne au premier trimestre", "moyenne", "T1 2027", "500"),
    ]
    for title, priority, deadline, budget in rows:
        values = action_values(
            diagnostic, title=title, priority=priority, deadline=deadline, budget_amount=budget
        )
        assert client.post(add, values).status_code == 302
    content = client.get(plan_url(diagnostic)).content.decode()
    order = [
        "Haute au premier juin",
        "Haute au deuxième trimestre",
        "Haute en fin d’année",
        "Moyenne au premier trimestre",
        "Moyenne sans échéance",
    ]
    table = content.split("<tbody>", 1)[1]
    assert sorted(order, key=table.index) == order
    nbsp = "\u00a0"
    assert f"Budget total du plan{nbsp}: <strong>35{nbsp}501{nbsp}€</strong>" in content
    assert f"priorité haute{nbsp}: 34{nbsp}001{nbsp}€ (3 actions)" in content
    assert f"priorité moyenne{nbsp}: 1{nbsp}500{nbsp}€ (2 actions)" in content
    assert "1 action n’a pas encore de budget." in content
    assert 'href="#ajouter"' in content


def test_a_quarter_is_due_on_its_last_day():
    from diagnostics.deadlines import deadline_sort_key

    assert deadline_sort_key(None, "2027-T1") == datetime.date(2027, 3, 31)
    assert deadline_sort_key(None, "2027-T2") == datetime.date(2027, 6, 30)
    assert deadline_sort_key(None, "2027-T4") == datetime.date(2027, 12, 31)
    assert deadline_sort_key(datetime.date(2027, 5, 2), "") == datetime.date(2027, 5, 2)
    assert deadline_sort_key(None, "") == datetime.date.max


def test_an_elu_reads_the_plan_but_cannot_change_it(client, diagnostic, elu):
    client.force_login(elu)
    assert client.get(plan_url(diagnostic)).status_code == 200
    assert client.post(reverse("plan_accept", args=[diagnostic.public_id])).status_code == 403
    add = reverse("plan_action_add", args=[diagnostic.public_id])
    assert client.post(add, action_values(diagnostic)).status_code == 403
    assert not PlanAction.objects.exists()


def test_outsiders_get_404_on_the_plan(client, diagnostic, agent, outsider):
    client.force_login(agent)
    add = reverse("plan_action_add", args=[diagnostic.public_id])
    assert client.post(add, action_values(diagnostic)).status_code == 302
    action = PlanAction.objects.get()
    client.force_login(outsider)
    assert client.get(plan_url(diagnostic)).status_code == 404
    edit = reverse("plan_action_edit", args=[diagnostic.public_id, action.public_id])
    assert client.get(edit).status_code == 404


def test_an_action_of_another_diagnostic_is_404(client, diagnostic, agent, catalogue):
    other_member = MembershipFactory(role="agent")
    other = DiagnosticFactory(collectivite=other_member.collectivite, catalogue=catalogue)
    client.force_login(other_member.user)
    add = reverse("plan_action_add", args=[other.public_id])
    assert client.post(add, action_values(other)).status_code == 302
    foreign = PlanAction.objects.get(diagnostic=other)
    client.force_login(agent)
    url = reverse("plan_action_edit", args=[diagnostic.public_id, foreign.public_id])
    assert client.get(url).status_code == 404


def test_plan_page_query_count_does_not_grow_with_actions(client, diagnostic, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(agent)
    assert client.post(reverse("plan_accept", args=[diagnostic.public_id])).status_code == 302
    accepted = PlanAction.objects.filter(diagnostic=diagnostic).count()
    with CaptureQueriesContext(connection) as few:
        assert client.get(plan_url(diagnostic)).status_code == 200
    add = reverse("plan_action_add", args=[diagnostic.public_id])
    for index in range(10):
        title = f"Action {index}"
        assert client.post(add, action_values(diagnostic, title=title)).status_code == 302
    assert PlanAction.objects.filter(diagnostic=diagnostic).count() == accepted + 10
    with CaptureQueriesContext(connection) as many:
        page = client.get(plan_url(diagnostic))
    assert "Action 9" in page.content.decode()
    assert len(few.captured_queries) == len(many.captured_queries)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("T2 2027", (None, "2027-T2")),
        ("2027-T4", (None, "2027-T4")),
        ("t1/2028", (None, "2028-T1")),
        ("", (None, "")),
    ],
)
def test_deadlines_accept_quarters(text, expected):
    assert parse_deadline(text) == expected


def test_deadlines_accept_french_dates():
    assert parse_deadline("30/06/2027") == (datetime.date(2027, 6, 30), "")
    with pytest.raises(ValueError):
        parse_deadline("T5 2027")


def test_a_deadline_reads_as_a_quarter_or_a_french_date():
    assert deadline_text(None, "2027-T2") == "T2\u00a02027"
    assert deadline_text(None, "2027-T2", space=" ") == "T2 2027"
    assert deadline_text(datetime.date(2027, 6, 30), "") == "30/06/2027"
    assert deadline_text(None, "") == ""
    assert PlanAction(deadline_quarter="2028-T4").deadline_display == "T4\u00a02028"


def test_a_stored_state_gives_back_the_values_it_was_made_from():
    action = PlanAction(
        title="Jumelage",
        recommendation_id=3,
        deadline_date=datetime.date(2027, 6, 30),
        budget_amount=Decimal("15000.50"),
        status="en_cours",
        priority="haute",
    )
    state = action_state(action)
    assert state["deadline_date"] == "2027-06-30"
    assert state["budget_amount"] == "15000.50"
    assert values_from_state(state) == {name: getattr(action, name) for name in state}


def test_a_change_is_described_in_words_with_the_history_labels():
    old = {
        "title": "Jumelage",
        "recommendation_id": 3,
        "owner": "",
        "deadline_date": "2027-06-30",
        "deadline_quarter": "",
        "budget_amount": None,
        "status": "a_lancer",
        "priority": "haute",
        "dismissed": False,
    }
    # Keys in another order, as PostgreSQL keeps them; a key no field defines any more.
    new = {
        "priority": "haute",
        "dismissed": True,
        "status": "en_cours",
        "owner": "Cabinet",
        "budget_amount": "15000.50",
        "deadline_quarter": "2028-T1",
        "deadline_date": None,
        "recommendation_id": 7,
        "title": "Jumelage",
        "former_field": "x",
    }
    recommendations = {3: "3. Coopération", 7: "7. Jumelages"}
    assert describe_action_change(old, new, recommendations) == [
        ("Préconisation", "3. Coopération", "7. Jumelages"),
        ("Porteur", "—", "Cabinet"),
        ("Échéance (date)", "30/06/2027", "—"),
        ("Échéance (trimestre)", "—", "T1\u00a02028"),
        ("Montant", "—", "15\u00a0000,50\u00a0€"),
        ("Statut", "À lancer", "En cours"),
        ("Écartée", "non", "oui"),
        ("former_field", "—", "x"),
    ]
    assert describe_action_change(old, old, recommendations) == []


def test_the_mutualisation_proposal_links_to_the_finder_on_the_partner_countries(
    client, diagnostic, agent
):
    Partnership.objects.create(
        collectivite=diagnostic.collectivite, partner_name="Podor", country="SN", kind="jumelage"
    )
    client.force_login(agent)
    page = client.get(plan_url(diagnostic)).content.decode()
    finder = reverse("partnership_finder", args=[diagnostic.collectivite.public_id])
    assert f'href="{finder}?pays=SN"' in page
