"""Helpers of the browser tests: logging in, accessibility checks, answers built by services."""

import re
from collections.abc import Callable
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page, expect

from diagnostics.catalogue import catalogue_data
from diagnostics.question_kinds import kind_of
from diagnostics.questionnaire.answers import (
    make_state,
    save_answer,
)
from diagnostics.services import submit_diagnostic

PASSWORD = "mot-de-passe-de-test"  # the one tests.factories.UserFactory sets
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 812}
# 1280 px at 200 % zoom: the layout gets 640 CSS pixels.
ZOOMED = {"width": 640, "height": 900}

AXE = Axe()
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Through the real login form, as a person would (its fields found by their labels in the
    language of the page: French, or English for a browser that asks for it)."""
    page.goto("/connexion/")
    english = page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Email address" if english else "Adresse électronique").fill(email)
    page.get_by_label("Password" if english else "Mot de passe").fill(password)
    page.get_by_role("button", name="Sign in" if english else "Se connecter").click()
    expect(page).to_have_url(re.compile(r"/tableau-de-bord/$"))


def format_violations(page: Page, violations: list[dict], state: str) -> str:
    lines = [f"{len(violations)} axe violation(s) on {page.url} ({state or 'page'}):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}] {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    target: {target}\n      html: {node['html'][:200]}\n      {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more node(s)")
    return "\n".join(lines)


# CSS transitions under way (a button leaving its focus colours takes 0.15 s): axe reads the colours
# of the moment, so it waits for them to end; endless animations (a spinner) are not awaited.
SETTLE_JS = """() => Promise.all(document.getAnimations()
  .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
  .map((a) => a.finished.catch(() => null)))"""


def assert_no_axe_violations(page: Page, state: str = "") -> None:
    """axe-core, WCAG 2.1 A and AA rules: zero violations, once transitions have ended."""
    page.evaluate(SETTLE_JS)
    violations = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, format_violations(page, violations, state)


UNNAMED_FIELDS_JS = """() => {
  // A label's text, with the text alternative of its images (the admin's search label).
  const text = (el) => (el ? [el.textContent].concat(
    Array.from(el.querySelectorAll("img[alt]")).map((img) => img.alt)
  ).join(" ").replace(/\\s+/g, " ").trim() : "");
  const nameOf = (el) => {
    const labelledby = el.getAttribute("aria-labelledby");
    if (labelledby) {
      return labelledby.split(/\\s+/).map((id) => text(document.getElementById(id))).join(" ");
    }
    if ((el.getAttribute("aria-label") || "").trim()) { return el.getAttribute("aria-label"); }
    if (el.labels && el.labels.length) {
      return Array.from(el.labels).map(text).join(" ");
    }
    // A button input is named by its value (HTML-AAM), as the admin's « Enregistrer » is.
    if (["submit", "button", "reset"].includes(el.type) && (el.value || "").trim()) {
      return el.value;
    }
    return (el.getAttribute("title") || "").trim();
  };
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== "hidden" && style.display !== "none" && box.width > 0
      && box.height > 0;
  };
  return Array.from(document.querySelectorAll("input, select, textarea"))
    .filter((el) => el.type !== "hidden" && visible(el) && !nameOf(el).trim())
    .map((el) => el.outerHTML.slice(0, 160));
}"""


def assert_fields_have_accessible_names(page: Page) -> None:
    unnamed = page.evaluate(UNNAMED_FIELDS_JS)
    assert not unnamed, f"fields without an accessible name on {page.url}: {unnamed}"


# axe-core does not measure non-text contrast: the border that shows where a field is must
# stand out from what is behind it by 3:1 at least (WCAG 1.4.11; disabled fields are exempt).
FAINT_FIELDS_JS = """() => {
  const parse = (color) => {
    const parts = color.match(/[\\d.]+/g).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
  });
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const backgroundOf = (el) => {
    for (let e = el.parentElement; e; e = e.parentElement) {
      const color = parse(getComputedStyle(e).backgroundColor);
      if (color.a > 0) { return color; }
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const faint = [];
  for (const el of document.querySelectorAll(".form-control, .form-select, .form-check-input")) {
    if (el.disabled || !el.getClientRects().length) { continue; }
    const behind = backgroundOf(el);
    const border = over(parse(getComputedStyle(el).borderTopColor), behind);
    const [light, dark] = [luminance(border), luminance(behind)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    if (ratio < 3) { faint.push(`${el.outerHTML.slice(0, 100)} (${ratio.toFixed(2)}:1)`); }
  }
  return faint;
}"""


def assert_fields_stand_out(page: Page) -> None:
    faint = page.evaluate(FAINT_FIELDS_JS)
    assert not faint, f"field borders under 3:1 on {page.url}: {faint}"


def check_page(page: Page, state: str = "") -> None:
    """What every page must pass: axe-core, a name for every visible field, visible fields."""
    assert_no_axe_violations(page, state)
    assert_fields_have_accessible_names(page)
    assert_fields_stand_out(page)


ERRORS_DESCRIBED_JS = """() => {
  const problems = [];
  const invalid = document.querySelectorAll("[aria-invalid='true'], .is-invalid");
  for (const field of invalid) {
    const holder = field.getAttribute("aria-describedby") ? field : field.closest("fieldset");
    const ids = ((holder && holder.getAttribute("aria-describedby")) || "").split(/\\s+/);
    const described = ids.map((id) => document.getElementById(id)).filter(Boolean);
    const error = described.find((el) => el.classList.contains("invalid-feedback")
      && el.textContent.trim() && el.getBoundingClientRect().height > 0);
    if (!error) { problems.push(field.outerHTML.slice(0, 160)); }
  }
  return { count: invalid.length, problems: problems };
}"""


def assert_errors_are_announced(page: Page) -> None:
    """The focus is on the error summary, and each field in error is described by its error."""
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    found = page.evaluate(ERRORS_DESCRIBED_JS)
    assert found["count"], f"no field is marked invalid on {page.url}"
    assert not found["problems"], (
        f"fields in error without an aria-describedby to their visible error text: "
        f"{found['problems']}"
    )


def assert_no_horizontal_scroll(page: Page, where: str) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (
        f"{page.url} scrolls horizontally at {where}: the page is {widths[0]} px wide "
        f"in a {widths[1]} px window"
    )


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def press_until_focused(page: Page, selector: str, *, key: str = "Tab", limit: int = 60) -> None:
    """Press ``key`` (Tab by default) until the focus is on an element matching ``selector``."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("(s) => !!document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus after {limit} presses of {key}")


def status_of(page: Page, code: str):
    return page.locator(f".question-card[data-question='{code}'] [data-status]")


# Answers built through the services, for the parts of a journey that do not need the UI.


def answer_state(question, options, *, level: float) -> dict:
    """A valid answer of ``question``, from the lowest (level 0) to the highest (level 1)."""
    value = kind_of(question).sample(question, options, level=level)
    return make_state(value=value, not_applicable=False, comment="")


def fill_answers(
    diagnostic, *, by, level: float | Callable[[int], float] = 0.6, skip: tuple[int, ...] = ()
) -> None:
    """Answer every question of the diagnostic, except those of the recommendations ``skip``.

    ``level`` (0 to 1) is the same everywhere, or a function of the recommendation's number.
    """
    data = catalogue_data(diagnostic.catalogue_id)
    for rec in data.recommendations:
        if rec.number in skip:
            continue
        rec_level = level(rec.number) if callable(level) else level
        for question in data.questions_by_rec[rec.number]:
            options = data.options_by_question.get(question.pk, [])
            save_answer(
                diagnostic=diagnostic,
                question=question,
                by=by,
                state=answer_state(question, options, level=rec_level),
                base_revision=0,
            )


def submit(diagnostic, *, by) -> None:
    submit_diagnostic(diagnostic=diagnostic, by=by)
    diagnostic.refresh_from_db()


# Reflow (WCAG 1.4.10, RGAA 10.11): browser zoom divides the CSS pixels a page gets, so a 1 280 px
# window at 400 % lays the page out in 320 CSS px, and at 200 % in 640 CSS px. The viewport is
# set to those widths, which is what the zoom does to the layout (the text is the same size in
# CSS px either way).
REFLOW_WIDTHS = {
    "320 CSS px (1 280 px at 400 % zoom)": 320,
    "640 CSS px (1 280 px at 200 % zoom)": 640,
}


def assert_reflows(page: Page) -> None:
    """No sideways scroll at 320 and at 640 CSS px; the window's size is put back after."""
    size = page.viewport_size or DESKTOP
    try:
        for where, width in REFLOW_WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 800})
            assert_no_horizontal_scroll(page, where)
    finally:
        page.set_viewport_size(size)


def check_state(page: Page, state: str) -> None:
    """A page in one of its states: axe, named and visible fields, and reflow at 320 / 640 px."""
    check_page(page, state)
    assert_reflows(page)
