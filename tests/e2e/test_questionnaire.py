"""The questionnaire in the browser: server errors, no JavaScript, tab order, read-only."""

import itertools
import re

import pytest
from playwright.sync_api import expect

from diagnostics.models import Answer
from tests.e2e.helpers import assert_errors_are_announced, check_page, status_of

pytestmark = pytest.mark.e2e


def page_url(diagnostic, number=1):
    return f"/diagnostics/{diagnostic.public_id}/preconisations/{number}/"


def test_an_invalid_answer_is_refused_and_announced_after_a_plain_form_post(
    new_page, diagnostic, agent
):
    page = new_page(agent)
    page.goto(page_url(diagnostic))
    number = page.locator("[name='R1.Q6-value']")
    number.fill("douze")
    number.press("Tab")
    # Autosave says it at once, next to the field…
    expect(status_of(page, "R1.Q6")).to_contain_text(
        "Réponse non enregistrée : corrigez le champ signalé. Saisissez un nombre"
    )
    expect(number).to_have_attribute("aria-invalid", "true")
    # …and the page's button posts the whole form, as it does without JavaScript.
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Certaines réponses n’ont pas été enregistrées")
    expect(summary.get_by_role("link")).to_contain_text("Combien de partenariats")
    assert_errors_are_announced(page)
    error = page.locator("#id_R1\\.Q6-value_error")
    expect(error).to_have_text("Saisissez un nombre, par exemple 12 ou 12,5.")
    expect(page.locator("[name='R1.Q6-value']")).to_have_value("douze")
    check_page(page, "questionnaire with server-side errors")


def test_the_questionnaire_works_without_javascript(new_page, diagnostic, agent):
    page = new_page(agent, java_script_enabled=False)
    page.goto(page_url(diagnostic))
    expect(page.get_by_text("Chaque réponse est enregistrée automatiquement")).to_be_hidden()
    page.locator("[name='R1.Q1-value'][value='1']").check()
    page.locator("[name='R1.Q7-value']").fill("4")
    page.get_by_role("button", name="Enregistrer et passer à la suivante").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portage et organisation")
    expect(page.get_by_role("status").first).to_contain_text("Vos réponses sont enregistrées.")
    page.goto(page_url(diagnostic))
    expect(page.locator("[name='R1.Q1-value'][value='1']")).to_be_checked()
    expect(page.locator("[name='R1.Q7-value']")).to_have_value("4")
    assert Answer.objects.filter(diagnostic=diagnostic).count() == 2


FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    html: el.outerHTML.slice(0, 120),
    top: box.top + window.scrollY,
    bottom: box.bottom + window.scrollY,
    width: box.width,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def test_the_tab_order_follows_the_visual_order_with_a_visible_focus(new_page, diagnostic, agent):
    page = new_page(agent)
    page.goto(page_url(diagnostic))
    stops = []
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused is None or (stops and focused["html"] == stops[0]["html"]):
            break
        stops.append(focused)
    assert len(stops) > 30, f"only {len(stops)} tab stops on the questionnaire page"
    # The focus ends in the footer's links.
    assert any("Accessibilité" in stop["html"] for stop in stops[-8:])
    tolerance = 4
    for previous, current in itertools.pairwise(stops):
        same_row = current["top"] < previous["bottom"] and current["bottom"] > previous["top"]
        assert same_row or current["top"] >= previous["top"] - tolerance, (
            f"the focus goes back up from {previous['html']} (y={previous['top']:.0f}) "
            f"to {current['html']} (y={current['top']:.0f})"
        )
    hidden = [s["html"] for s in stops if not s["width"]]
    assert not hidden, f"invisible elements in the tab order: {hidden}"
    no_outline = [s["html"] for s in stops if not s["outline"]]
    assert not no_outline, f"no visible focus indicator on: {no_outline}"


def test_an_elu_reads_the_questionnaire_without_editing_it(new_page, demo, elu):
    page = new_page(elu)
    page.goto(page_url(demo, 3))
    expect(page.get_by_text("Vous consultez ce questionnaire en lecture seule.")).to_be_visible()
    expect(page.locator("[name='R3.Q1-value']").first).to_be_disabled()
    expect(page.get_by_role("button", name="Enregistrer", exact=True)).to_have_count(0)
    check_page(page, "read-only questionnaire")
    expect(status_of(page, "R3.Q1")).to_contain_text(re.compile(r"Enregistré — dernière"))


def test_an_answer_typed_while_the_connection_is_lost_is_sent_again(new_page, diagnostic, agent):
    page = new_page(agent)
    page.goto(page_url(diagnostic))
    save_url = f"**/diagnostics/{diagnostic.public_id}/questions/R1.Q1/reponse/"
    page.route(save_url, lambda route: route.abort("internetdisconnected"))
    page.locator("[name='R1.Q1-value'][value='2']").check()
    expect(status_of(page, "R1.Q1")).to_contain_text("connexion perdue")
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()
    # The connection comes back: the pending answer goes out by itself, with nothing retyped.
    page.unroute(save_url)
    expect(status_of(page, "R1.Q1")).to_contain_text("Enregistré à", timeout=20_000)
    assert Answer.objects.get(diagnostic=diagnostic, question__code="R1.Q1").value == 2


def test_an_answer_not_yet_sent_when_the_page_closes_is_sent_on_the_next_visit(
    new_page, diagnostic, agent
):
    page = new_page(agent)
    page.goto(page_url(diagnostic))
    save_url = f"**/diagnostics/{diagnostic.public_id}/questions/R1.Q7/reponse/"
    page.route(save_url, lambda route: route.abort("internetdisconnected"))
    page.locator("[name='R1.Q7-value']").fill("3")
    page.locator("[name='R1.Q7-value']").press("Tab")
    expect(status_of(page, "R1.Q7")).to_contain_text("connexion perdue")
    page.unroute(save_url)
    page.route(save_url, lambda route: route.abort("internetdisconnected"))
    # Leave the page (the answer is only in this browser), then come back later.
    page.evaluate("window.onbeforeunload = null")
    page.goto("about:blank")
    page.unroute(save_url)
    page.goto(page_url(diagnostic))
    expect(page.locator("[name='R1.Q7-value']")).to_have_value("3")
    expect(status_of(page, "R1.Q7")).to_contain_text("Enregistré à", timeout=20_000)
    assert Answer.objects.get(diagnostic=diagnostic, question__code="R1.Q7").value == "3"


def test_an_answer_given_before_the_autosave_script_ran_is_saved(new_page, diagnostic, agent):
    # A slow connection: the page is there, its autosave script not yet.
    page = new_page(agent)
    page.route("**/js/autosave*.js", lambda route: route.abort("timedout"))
    page.goto(page_url(diagnostic))
    page.locator("[name='R1.Q1-value'][value='2']").check()
    page.locator("[name='R1.Q7-value']").fill("5")
    expect(page.locator("form.questionnaire")).not_to_have_attribute("data-autosave-ready", "true")
    # The script arrives late: what was answered meanwhile is sent, with nothing redone.
    page.unroute("**/js/autosave*.js")
    page.add_script_tag(url=page.locator("script[src*='autosave']").get_attribute("src"))
    expect(page.locator("form.questionnaire")).to_have_attribute("data-autosave-ready", "true")
    expect(status_of(page, "R1.Q1")).to_contain_text("Enregistré à")
    expect(status_of(page, "R1.Q7")).to_contain_text("Enregistré à")
    saved = dict(
        Answer.objects.filter(diagnostic=diagnostic).values_list("question__code", "value")
    )
    assert saved == {"R1.Q1": 2, "R1.Q7": "5"}
    # Fields the person did not touch are not sent.
    expect(status_of(page, "R1.Q2")).to_be_empty()
