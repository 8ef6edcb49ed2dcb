"""The French message catalogue: locale/fr/LC_MESSAGES/django.po and djangojs.po, and their .mo.

The texts of the application are written in French, so the French catalogue translates nothing
but the plural forms: without it, Django's ngettext and {% blocktranslate count %} and the
JavaScript catalogue's ngettext fall back to the English rule, where 0 is plural (« 0 questions »).
With it, French rules apply: 0 and 1 are singular (« 0 question », « 1 question », « 2 questions »).

    python .ci/messages.py          # make messages: extract, fill the plural entries, compile
    python .ci/messages.py --check  # make lint: fails when the catalogue is out of step

Extraction is Django's makemessages (-l fr, both domains). Each plural entry then gets its source
texts back (msgstr[0] = msgid, msgstr[1] = msgid_plural) and singular entries stay empty (Django
shows the source text); the header says « Plural-Forms: nplurals=2; plural=(n > 1); ». Last,
compilemessages writes the .mo files, which are committed so that make run needs no gettext.

The check fails when a plural entry is not filled (or a singular one is), when the plural
messages of the sources (extracted again in a temporary copy of the project) are not those of
the catalogue, or when a .mo file is not the compiled .po (compared as parsed catalogues).
Needs GNU gettext (xgettext, msgmerge, msgfmt) and polib.
"""

import argparse
import gettext
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE = "fr"
DOMAINS = ("django", "djangojs")
PLURAL_FORMS = "nplurals=2; plural=(n > 1);"
# Not the application's messages (makemessages also skips hidden folders, MEDIA_ROOT and
# STATIC_ROOT); the check's copy of the project leaves them out too.
IGNORE = [".venv", ".tools", ".ci", "node_modules", "benchmarks", "tests", "test-artifacts"]
COPY_IGNORE = [*IGNORE, ".*", "__pycache__", "*.pyc", "db.sqlite3*", "media", "staticfiles"]
HEADER = (
    "Catalogue français du Diagnostic AEICT : les textes sources sont en français, ce catalogue\n"
    "ne donne que les formes du pluriel (0 et 1 au singulier). Produit par « make messages »\n"
    "(.ci/messages.py) : ne pas le modifier à la main."
)
GETTEXT_MISSING = (
    "GNU gettext est introuvable (xgettext, msgmerge, msgfmt) : apt-get install gettext"
)


def po_path(root: Path, domain: str) -> Path:
    return root / "locale" / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"


def manage(root: Path, *args: str) -> None:
    """A manage.py command run in root (the project or its copy), with its own settings."""
    env = {**os.environ, "DEBUG": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run(
        [sys.executable, "manage.py", *args, "--verbosity", "0"], cwd=root, env=env, check=True
    )


def extract(root: Path) -> None:
    """makemessages for both domains, then the plural entries filled in, in root/locale."""
    ignores = [f"--ignore={pattern}" for pattern in IGNORE]
    for domain in DOMAINS:
        path = po_path(root, domain)
        before = path.read_text(encoding="utf-8") if path.exists() else None
        manage(
            root,
            "makemessages",
            f"--locale={LANGUAGE}",
            f"--domain={domain}",
            "--add-location=file",
            "--no-obsolete",
            *ignores,
        )
        catalogue = polib.pofile(str(path), wrapwidth=100)
        fill(catalogue)
        catalogue.save()
        # When only the extraction date changed, the file is kept as it was.
        if before is not None and undated(before) == undated(path.read_text(encoding="utf-8")):
            path.write_text(before, encoding="utf-8")


def undated(text: str) -> str:
    return "\n".join(
        line for line in text.splitlines() if not line.startswith('"POT-Creation-Date:')
    )


def fill(catalogue: polib.POFile) -> None:
    """French header; plural entries get their source texts; singular entries stay empty."""
    catalogue.header = HEADER
    catalogue.metadata_is_fuzzy = False  # msgfmt would leave a fuzzy header out, plural rule too
    for key in ("PO-Revision-Date", "Last-Translator", "Language-Team", "Report-Msgid-Bugs-To"):
        catalogue.metadata.pop(key, None)
    catalogue.metadata["Project-Id-Version"] = "aeict"
    catalogue.metadata["Language"] = LANGUAGE
    catalogue.metadata["Plural-Forms"] = PLURAL_FORMS
    for entry in catalogue:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = ""
        # msgmerge marks a message close to an older one as fuzzy, with the older one's text.
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None


def compile_all(root: Path) -> None:
    manage(root, "compilemessages", f"--locale={LANGUAGE}", *[f"--ignore={p}" for p in IGNORE])


def key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def problems_of(catalogue: polib.POFile, name: str) -> list[str]:
    """What the catalogue itself gets wrong."""
    problems = []
    if catalogue.metadata.get("Plural-Forms") != PLURAL_FORMS:
        problems.append(f"{name} : l’en-tête doit dire « Plural-Forms: {PLURAL_FORMS} »")
    if catalogue.metadata_is_fuzzy:
        problems.append(f"{name} : l’en-tête est marqué fuzzy (msgfmt l’ignorerait)")
    for entry in catalogue:
        if entry.obsolete:
            continue
        where = f"{name} : « {entry.msgid} »"
        if "fuzzy" in entry.flags:
            problems.append(f"{where} est marqué fuzzy")
        if entry.msgid_plural:
            if entry.msgstr_plural != {0: entry.msgid, 1: entry.msgid_plural}:
                problems.append(f"{where} : pluriel non rempli (msgstr[0] et msgstr[1])")
        elif entry.msgstr:
            problems.append(f"{where} : un message au singulier doit rester vide (texte source)")
    return problems


def compiled_catalogue(path: Path) -> gettext.GNUTranslations:
    with path.open("rb") as file:
        return gettext.GNUTranslations(file)


def mo_problems(po: Path, name: str) -> list[str]:
    """Whether the committed .mo is the compiled .po: compiled again, both catalogues compared."""
    mo = po.with_suffix(".mo")
    if not mo.exists():
        return [f"{name} : {mo.name} manque"]
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / mo.name
        subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
        expected = compiled_catalogue(fresh)
    committed = compiled_catalogue(mo)
    problems = []
    if committed._catalog != expected._catalog:
        problems.append(f"{name} : {mo.name} n’est pas le {po.name} compilé")
    if [committed.plural(n) for n in (0, 1, 2, 10)] != [0, 0, 1, 1]:
        problems.append(f"{name} : {mo.name} n’a pas la règle française du pluriel")
    return problems


def check() -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "projet"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*COPY_IGNORE))
        extract(copy)
        for domain in DOMAINS:
            po = po_path(ROOT, domain)
            name = str(po.relative_to(ROOT))
            if not po.exists():
                problems.append(f"{name} manque")
                continue
            catalogue = polib.pofile(str(po))
            problems += problems_of(catalogue, name)
            problems += mo_problems(po, name)
            plurals = {key(e) for e in catalogue if e.msgid_plural and not e.obsolete}
            sources = {key(e) for e in polib.pofile(str(po_path(copy, domain))) if e.msgid_plural}
            for _, msgid, _ in sorted(sources - plurals, key=str):
                problems.append(f"{name} : pluriel des sources absent du catalogue : « {msgid} »")
            for _, msgid, _ in sorted(plurals - sources, key=str):
                problems.append(f"{name} : pluriel qui n’est plus dans les sources : « {msgid} »")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="vérifie sans rien écrire")
    args = parser.parse_args()
    if not all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msgfmt")):
        print(GETTEXT_MISSING, file=sys.stderr)
        return 1
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("Le catalogue n’est pas à jour : lancez « make messages ».", file=sys.stderr)
            return 1
        print("Catalogue des messages à jour (pluriels remplis, .mo compilés).")
        return 0
    extract(ROOT)
    compile_all(ROOT)
    for domain in DOMAINS:
        print(f"{po_path(ROOT, domain).relative_to(ROOT)} et son .mo écrits.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
