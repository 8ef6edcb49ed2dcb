"""The message catalogues: locale/fr and locale/en, LC_MESSAGES/django.po and djangojs.po, and
their .mo.

The texts of the application are written in French (the msgids), so the French catalogue
translates nothing but the plural forms: without it, Django's ngettext and
{% blocktranslate count %} and the JavaScript catalogue's ngettext fall back to the English rule,
where 0 is plural (« 0 questions »). With it, French rules apply: 0 and 1 are singular
(« 0 question », « 1 question », « 2 questions »). The English catalogue holds the real
translations, written in the .po files and kept by msgmerge from one extraction to the next.

    python .ci/messages.py          # make messages: extract, fill the French plurals, compile
    python .ci/messages.py --check  # make lint: fails when a catalogue is out of step

Extraction is Django's makemessages (-l fr -l en, both domains); msgmerge keeps the English
translations of unchanged messages and marks as fuzzy the ones whose source changed. In the French
catalogue, each plural entry then gets its source texts back (msgstr[0] = msgid, msgstr[1] =
msgid_plural), singular entries stay empty (Django shows the source text) and nothing is fuzzy;
its header says « Plural-Forms: nplurals=2; plural=(n > 1); ». The English header says
« Language: en » and « Plural-Forms: nplurals=2; plural=(n != 1); ». Last, compilemessages writes
the .mo files of both languages, which are committed so that make run needs no gettext.

The check extracts the messages again in a temporary copy of the project. It fails when a French
plural entry is not filled (or a singular one is), when the French plural messages are not those
of the sources, when an English entry is untranslated or fuzzy (the first ones are listed), when
the English messages are not those of the sources, or when a .mo file is not the compiled .po
(compared as parsed catalogues). Needs GNU gettext (xgettext, msgmerge, msgfmt) and polib.
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
LANGUAGES = ("fr", "en")
DOMAINS = ("django", "djangojs")
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "en": "nplurals=2; plural=(n != 1);"}
# ngettext's form for 0, 1, 2 and 10 under each language's rule.
PLURAL_INDICES = {"fr": [0, 0, 1, 1], "en": [1, 0, 1, 1]}
# The English problems the check lists, at most (then how many more).
LISTED = 20
# Not the application's messages (makemessages also skips hidden folders, MEDIA_ROOT and
# STATIC_ROOT); the check's copy of the project leaves them out too.
IGNORE = [".venv", ".tools", ".ci", "node_modules", "benchmarks", "tests", "test-artifacts"]
COPY_IGNORE = [*IGNORE, ".*", "__pycache__", "*.pyc", "db.sqlite3*", "media", "staticfiles"]
HEADER = {
    "fr": (
        "Catalogue français du Diagnostic AEICT : les textes sources sont en français, ce "
        "catalogue\nne donne que les formes du pluriel (0 et 1 au singulier). Produit par « make "
        "messages »\n(.ci/messages.py) : ne pas le modifier à la main."
    ),
    "en": (
        "English catalogue of the AEICT Assessment: the translations of the French source texts.\n"
        "Extracted by « make messages » (.ci/messages.py), which keeps the translations: write\n"
        "them here (msgstr), never the msgids."
    ),
}
GETTEXT_MISSING = (
    "GNU gettext est introuvable (xgettext, msgmerge, msgfmt) : apt-get install gettext"
)


def po_path(root: Path, language: str, domain: str) -> Path:
    return root / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def manage(root: Path, *args: str) -> None:
    """A manage.py command run in root (the project or its copy), with its own settings."""
    env = {**os.environ, "DEBUG": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run(
        [sys.executable, "manage.py", *args, "--verbosity", "0"], cwd=root, env=env, check=True
    )


def extract(root: Path) -> None:
    """makemessages for both domains and languages, then the headers and the French plural
    entries filled in, in root/locale."""
    ignores = [f"--ignore={pattern}" for pattern in IGNORE]
    for domain in DOMAINS:
        paths = [po_path(root, language, domain) for language in LANGUAGES]
        before = {path: path.read_text(encoding="utf-8") for path in paths if path.exists()}
        manage(
            root,
            "makemessages",
            *[f"--locale={language}" for language in LANGUAGES],
            f"--domain={domain}",
            "--add-location=file",
            "--no-obsolete",
            *ignores,
        )
        for language, path in zip(LANGUAGES, paths, strict=True):
            catalogue = polib.pofile(str(path), wrapwidth=100)
            fill(catalogue) if language == "fr" else fill_english(catalogue)
            catalogue.save()
            # When only the extraction date changed, the file is kept as it was.
            if path in before and undated(before[path]) == undated(path.read_text("utf-8")):
                path.write_text(before[path], encoding="utf-8")


def undated(text: str) -> str:
    return "\n".join(
        line for line in text.splitlines() if not line.startswith('"POT-Creation-Date:')
    )


def set_header(catalogue: polib.POFile, language: str) -> None:
    catalogue.header = HEADER[language]
    catalogue.metadata_is_fuzzy = False  # msgfmt would leave a fuzzy header out, plural rule too
    for key in ("PO-Revision-Date", "Last-Translator", "Language-Team", "Report-Msgid-Bugs-To"):
        catalogue.metadata.pop(key, None)
    catalogue.metadata["Project-Id-Version"] = "aeict"
    catalogue.metadata["Language"] = language
    catalogue.metadata["Plural-Forms"] = PLURAL_FORMS[language]


def fill(catalogue: polib.POFile) -> None:
    """French header; plural entries get their source texts; singular entries stay empty."""
    set_header(catalogue, "fr")
    for entry in catalogue:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = ""
        # msgmerge marks a message close to an older one as fuzzy, with the older one's text.
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None


def fill_english(catalogue: polib.POFile) -> None:
    """English header; the translations are the translators' (fuzzy ones stay fuzzy: the check
    fails on them until someone reads them again)."""
    set_header(catalogue, "en")


def compile_all(root: Path) -> None:
    locales = [f"--locale={language}" for language in LANGUAGES]
    manage(root, "compilemessages", *locales, *[f"--ignore={p}" for p in IGNORE])


def key(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def header_problems(catalogue: polib.POFile, name: str, language: str) -> list[str]:
    problems = []
    if catalogue.metadata.get("Plural-Forms") != PLURAL_FORMS[language]:
        problems.append(f"{name} : l’en-tête doit dire « Plural-Forms: {PLURAL_FORMS[language]} »")
    if catalogue.metadata.get("Language") != language:
        problems.append(f"{name} : l’en-tête doit dire « Language: {language} »")
    if catalogue.metadata_is_fuzzy:
        problems.append(f"{name} : l’en-tête est marqué fuzzy (msgfmt l’ignorerait)")
    return problems


def problems_of(catalogue: polib.POFile, name: str) -> list[str]:
    """What the French catalogue itself gets wrong."""
    problems = header_problems(catalogue, name, "fr")
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


def english_problems(catalogue: polib.POFile, name: str) -> list[str]:
    """What the English catalogue lacks: untranslated or fuzzy entries, the first LISTED named."""
    missing = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            missing.append(f"{name} : « {entry.msgid} » est marqué fuzzy (à relire)")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.get(i) for i in (0, 1)):
                missing.append(f"{name} : « {entry.msgid} » n’est pas traduit (pluriel)")
        elif not entry.msgstr:
            missing.append(f"{name} : « {entry.msgid} » n’est pas traduit")
    problems = header_problems(catalogue, name, "en") + missing[:LISTED]
    if len(missing) > LISTED:
        problems.append(f"{name} : et {len(missing) - LISTED} autres messages à traduire ou relire")
    return problems


def compiled_catalogue(path: Path) -> gettext.GNUTranslations:
    with path.open("rb") as file:
        return gettext.GNUTranslations(file)


def mo_problems(po: Path, name: str, language: str) -> list[str]:
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
    if [committed.plural(n) for n in (0, 1, 2, 10)] != PLURAL_INDICES[language]:
        problems.append(f"{name} : {mo.name} n’a pas la règle du pluriel de « {language} »")
    return problems


def check() -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "projet"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*COPY_IGNORE))
        extract(copy)
        for language in LANGUAGES:
            for domain in DOMAINS:
                problems += check_catalogue(copy, language, domain)
    return problems


def check_catalogue(copy: Path, language: str, domain: str) -> list[str]:
    po = po_path(ROOT, language, domain)
    name = str(po.relative_to(ROOT))
    if not po.exists():
        return [f"{name} manque"]
    catalogue = polib.pofile(str(po))
    extracted = polib.pofile(str(po_path(copy, language, domain)))
    live = [e for e in catalogue if not e.obsolete]
    problems = mo_problems(po, name, language)
    if language == "fr":
        problems += problems_of(catalogue, name)
        ours = {key(e) for e in live if e.msgid_plural}
        sources = {key(e) for e in extracted if e.msgid_plural}
        what = "pluriel"
    else:
        problems += english_problems(catalogue, name)
        ours = {key(e) for e in live}
        sources = {key(e) for e in extracted if not e.obsolete}
        what = "message"
    for _, msgid, _ in sorted(sources - ours, key=str)[:LISTED]:
        problems.append(f"{name} : {what} des sources absent du catalogue : « {msgid} »")
    for _, msgid, _ in sorted(ours - sources, key=str)[:LISTED]:
        problems.append(f"{name} : {what} qui n’est plus dans les sources : « {msgid} »")
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
            print(
                "Les catalogues ne sont pas à jour : lancez « make messages », puis traduisez en "
                "anglais les messages nouveaux ou fuzzy (locale/en).",
                file=sys.stderr,
            )
            return 1
        print("Catalogues des messages à jour (pluriels français, traductions anglaises, .mo).")
        return 0
    extract(ROOT)
    compile_all(ROOT)
    for language in LANGUAGES:
        for domain in DOMAINS:
            print(f"{po_path(ROOT, language, domain).relative_to(ROOT)} et son .mo écrits.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
