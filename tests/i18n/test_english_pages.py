"""Pages in English carry no French outside an element marked lang="fr" (RGAA 8.7): every text a
person reads or hears (text, and the alt, title, aria-label and placeholder attributes)."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from diagnostics.question_kinds import SAMPLE_TEXT
from tests.e2e.helpers import fill_answers
from tests.factories import DiagnosticFactory

pytestmark = pytest.mark.django_db

# A French word: an accented letter French uses, or a short French word English never writes.
FRENCH = re.compile(
    r"\b\w*[àâçéèêëîïôûùœ]\w*\b|\b(?:le|la|les|des|du|une|est|pour|avec|dans|aux|vos|votre|"
    r"nous|vous|sont|cette|ces|qui|que|sur)\b",
    re.IGNORECASE,
)
# French typography: a space before « : ; ! ? », or « » quotes.
FRENCH_PUNCTUATION = re.compile(r"[ \u00a0\u202f][:;!?](?!\w)|[«»]")
# Proper nouns the pages name in English too (RGAA 8.7 leaves them out): institutions, laws,
# places, events, French terms of art given with their English gloss, the answers' sample text.
PROPER = re.compile(
    "|".join(
        re.escape(name)
        for name in [
            "Cités Unies France",
            "France urbaine",
            "Français",
            "Défenseur des droits",
            "Libre réponse",
            "Légifrance",
            "Île-de-France Mobilités",
            "Festival des solidarités",
            "Agence française de développement",
            "Commission nationale de l’informatique et des libertés",
            "Informatique et libertés",
            "direction générale des services",
            "versement mobilité",
            "Syndicat des eaux du Val-d’Armor",
            "Côte d'Ivoire",
            "Curaçao",
            "Réunion",
            "Saint Barthélemy",
            "L’action internationale des villes. Enjeux et perspectives pour les mandats 2020-2026",
            SAMPLE_TEXT,
        ]
    )
)
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
READ_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")


class FrenchFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, in French or hidden)
        self.found: list[str] = []

    def _french_here(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        french = (self._french_here() if lang is None else lang.startswith("fr")) or tag in (
            "script",
            "style",
            "template",
        )
        if not french:
            for name in READ_ATTRIBUTES:
                self.check(attrs.get(name), f"<{tag} {name}>")
        if tag not in VOID:
            self.stack.append((tag, french))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._french_here():
            self.check(data, "text")

    def check(self, text, where):
        if not text:
            return
        text = PROPER.sub("X", text)
        words = FRENCH.findall(text) + FRENCH_PUNCTUATION.findall(text)
        if words:
            self.found.append(f"{where}: {' '.join(text.split())[:120]} ({', '.join(words[:3])})")


def french_outside_lang_fr(html: str) -> list[str]:
    finder = FrenchFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def world(catalogue, collectivite, referent, agent):
    collectivite.name = "Testville"
    collectivite.save()
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent, title="Review"
    )
    for user in (referent, agent):
        user.first_name, user.last_name = "Alex", "Smith"
        user.save()
    fill_answers(diagnostic, by=agent, level=0.5)
    return diagnostic


def pages(diagnostic):
    d = diagnostic.public_id
    c = diagnostic.collectivite.public_id
    return [
        reverse("home"),
        reverse("methode"),
        reverse("accessibilite"),
        reverse("mentions_legales"),
        reverse("donnees_personnelles"),
        reverse("contact"),
        reverse("aide"),
        reverse("plan_du_site"),
        reverse("budget_explain"),
        reverse("dashboard"),
        reverse("my_questions"),
        reverse("diagnostic_overview", args=[d]),
        *[reverse("diagnostic_recommendation", args=[d, n]) for n in range(1, 11)],
        reverse("diagnostic_results", args=[d]),
        reverse("diagnostic_results_detail", args=[d, 1]),
        reverse("diagnostic_plan", args=[d]),
        reverse("diagnostic_submit", args=[d]),
        reverse("yearly_page_settings", args=[d]),
        reverse("members", args=[c]),
        reverse("budget_index", args=[c]),
        reverse("budget_competences", args=[c]),
        reverse("budget_year", args=[c, 2026]),
        reverse("partnership_list", args=[c]),
        reverse("partnership_create", args=[c]),
        reverse("partnership_finder", args=[c]),
        reverse("notification_settings"),
    ]


def test_english_pages_have_no_unmarked_french(english, world, referent):
    english.force_login(referent)
    problems = {}
    for url in pages(world):
        response = english.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="en">' in html, url
        found = french_outside_lang_fr(html)
        if found:
            problems[url] = found
    report = "\n".join(f"{url}\n  " + "\n  ".join(found[:15]) for url, found in problems.items())
    assert not problems, report


def test_anonymous_english_pages_have_no_unmarked_french(english, db):
    for url in (
        reverse("home"),
        reverse("login"),
        reverse("password_reset"),
        reverse("access_request"),
    ):
        response = english.get(url)
        assert response.status_code == 200, url
        assert french_outside_lang_fr(response.content.decode()) == [], url


def test_the_finder_catches_french_and_respects_lang_fr():
    assert french_outside_lang_fr("<p>Enregistré</p>")
    assert french_outside_lang_fr('<p lang="en"><img alt="Préconisation"></p>')
    assert french_outside_lang_fr('<div lang="fr"><p>Enregistré</p></div><p>Saved</p>') == []
    assert french_outside_lang_fr('<div lang="fr"><br><p>é</p></div><p lang="fr">la</p>') == []
