"""Valid code (RGAA 8.2): the sample pages of the audit, rendered with realistic data, pass the
W3C Nu Html Checker (vnu.jar, pinned in .ci/vnu and installed by `make vnu`) without an error.

All the pages are written to a temporary directory and checked in one run of the checker (the
Java virtual machine takes a couple of seconds to start). Without Java or the jar the test is
skipped, saying why; under CI (CI=true) it fails instead.
"""

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from diagnostics.catalogue import catalogue_data
from diagnostics.models import PlanAction, ReportFile
from diagnostics.services import submit_diagnostic
from tests.diagnostics.helpers import answer_everything
from tests.diagnostics.test_plan import action_values
from tests.factories import DiagnosticFactory, UserFactory

VNU_JAR = (
    Path(__file__).resolve().parents[2]
    / ".ci"
    / "vnu"
    / "node_modules"
    / "vnu-jar"
    / "build"
    / "dist"
    / "vnu.jar"
)


def checker() -> list[str]:
    """The command that runs the checker, or a skip (a failure under CI) saying what is missing."""
    java = shutil.which("java")
    missing = []
    if not java:
        missing.append("Java (apt-get install default-jre-headless)")
    if not VNU_JAR.exists():
        missing.append(f"{VNU_JAR} (make vnu)")
    if missing:
        reason = "Nu Html Checker unavailable, missing: " + ", ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


@pytest.fixture
def world(client, catalogue, collectivite, referent, agent, elu):
    """A submitted diagnostic with its answers, two actions in its plan, a report on its way."""
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent, year=2026
    )
    client.force_login(agent)
    data = catalogue_data(catalogue.pk)
    answer_everything(client, diagnostic, data)
    code = data.questions[0].code
    response = client.post(
        reverse("diagnostic_comment", args=[diagnostic.public_id, code]),
        {f"{code}-thread": "Le service Europe confirme : « oui » depuis le 1er janvier."},
    )
    assert response.status_code == 302, response.content
    submit_diagnostic(diagnostic=diagnostic, by=referent)
    client.force_login(referent)
    for title in ["Créer une cellule Europe", "Adhérer à un réseau de villes"]:
        response = client.post(
            reverse("plan_action_add", args=[diagnostic.public_id]),
            action_values(diagnostic, title=title),
        )
        assert response.status_code == 302, response.content
    report = ReportFile.objects.create(
        diagnostic=diagnostic,
        variant="synthese",
        content_hash="0" * 64,
        requested_by=referent,
        queued_at=timezone.now() - timedelta(seconds=5),
    )
    client.logout()
    return diagnostic, report


def sample_pages(client, diagnostic, report, referent, superuser) -> dict[str, str]:
    """The audit's sample pages (README of docs/accessibilite: the catalogue's admin pages too)
    and the site map, as HTML."""
    pid = diagnostic.public_id
    action = PlanAction.objects.filter(diagnostic=diagnostic).order_by("pk").first()
    public = {
        "accueil": reverse("home"),
        "connexion": reverse("login"),
        "methode": reverse("methode"),
        "accessibilite": reverse("accessibilite"),
        "plan-du-site": reverse("plan_du_site"),
    }
    private = {
        "tableau-de-bord": reverse("dashboard"),
        "vue-ensemble": reverse("diagnostic_overview", args=[pid]),
        "preconisation": reverse("diagnostic_recommendation", args=[pid, 1]),
        "resultats": reverse("diagnostic_results", args=[pid]),
        "plan": reverse("diagnostic_plan", args=[pid]),
        "plan-modifier": reverse("plan_action_edit", args=[pid, action.public_id]),
        "membres": reverse("members", args=[diagnostic.collectivite.public_id]),
        "rapport-statut": reverse("report_status", args=[pid, report.public_id]),
        "plan-du-site-connecte": reverse("plan_du_site"),
    }
    catalogue = diagnostic.catalogue
    recommendation = catalogue.recommendations.get(number=1)
    question = recommendation.questions.order_by("pk").first()
    admin = {
        "admin-index": reverse("admin:index"),
        "admin-versions": reverse("admin:recommendations_catalogueversion_changelist"),
        "admin-version": reverse(
            "admin:recommendations_catalogueversion_change", args=[catalogue.pk]
        ),
        "admin-preconisations": reverse("admin:recommendations_recommendation_changelist"),
        "admin-preconisation": reverse(
            "admin:recommendations_recommendation_change", args=[recommendation.pk]
        ),
        "admin-question": reverse("admin:recommendations_question_change", args=[question.pk]),
    }
    pages = {}
    for user, urls in [(None, public), (referent, private), (superuser, admin)]:
        if user:
            client.force_login(user)
        for name, url in urls.items():
            response = client.get(url)
            assert response.status_code == 200, (name, url, response.status_code)
            pages[name] = response.content.decode()
    return pages


# A page with one known error, checked in the same run: proves the checker reads the files.
CANARY = (
    "<!doctype html><html lang=fr><head><title>t</title></head><body><p><div></p></body></html>"
)


def validate(pages: dict[str, str], directory: Path) -> list[str]:
    """The checker's errors, one line each: « page:line: message »."""
    command = checker()
    pages = {**pages, "canary": CANARY}
    files = []
    for name, html in pages.items():
        path = directory / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(
        [*command, *files], capture_output=True, text=True, timeout=300, check=False
    )
    # The checker writes its JSON report on standard error.
    report = json.loads(result.stderr or result.stdout)
    errors = []
    for message in report["messages"]:
        page = Path(message.get("url", "?")).stem
        errors.append(f"{page}:{message.get('lastLine', '?')}: {message['message']}")
    canary = [e for e in errors if e.startswith("canary:")]
    assert canary, f"the checker found nothing wrong in a broken page: {result.stderr}"
    return sorted(e for e in errors if not e.startswith("canary:"))


def test_the_sample_pages_are_valid_html(client, world, referent, tmp_path):
    diagnostic, report = world
    superuser = UserFactory(is_staff=True, is_superuser=True)
    pages = sample_pages(client, diagnostic, report, referent, superuser)
    assert len(pages) == 20
    # The same pages in English: switch, lang="fr" passages, translated attributes.
    client.force_login(referent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pid = diagnostic.public_id
    for name, url in {
        "en-accueil": reverse("home"),
        "en-preconisation": reverse("diagnostic_recommendation", args=[pid, 1]),
        "en-resultats": reverse("diagnostic_results", args=[pid]),
        "en-plan": reverse("diagnostic_plan", args=[pid]),
    }.items():
        html = client.get(url).content.decode()
        assert '<html lang="en">' in html, name
        pages[name] = html
    errors = validate(pages, tmp_path)
    assert errors == [], "\n".join(errors)


def test_without_the_checker_the_test_is_skipped_but_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr("tests.accessibility.test_valid_html.VNU_JAR", tmp_path / "absent.jar")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"absent\.jar \(make vnu\)"):
        checker()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"absent\.jar \(make vnu\)"):
        checker()
