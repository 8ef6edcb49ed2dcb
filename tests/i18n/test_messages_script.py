"""The catalogues' check (.ci/messages.py, make lint) keeps locale/en honest: every English entry
translated and read again (not fuzzy), the English plural rule, .mo files compiled."""

import importlib.util
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / ".ci" / "messages.py"


@pytest.fixture(scope="module")
def messages():
    spec = importlib.util.spec_from_file_location("messages_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def english_catalogue(messages, *entries):
    catalogue = polib.POFile()
    messages.set_header(catalogue, "en")
    for entry in entries:
        catalogue.append(entry)
    return catalogue


def test_an_untranslated_or_fuzzy_english_entry_is_a_problem(messages):
    catalogue = english_catalogue(
        messages,
        polib.POEntry(msgid="Se connecter", msgstr="Sign in"),
        polib.POEntry(msgid="Méthode", msgstr=""),
        polib.POEntry(msgid="Aide", msgstr="Help", flags=["fuzzy"]),
        polib.POEntry(
            msgid="%(n)s action",
            msgid_plural="%(n)s actions",
            msgstr_plural={0: "%(n)s action", 1: ""},
        ),
    )
    problems = messages.english_problems(catalogue, "en.po")
    assert problems == [
        "en.po : « Méthode » n’est pas traduit",
        "en.po : « Aide » est marqué fuzzy (à relire)",
        "en.po : « %(n)s action » n’est pas traduit (pluriel)",
    ]


def test_the_check_lists_the_first_ones_and_counts_the_others(messages):
    entries = [polib.POEntry(msgid=f"Texte {n}", msgstr="") for n in range(messages.LISTED + 5)]
    problems = messages.english_problems(english_catalogue(messages, *entries), "en.po")
    assert len(problems) == messages.LISTED + 1
    assert problems[-1] == "en.po : et 5 autres messages à traduire ou relire"


def test_the_english_header_is_checked(messages):
    catalogue = english_catalogue(messages)
    assert catalogue.metadata["Language"] == "en"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert messages.english_problems(catalogue, "en.po") == []
    catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    assert messages.english_problems(catalogue, "en.po") == [
        "en.po : l’en-tête doit dire « Plural-Forms: nplurals=2; plural=(n != 1); »"
    ]


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext (msgfmt) is not installed")
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_committed_english_catalogues_are_compiled_with_the_english_rule(messages, domain):
    po = messages.po_path(Path(settings.BASE_DIR), "en", domain)
    assert messages.mo_problems(po, "en", "en") == []
    assert messages.header_problems(polib.pofile(str(po)), "en", "en") == []
