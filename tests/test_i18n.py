"""French plural rules everywhere: 0 and 1 are singular (« 0 question », « 2 questions »).

The source texts are French; the catalogue of locale/fr (make messages) gives each plural
message its own texts back under the French rule. Without it, Django falls back to the English
rule, where 0 is plural.
"""

import gettext
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tests.factories import DiagnosticFactory

MESSAGES = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 action ajoutée au plan."),
        (1, "1 action ajoutée au plan."),
        (2, "2 actions ajoutées au plan."),
    ],
)
def test_ngettext_follows_the_french_rule(n, expected):
    with translation.override("fr"):
        text = translation.ngettext(
            "%(n)s action ajoutée au plan.", "%(n)s actions ajoutées au plan.", n
        )
    assert text % {"n": n} == expected


@pytest.mark.parametrize(("n", "expected"), [(0, "0 action"), (1, "1 action"), (2, "2 actions")])
def test_blocktranslate_count_follows_the_french_rule(n, expected):
    template = Template(  # as in templates/pdf/_plan.html
        "{% load i18n %}{% blocktranslate count n=n %}{{ n }} action"
        "{% plural %}{{ n }} actions{% endblocktranslate %}"
    )
    with translation.override("fr"):
        assert template.render(Context({"n": n})) == expected


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_plural_message_of_the_catalogue_is_singular_for_0_and_1(domain):
    with (MESSAGES / f"{domain}.mo").open("rb") as file:
        catalogue = gettext.GNUTranslations(file)
    assert catalogue.info()["plural-forms"] == "nplurals=2; plural=(n > 1);"
    plurals = {key[0] for key in catalogue._catalog if isinstance(key, tuple)}
    if domain == "django":
        assert "%(n)s action ajoutée au plan." in plurals
    translate = translation.ngettext if domain == "django" else catalogue.ngettext
    with translation.override("fr"):
        for msgid in plurals:
            msgid_plural = catalogue._catalog[(msgid, 1)]
            assert translate(msgid, msgid_plural, 0) == msgid
            assert translate(msgid, msgid_plural, 1) == msgid
            assert translate(msgid, msgid_plural, 2) == msgid_plural


def test_the_javascript_catalogue_is_public_and_has_the_french_plural_rule(client):
    response = client.get(reverse("javascript-catalog", args=["fr"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert "const v = (n > 1);" in body
    # The scripts' messages are in it (nothing to translate: the French source is shown).
    assert "django.gettext = function" in body
    assert "django.ngettext = function" in body
    assert "django.interpolate = function" in body


def test_every_page_loads_the_javascript_catalogue_before_its_scripts(client, db):
    body = client.get(reverse("home")).content.decode()
    url = reverse("javascript-catalog", args=["fr"])
    catalogue = body.index(f'<script src="{url}" defer></script>')
    assert catalogue < body.index("js/page.js")


def test_a_new_diagnostic_shows_its_zeros_in_the_singular(
    client, collectivite, referent, catalogue
):
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent
    )
    client.force_login(referent)
    overview = client.get(reverse("diagnostic_overview", args=[diagnostic.public_id]))
    assert "0 question répondue sur " in overview.content.decode()
    plan = client.get(reverse("diagnostic_plan", args=[diagnostic.public_id]))
    assert ">0 action dans le plan</h2>" in plan.content.decode()


@pytest.mark.parametrize(("days", "text"), [(1, "valable 1 jour,"), (7, "valable 7 jours,")])
def test_the_invitation_says_how_many_days_it_is_valid(days, text):
    invitation = SimpleNamespace(
        collectivite=SimpleNamespace(name="Ville de Test"), as_role="en tant qu’agent"
    )
    context = {
        "invitation": invitation,
        "by": SimpleNamespace(display_name="Léa"),
        "link": "https://exemple.localhost/invitation/x/",
        "days": days,
    }
    with translation.override("fr"):
        message = render_to_string("emails/invitation.txt", context)
    assert f"ouvrez ce lien personnel ({text} utilisable une seule fois)\u00a0:\n" in message
    assert message.startswith("Bonjour,\n\nLéa vous invite")


def test_translatable_texts_are_marked_with_names_makemessages_knows():
    """makemessages extracts _(), gettext(), gettext_lazy(), ngettext()…, but not an alias of its
    own (``gettext_lazy as _lazy``): texts marked so would never reach the English catalogue."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    apps = [p for p in root.iterdir() if (p / "apps.py").exists() or p.name == "aeict"]
    alias = re.compile(r"\b(\w*gettext\w*) as (\w+)")
    odd = [
        f"{path.relative_to(root)}: {name} as {short}"
        for app in apps
        for path in app.rglob("*.py")
        for name, short in alias.findall(path.read_text(encoding="utf-8"))
        if not (short == "_" and name in {"gettext", "gettext_lazy"})
    ]
    assert apps and not odd, odd
