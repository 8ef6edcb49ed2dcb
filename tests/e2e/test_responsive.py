"""Results, plan and questionnaire at 1 280 and 375 px: no sideways scrolling even at 320 CSS px,
tables read as labelled cards on a phone, axe finds nothing; the plan's filters, return to the
action and « Annuler »; an invalid answer marked under its field; counters; screenshots."""

import itertools
import re

import pytest
from playwright.sync_api import expect

from diagnostics.enums import ReportStatus, ReportVariant
from diagnostics.models import PlanAction, ReportFile
from diagnostics.plan import services as plan_service
from diagnostics.results.report import build_report
from tests.e2e.helpers import (
    MOBILE,
    assert_no_horizontal_scroll,
    check_page,
    screenshot,
    status_of,
)

pytestmark = pytest.mark.e2e

NARROWEST = {"width": 320, "height": 720}

NO_SIDEWAYS_SCROLL_JS = (
    "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
)


def assert_fits(page, where):
    scroll, client = page.evaluate(NO_SIDEWAYS_SCROLL_JS)
    assert scroll <= client, f"{page.url} is {scroll} px wide in {client} px at {where}"
    assert_no_horizontal_scroll(page, where)


def overlap(a, b) -> bool:
    across = a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
    down = a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]
    return across and down


def take_the_proposed_actions(diagnostic, by):
    report = build_report(diagnostic, with_comparisons=False)
    items = plan_service.proposals(report, plan_service.plan_actions(diagnostic))
    plan_service.accept_proposals(diagnostic=diagnostic, items=items, by=by)


def test_results_plan_and_questionnaire_fit_every_width(new_page, demo, referent):
    take_the_proposed_actions(demo, referent)
    action = plan_service.plan_actions(demo)[0]
    base = f"/diagnostics/{demo.public_id}"
    pages = {
        "reactif-resultats": f"{base}/resultats/",
        "reactif-plan": f"{base}/plan/",
        "reactif-plan-filtre": f"{base}/plan/?priorite=haute",
        "reactif-questionnaire": f"{base}/preconisations/10/",
        "reactif-resultats-detail": f"{base}/resultats/8/",
        "reactif-plan-historique": f"{base}/plan/{action.public_id}/historique/",
    }
    desktop = new_page(referent)
    phone = new_page(referent, viewport=MOBILE)
    narrowest = new_page(referent, viewport=NARROWEST)
    for name, path in pages.items():
        for page, width in ((desktop, "1280px"), (phone, "375px")):
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert_fits(page, width)
            check_page(page, f"{name} at {width}")
            screenshot(page, f"{name}-{width}")
        narrowest.goto(path)
        assert_fits(narrowest, "320 px")

    # On a phone, each row of the results is a card whose values carry their label.
    phone.goto(f"{base}/resultats/")
    row = phone.locator("table.table-cards tbody tr").first
    box = row.bounding_box()
    assert box["width"] <= MOBILE["width"]
    label = phone.evaluate(
        """() => getComputedStyle(
            document.querySelector("table.table-cards td[data-label]"), "::before").content"""
    )
    assert label.strip('"') == "Score sur 100"
    # The radar gives way to the table; on a desktop it is there.
    expect(phone.locator("figure.radar")).to_be_hidden()
    desktop.goto(f"{base}/resultats/")
    expect(desktop.locator("figure.radar")).to_be_visible()
    # The peers are explained before the table.
    note = desktop.get_by_role("heading", name="Avec qui la collectivité est comparée")
    table = desktop.get_by_role(
        "table", name="Score, niveau, complétude et comparaisons de chaque préconisation"
    )
    assert note.bounding_box()["y"] < table.bounding_box()["y"]

    # The plan on a phone: each action a card, its edit link within the screen.
    phone.goto(f"{base}/plan/")
    link = phone.get_by_role("link", name=re.compile(r"^Modifier «")).first
    link_box = link.bounding_box()
    assert link_box["x"] >= 0 and link_box["x"] + link_box["width"] <= MOBILE["width"]
    # The header stays compact on a phone.
    assert phone.locator("header.site-header").bounding_box()["height"] <= 110
    # The pager of the questionnaire does not collide.
    phone.goto(f"{base}/preconisations/10/")
    badge = phone.locator("h1 .recommendation-number")
    assert badge.evaluate("(el) => el.scrollWidth <= el.clientWidth")
    links = phone.locator(".recommendation-pager a").all()
    boxes = [item.bounding_box() for item in links]
    for first, second in itertools.pairwise(boxes):
        assert not overlap(first, second), (first, second)


def test_the_plan_filters_returns_to_the_action_and_undoes_a_dismissal(new_page, demo, agent):
    take_the_proposed_actions(demo, agent)
    page = new_page(agent)
    page.goto(f"/diagnostics/{demo.public_id}/plan/")
    total = PlanAction.objects.filter(diagnostic=demo).count()
    page.get_by_label("Priorité", exact=True).select_option(label="Priorité haute")
    page.get_by_role("button", name="Filtrer").click()
    high = PlanAction.objects.filter(diagnostic=demo, priority="haute").count()
    expect(page.get_by_role("heading", level=2, name=re.compile("affichées? sur"))).to_have_text(
        re.compile(rf"^{high} actions? affichées? sur {total}$")
    )
    expect(page.locator("table.table-cards tbody tr")).to_have_count(high)
    check_page(page, "plan filtered")
    page.get_by_role("link", name="Tout afficher").first.click()

    # Dismissing goes back to the place of the message, which offers « Annuler ».
    action = plan_service.plan_actions(demo)[5]
    page.get_by_role("button", name=f"Écarter « {action.title} »").click()
    undo = page.locator("#action-annulation")
    expect(undo).to_contain_text(f"Action « {action.title} » écartée.")
    assert page.evaluate("() => location.hash") == "#action-annulation"
    check_page(page, "plan with the undo of a dismissal")
    undo.get_by_role("button", name=re.compile("^Annuler")).click()
    expect(page.get_by_role("status").first).to_contain_text("rétablie")
    assert page.evaluate("() => location.hash") == f"#action-{action.public_id}"
    row = page.locator(f"#action-{action.public_id}")
    expect(row).to_be_in_viewport()  # in view, not at the top of the page
    action.refresh_from_db()
    assert not action.dismissed

    # Editing comes back to the action too, without the stale fragment of a field.
    page.get_by_role("link", name=f"Modifier « {action.title} »").click()
    page.get_by_label("Porteur (service ou personne)").fill("Cabinet du maire")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/plan/#action-{action.public_id}$"))


def test_an_invalid_answer_is_marked_under_its_field_and_kept(new_page, diagnostic, agent):
    page = new_page(agent)
    page.goto(f"/diagnostics/{diagnostic.public_id}/preconisations/1/")
    number = page.locator("[name='R1.Q6-value']")
    number.fill("douze")
    number.press("Tab")
    expect(status_of(page, "R1.Q6")).to_contain_text("Saisissez un nombre")
    expect(number).to_have_class(re.compile(r"\bis-invalid\b"))
    described = number.get_attribute("aria-describedby").split()
    message = page.locator(f"[id='{described[0]}']")
    expect(message).to_have_text("Saisissez un nombre, par exemple 12 ou 12,5.")
    # Directly under the field, above the comment box.
    comment = page.locator("[name='R1.Q6-comment']")
    tops = page.evaluate(
        """([a, b, c]) => [a, b, c].map(
            (id) => document.getElementById(id).getBoundingClientRect().top)""",
        [number.get_attribute("id"), described[0], comment.get_attribute("id")],
    )
    assert tops == sorted(tops), tops
    # Marked by more than colour: a thicker border and the icon.
    assert number.evaluate("(el) => getComputedStyle(el).borderTopWidth") == "2px"
    assert "url(" in number.evaluate("(el) => getComputedStyle(el).backgroundImage")
    check_page(page, "questionnaire with an answer refused by autosave")
    # Leaving asks first: the invalid value is not saved.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


def test_a_limited_text_counts_its_characters_and_is_never_cut(new_page, diagnostic, agent):
    page = new_page(agent)
    page.goto(f"/diagnostics/{diagnostic.public_id}/preconisations/1/")
    comment = page.locator("[name='R1.Q1-comment']")
    counter = page.locator("[id='id_R1.Q1-comment-compteur']")
    expect(counter).to_have_text(re.compile(r"^0 caractères? sur 2\s000 au plus$"))
    comment.fill("x" * 2010)
    expect(comment).to_have_value("x" * 2010)  # not cut
    expect(counter).to_contain_text("Texte trop long")
    expect(comment).to_have_attribute("aria-invalid", "true")
    assert "id_R1.Q1-comment-compteur" in comment.get_attribute("aria-describedby")
    expect(status_of(page, "R1.Q1")).to_contain_text("2\u00a0000 caractères au plus")
    check_page(page, "questionnaire with a text over its limit")


def test_the_report_bar_is_full_when_the_report_is_ready(new_page, diagnostic, elu):
    report = ReportFile.objects.create(
        diagnostic=diagnostic,
        variant=ReportVariant.SUMMARY,
        content_hash="0" * 64,
        status=ReportStatus.PENDING,
    )
    page = new_page(elu)
    page.goto(f"/diagnostics/{diagnostic.public_id}/rapports/fichiers/{report.public_id}/")
    ReportFile.objects.filter(pk=report.pk).update(
        status=ReportStatus.READY, file="rapports/synthese.pdf"
    )
    expect(page.get_by_role("link", name="Télécharger le PDF")).to_be_focused()
    bar = page.locator("[data-report-progress] .progress-bar")
    outer = page.locator("[data-report-progress]")
    expect(outer).to_have_attribute("aria-valuenow", "3")
    assert abs(bar.bounding_box()["width"] - outer.bounding_box()["width"]) < 1


def test_leaving_the_plan_form_with_unsent_values_asks_first(new_page, diagnostic, agent):
    page = new_page(agent)
    page.goto(f"/diagnostics/{diagnostic.public_id}/plan/")
    title = page.get_by_role("textbox", name=re.compile(r"^Action\*?$"))
    counter = page.locator("#id_title-compteur")
    expect(counter).to_have_text(re.compile(r"^0 caractères? sur 200 au plus$"))
    title.fill("Jumelage")
    expect(counter).to_have_text("8 caractères sur 200 au plus")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]


def test_sending_the_plan_form_does_not_ask(new_page, diagnostic, agent):
    page = new_page(agent)
    page.goto(f"/diagnostics/{diagnostic.public_id}/plan/")
    page.get_by_role("textbox", name=re.compile(r"^Action\*?$")).fill("Jumelage")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.get_by_role("button", name="Ajouter l’action", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Jumelage")
    assert dialogs == []


# The radar's text as a person sees it: the font size in the SVG times the SVG's scale.
RADAR_TEXT_SIZES_JS = """() => {
  const svg = document.querySelector("figure.radar svg");
  if (!svg || !svg.getClientRects().length) { return null; }
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return Array.from(svg.querySelectorAll("text")).map(
    (text) => parseFloat(getComputedStyle(text).fontSize) * scale
  );
}"""


def test_the_radar_labels_stay_readable_or_the_table_takes_its_place(new_page, demo, referent):
    """WCAG 1.4.4 / RGAA 10.4: never a radar whose text shrinks under 12 CSS px; where it would,
    the page says the table below carries the same figures, and the radar is not shown."""
    page = new_page(referent)
    page.goto(f"/diagnostics/{demo.public_id}/resultats/")
    note = page.get_by_text("le graphique radar laisse la place au tableau des scores")
    for width in (320, 375, 576, 700, 768, 991):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate(RADAR_TEXT_SIZES_JS) is None, f"a radar is drawn at {width} px"
        expect(note).to_be_visible()
    for width in (992, 1100, 1280, 1600):
        page.set_viewport_size({"width": width, "height": 900})
        sizes = page.evaluate(RADAR_TEXT_SIZES_JS)
        assert sizes, f"no radar at {width} px"
        assert min(sizes) >= 12, f"radar text of {min(sizes):.1f} CSS px at {width} px"
        expect(note).to_be_hidden()


def test_annuler_after_dismissing_a_proposed_action_proposes_it_again(new_page, demo, agent):
    page = new_page(agent)
    page.goto(f"/diagnostics/{demo.public_id}/plan/")
    proposals = page.locator("section[aria-labelledby='proposees'] li.question-card")
    count = proposals.count()
    title = proposals.nth(2).locator("strong").first.inner_text()
    proposals.nth(2).get_by_role("button", name=f"Écarter : {title}").click()

    undo = page.locator("#action-annulation")
    expect(undo).to_contain_text(f"Action proposée « {title} » écartée.")
    expect(undo).to_be_in_viewport()  # in the list of proposals, where the person was
    expect(proposals).to_have_count(count - 1)
    check_page(page, "plan with the undo of a dismissed proposal")
    undo.get_by_role("button", name=re.compile("^Annuler")).click()

    expect(page.get_by_role("status").first).to_contain_text(f"« {title} » de nouveau proposée")
    assert page.evaluate("() => location.hash") == "#proposees"
    expect(proposals).to_have_count(count)
    expect(proposals.filter(has_text=title)).to_have_count(1)
    assert not PlanAction.objects.filter(diagnostic=demo).exists()
