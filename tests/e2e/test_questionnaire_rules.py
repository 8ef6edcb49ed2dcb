"""A recommendation whose questions depend on the collectivité and on earlier answers: a
condition hides then shows a question through autosave, « Je ne sais pas », an exclusive
option refused with another one."""

import pytest
from playwright.sync_api import expect

from diagnostics.models import Answer
from tests.catalogues import load_rules_catalogue
from tests.e2e.helpers import check_page, status_of
from tests.factories import DiagnosticFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def rules_diagnostic(catalogue, collectivite, referent):
    return DiagnosticFactory(
        collectivite=collectivite, catalogue=load_rules_catalogue(), created_by=referent
    )


def test_conditions_dont_know_and_exclusive_options_in_the_browser(
    new_page, rules_diagnostic, agent
):
    diagnostic = rules_diagnostic
    page = new_page(agent)
    page.goto(f"/diagnostics/{diagnostic.public_id}/preconisations/1/")
    expect(page.locator("form.questionnaire[data-autosave-ready='true']")).to_have_count(1)
    kinds = page.locator("#q-R1\\.Q4")
    expect(kinds).to_contain_text("Cette question concerne les départements et les régions.")
    expect(kinds.locator("input[name='R1.Q4-value']").first).to_be_hidden()

    # « Non » to R1.Q1: R1.Q2 goes at once, with its reason, and it is announced.
    page.locator("[name='R1.Q1-value'][value='non']").check()
    expect(status_of(page, "R1.Q1")).to_contain_text("Enregistré")
    follow_up = page.locator("#q-R1\\.Q2")
    expect(follow_up).to_contain_text(
        "Cette question est posée lorsque la réponse à R1.Q1 est “Oui”."
    )
    expect(follow_up.locator("input[name='R1.Q2-value']").first).to_be_hidden()
    expect(page.locator("[data-rules-status]")).to_contain_text(
        "La question R1.Q2 n’est plus posée"
    )
    check_page(page, "questionnaire with a question not asked")

    # « Oui »: it comes back.
    page.locator("[name='R1.Q1-value'][value='oui']").check()
    expect(follow_up.locator("input[name='R1.Q2-value']").first).to_be_visible()
    expect(page.locator("[data-rules-status]")).to_contain_text(
        "La question R1.Q2 est de nouveau posée."
    )

    # « Je ne sais pas » on the follow-up question.
    page.locator("[name='R1.Q2-dont_know']").check()
    expect(status_of(page, "R1.Q2")).to_contain_text("Enregistré")

    # « Aucun financement identifié » with another option: refused at the field.
    page.get_by_label("Fonds européens").check()
    expect(status_of(page, "R1.Q3")).to_contain_text("Enregistré")
    page.get_by_label("Aucun financement identifié").check()
    expect(status_of(page, "R1.Q3")).to_contain_text(
        "“Aucun financement identifié” ne peut pas être coché avec une autre option."
    )
    expect(page.get_by_label("Aucun financement identifié")).to_have_attribute(
        "aria-invalid", "true"
    )
    check_page(page, "questionnaire with an exclusive option refused")

    answers = {a.question.code: a for a in Answer.objects.filter(diagnostic=diagnostic)}
    assert answers["R1.Q1"].value is True
    assert answers["R1.Q2"].dont_know
    assert len(answers["R1.Q3"].value) == 1
