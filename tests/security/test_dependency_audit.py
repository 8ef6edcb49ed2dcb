"""The dependency audit of CI (.ci/audit.py): what fails the build, what only warns."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit.py"


@pytest.fixture(scope="module")
def verdict():
    spec = importlib.util.spec_from_file_location("ci_audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verdict


def dependency(name, *vulns):
    return {"name": name, "version": "1.0", "vulns": list(vulns)}


def test_a_vulnerability_with_a_fix_fails_the_build(verdict):
    report = {
        "dependencies": [
            dependency("django", {"id": "PYSEC-1", "fix_versions": ["5.2.20"]}),
            dependency("pyyaml"),
        ]
    }
    status, lines = verdict(report)
    assert status == 1
    assert any("PYSEC-1" in line and "5.2.20" in line for line in lines)


def test_a_vulnerability_without_a_fix_is_reported_without_failing(verdict):
    report = {"dependencies": [dependency("weasyprint", {"id": "GHSA-x", "fix_versions": []})]}
    status, lines = verdict(report)
    assert status == 0
    assert any("GHSA-x" in line for line in lines)


def test_a_clean_lock_passes(verdict):
    status, lines = verdict({"dependencies": [dependency("django"), dependency("pyyaml")]})
    assert status == 0
    assert "2 dépendances vérifiées" in lines[-1]


def test_an_unreachable_advisory_service_is_said_plainly(verdict):
    skipped = {
        "name": "django",
        "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2)",
    }
    status, lines = verdict({"dependencies": [skipped, {**skipped, "name": "pyyaml"}]})
    assert status == 0
    assert lines[0].startswith("AUDIT NON FAIT")
