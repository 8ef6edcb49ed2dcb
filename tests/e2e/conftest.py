"""Browser tests: Debian's Chromium, headless, driven by Playwright against the live server."""

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from diagnostics.models import Diagnostic
from tests.e2e.helpers import DESKTOP, fill_answers, log_in, submit
from tests.factories import DiagnosticFactory, MembershipFactory

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

expect.set_options(timeout=10_000)


@pytest.fixture(scope="package")
def playwright():
    """Playwright for the browser tests only (pytest-playwright's would live until the end).

    Its sync API runs an event loop in this thread, and Django refuses ORM calls where a loop
    runs; the tests' own ORM calls are synchronous all the same. Both the loop and the
    permission end with the browser tests: the rest of the suite keeps Django's check (and
    `manage.py check --deploy` never sees the variable).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright, pytestconfig):
    """One headless Chromium for all the browser tests: Debian's, or the one CHROMIUM_PATH names."""
    path = shutil.which(CHROMIUM_PATH) or CHROMIUM_PATH
    if not Path(path).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM_PATH}: install Debian's `chromium` package, or "
            "point the CHROMIUM_PATH environment variable to a Chromium executable.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(
        executable_path=path,
        args=CHROMIUM_ARGS,
        headless=not pytestconfig.getoption("--headed"),
        slow_mo=pytestconfig.getoption("--slowmo"),
    )
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def browser_context_args(live_server):
    """Pages are opened by path (``page.goto("/connexion/")``), in French, in Paris."""
    return {"base_url": live_server.url, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture
def new_page(new_context, browser, browser_context_args):
    """A page in a browser context of its own (its own cookies), logged in as ``user`` if given.
    ``locale="en-GB"`` gives a browser in another language than the French default.

    Uncaught JavaScript errors fail the test.
    """
    errors = []
    own_contexts = []

    def _new_page(user=None, **context_args):
        if "locale" in context_args:
            # pytest-playwright's new_context refuses a second locale: a context of our own.
            context = browser.new_context(
                **{**browser_context_args, "viewport": DESKTOP, **context_args}
            )
            own_contexts.append(context)
        else:
            context = new_context(**{"viewport": DESKTOP, **context_args})
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        if user is not None:
            log_in(page, user.email)
        return page

    yield _new_page
    for context in own_contexts:
        context.close()
    assert not errors, "JavaScript errors in the browser:\n" + "\n".join(errors)


@pytest.fixture
def diagnostic(catalogue, collectivite, referent):
    return DiagnosticFactory(collectivite=collectivite, catalogue=catalogue, created_by=referent)


# Levels of the current diagnostic, recommendation by recommendation (0 to 1): strengths,
# priorities, and scores that rise, fall or stay the same since last year's 0.5 everywhere.
CURRENT_LEVELS = {1: 0.9, 2: 0.7, 3: 0.3, 4: 0.5, 5: 0.2, 6: 0.8, 7: 0.4, 8: 0.1, 9: 0.6, 10: 0.5}


@pytest.fixture
def demo(catalogue, collectivite, referent, agent, elu, diagnostic):
    """Like the demonstration data: last year's diagnostic submitted, this year's fully answered
    (not submitted), and five comparable communes with a submitted diagnostic each."""
    previous = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, title="Diagnostic 2025", created_by=referent
    )
    fill_answers(previous, by=agent, level=0.5)
    submit(previous, by=referent)
    a_year_ago = timezone.now() - timedelta(days=365)
    Diagnostic.objects.filter(pk=previous.pk).update(
        created_at=a_year_ago - timedelta(days=30), submitted_at=a_year_ago
    )
    for n in range(5):
        peer = MembershipFactory(role="referent")
        peer_diagnostic = DiagnosticFactory(
            collectivite=peer.collectivite, catalogue=catalogue, created_by=peer.user
        )
        fill_answers(peer_diagnostic, by=peer.user, level=0.2 * n)
        submit(peer_diagnostic, by=peer.user)
    fill_answers(diagnostic, by=agent, level=CURRENT_LEVELS.__getitem__)
    return diagnostic
