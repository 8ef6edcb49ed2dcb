"""The yearly cycle in the browser, as issue 13 tells it: the référent starts 2027 from the
submitted 2026, an agent confirms two recommendations and changes one answer, the submission is
refused while carried answers remain to confirm, then goes through its confirmation page; the élu
follows the mail's link and lands on the results, report buttons at the top, with the evolution
since 2026 and last year's unfinished action in the plan. Each new page and state goes through
axe."""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from diagnostics.catalogue import catalogue_data
from diagnostics.enums import ActionStatus
from diagnostics.models import Answer, Diagnostic, PlanAction
from diagnostics.plan.services import add_action, update_action
from tests.e2e.helpers import DESKTOP, check_page, fill_answers, submit
from tests.factories import DiagnosticFactory

pytestmark = pytest.mark.e2e

CONFIRM_RECOMMENDATION = "Confirmer les réponses reprises de cette préconisation"


@pytest.fixture
def year_2026(catalogue, collectivite, referent, agent):
    """2026 submitted, with one action of its plan under way (changed once) and one done."""
    diagnostic = DiagnosticFactory(
        collectivite=collectivite,
        catalogue=catalogue,
        title="Diagnostic 2026",
        created_by=referent,
        year=2026,
    )
    fill_answers(diagnostic, by=agent, level=0.5)
    submit(diagnostic, by=referent)
    first = catalogue.recommendations.get(number=1)
    under_way = add_action(
        diagnostic=diagnostic,
        by=referent,
        values={
            "recommendation": first,
            "title": "Recenser les partenariats en sommeil",
            "owner": "Direction des relations internationales",
            "budget_amount": Decimal("12000"),
            "status": ActionStatus.IN_PROGRESS,
        },
    )
    update_action(
        action=under_way,
        by=agent,
        values={"owner": "Mission Europe et international"},
        base_revision=under_way.revision,
    )
    add_action(
        diagnostic=diagnostic,
        by=referent,
        values={"recommendation": first, "title": "Nommer un élu référent", "status": "realisee"},
    )
    return diagnostic


def recommendation_url(diagnostic, number):
    return reverse("diagnostic_recommendation", args=[diagnostic.public_id, number])


def test_from_2026_to_the_results_of_2027(
    new_page, year_2026, catalogue, collectivite, referent, agent, elu, mailoutbox
):
    # The référent creates 2027 from the dashboard, starting from the submitted 2026.
    page = new_page(referent)
    page.goto(reverse("dashboard"))
    expect(page.get_by_label("Partir du diagnostic 2026 (soumis)")).to_be_checked()
    expect(page.get_by_label("Année de l’exercice évalué")).to_have_value("2027")
    check_page(page, "dashboard offering to start from 2026")
    page.get_by_role("button", name="Créer le diagnostic").click()
    expect(page.get_by_role("status")).to_contain_text("créé à partir du diagnostic 2026")
    diagnostic = Diagnostic.objects.get(collectivite=collectivite, year=2027)
    to_confirm = Answer.objects.filter(diagnostic=diagnostic, needs_confirmation=True)
    carried = to_confirm.count()
    assert carried > 40

    # An agent confirms recommendations 1 and 2 as they are, and changes one answer of 3.
    agent_page = new_page(agent)
    for number in (1, 2):
        agent_page.goto(recommendation_url(diagnostic, number))
        agent_page.get_by_role("button", name=CONFIRM_RECOMMENDATION).click()
        expect(agent_page.locator("[data-carried]")).to_have_count(0)
    data = catalogue_data(catalogue.pk)
    scale = next(q for q in data.questions_by_rec[3] if q.kind == "scale")
    before = Answer.objects.get(diagnostic=diagnostic, question=scale)
    agent_page.goto(recommendation_url(diagnostic, 3))
    card = agent_page.locator(f".question-card[data-question='{scale.code}']")
    expect(card.locator("[data-carried]")).to_have_count(1)
    new_level = 0 if before.value != 0 else 1
    card.locator(f"[name='{scale.code}-value'][value='{new_level}']").check()
    # Changing a carried answer confirms it: its mark goes once the autosave is through.
    expect(card.locator("[data-carried]")).to_have_count(0)
    check_page(agent_page, "recommendation 3 after changing a carried answer")
    changed = Answer.objects.get(pk=before.pk)
    assert (changed.value, changed.needs_confirmation) == (new_level, False)
    left = to_confirm.count()
    rec_1_and_2 = len(data.questions_by_rec[1]) + len(data.questions_by_rec[2])
    assert left == carried - rec_1_and_2 - 1

    # The référent tries to submit: refused, with the list of what remains to confirm.
    page.goto(reverse("diagnostic_submit", args=[diagnostic.public_id]))
    remaining = page.locator("#a-confirmer")
    expect(remaining).to_contain_text(f"{left} réponses reprises du diagnostic précédent restent")
    expect(remaining).to_contain_text(data.questions_by_rec[10][0].text[:40])
    expect(page.get_by_role("button", name="Confirmer la soumission")).to_have_count(0)
    check_page(page, "submission refused while answers remain to confirm")

    # The référent confirms the rest, recommendation by recommendation, then submits.
    for number in range(3, 11):
        page.goto(recommendation_url(diagnostic, number))
        page.get_by_role("button", name=CONFIRM_RECOMMENDATION).click()
        expect(page.locator("[data-carried]")).to_have_count(0)
    assert to_confirm.count() == 0
    page.goto(reverse("diagnostic_submit", args=[diagnostic.public_id]))
    expect(page.get_by_role("main")).to_contain_text("Les élus de la collectivité sont informés")
    check_page(page, "submission page ready")
    page.get_by_role("button", name="Confirmer la soumission").click()
    expect(page.get_by_role("status")).to_contain_text("Diagnostic soumis")

    # The élu gets the mail (sent by the task; the tests' backend runs tasks at once) …
    mails = [m for m in mailoutbox if m.to == [elu.email]]
    assert [m.subject for m in mails] == ["Les résultats du diagnostic 2027 sont prêts"]
    body = mails[0].body
    assert "%" not in body, "no score in the mail"
    link = re.search(r"http://testserver(/\S+)", body).group(1)

    # … follows its link, and lands on the results with the report buttons at the top.
    elu_page = new_page(elu)
    elu_page.goto(link)
    assert urlsplit(elu_page.url).path == reverse("diagnostic_results", args=[diagnostic.public_id])
    expect(elu_page.get_by_role("heading", level=1)).to_contain_text("Résultats")
    full_report = elu_page.get_by_role("button", name="Télécharger le rapport complet (PDF)")
    summary = elu_page.get_by_role("button", name="Télécharger la synthèse pour les élus (PDF)")
    for button in (full_report.first, summary.first):
        expect(button).to_be_in_viewport()
        assert button.bounding_box()["y"] + button.bounding_box()["height"] < DESKTOP["height"]
    # The scores of 2027 compare with 2026 as an evolution: recommendation 3 went down.
    expect(elu_page.get_by_text("Comparaison avec « Diagnostic 2026 ».")).to_be_visible()
    row_3 = elu_page.get_by_role("row").filter(has_text=f"3. {data.recommendation(3).short_title}")
    expect(row_3).to_contain_text("baisse" if new_level < before.value else "hausse")
    check_page(elu_page, "results reached from the mail")

    # Last year's unfinished action is in the 2027 plan, marked, with its history; the done one
    # stayed in 2026.
    elu_page.goto(reverse("diagnostic_plan", args=[diagnostic.public_id]))
    plan = elu_page.get_by_role("main")
    expect(plan).to_contain_text("Recenser les partenariats en sommeil")
    expect(plan).to_contain_text("Reprise du plan 2026")
    expect(plan).not_to_contain_text("Nommer un élu référent")
    carried_action = PlanAction.objects.get(diagnostic=diagnostic)
    assert (carried_action.owner, carried_action.budget_amount) == (
        "Mission Europe et international",
        Decimal("12000"),
    )
    page.goto(reverse("diagnostic_plan", args=[diagnostic.public_id]))
    page.get_by_role("link", name="Historique « Recenser les partenariats en sommeil »").click()
    expect(page.get_by_role("main")).to_contain_text("Direction des relations internationales")
    check_page(page, "history of the carried action")
