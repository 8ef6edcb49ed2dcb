"""Known vulnerabilities of the locked dependencies: pip-audit on the export of uv.lock.

Fails (exit 1) on a vulnerability that has a fixed version. When pip-audit cannot reach its
advisory service (PyPI's JSON API), says so plainly and does not fail: nothing was audited.
"""

import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NETWORK_ERRORS = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "timed out")
NOT_FOUND = "Dependency not found on PyPI"
# Where pip-audit reads the advisories of one version (this one exists on PyPI for good).
ADVISORIES = "https://pypi.org/pypi/django/4.2/json"


def verdict(report: dict) -> tuple[int, list[str]]:
    """Exit status and lines to print for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    lines, fixable = [], False
    for dependency in audited:
        for vuln in dependency.get("vulns", []):
            fixes = vuln.get("fix_versions") or []
            fixable = fixable or bool(fixes)
            fixed_in = ", ".join(fixes) if fixes else "aucune version corrigée pour l’instant"
            lines.append(
                f"{dependency['name']} {dependency['version']} : {vuln['id']} "
                f"(corrigée dans : {fixed_in})"
            )
    if dependencies and not audited and all(NOT_FOUND in d["skip_reason"] for d in skipped):
        lines.append(
            "AUDIT NON FAIT : le service d’avis de sécurité de PyPI (API JSON) ne répond pas "
            f"depuis cette machine ; aucune des {len(skipped)} dépendances n’a pu être vérifiée."
        )
        return 0, lines
    if skipped:
        names = ", ".join(d["name"] for d in skipped)
        lines.append(f"Non vérifiées ({len(skipped)}) : {names}")
    if fixable:
        lines.append("Échec : une vulnérabilité connue a une version corrigée ; mettez à jour.")
        return 1, lines
    lines.append(f"{len(audited)} dépendances vérifiées : aucune vulnérabilité corrigeable.")
    return 0, lines


def advisory_service_answers() -> bool:
    try:
        with urllib.request.urlopen(ADVISORIES, timeout=10) as response:
            return "vulnerabilities" in json.load(response)
    except (urllib.error.URLError, TimeoutError, ValueError):
        return False


def main() -> int:
    if not advisory_service_answers():
        # Without this early stop, pip-audit waits for each package in turn, then reports none.
        print(
            f"AUDIT NON FAIT\u00a0: le service d’avis de sécurité ({ADVISORIES}) ne répond pas "
            "depuis cette machine\u00a0; aucune dépendance n’a été vérifiée."
        )
        return 0
    with tempfile.TemporaryDirectory() as folder:
        requirements = Path(folder) / "requirements.txt"
        report_path = Path(folder) / "audit.json"
        subprocess.run(
            [
                os.environ.get("UV", "uv"),  # uv run names its own binary here
                "export",
                "--frozen",
                "--no-hashes",
                "--no-emit-project",
                "--all-groups",
                "--quiet",
                "-o",
                str(requirements),
            ],
            cwd=ROOT,
            check=True,
        )
        # --no-deps --disable-pip: the export is complete and pinned, nothing to resolve.
        audit = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip_audit",
                "-r",
                str(requirements),
                "--no-deps",
                "--disable-pip",
                "--progress-spinner",
                "off",
                "-f",
                "json",
                "-o",
                str(report_path),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if not report_path.exists() or not report_path.read_text().strip():
            if any(error in audit.stderr for error in NETWORK_ERRORS):
                print("AUDIT NON FAIT : le service d’avis de sécurité est injoignable (réseau).")
                print(audit.stderr.strip().splitlines()[-1])
                return 0
            print(audit.stdout + audit.stderr, file=sys.stderr)
            return audit.returncode or 1
        status, lines = verdict(json.loads(report_path.read_text()))
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
