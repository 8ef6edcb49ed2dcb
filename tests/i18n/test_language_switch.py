"""The interface in French or English: the browser's language on a first visit, the switch in the
header (cookie, account), the account's language applied at sign-in, <html lang> everywhere."""

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tests.factories import DiagnosticFactory, UserFactory

COOKIE = settings.LANGUAGE_COOKIE_NAME
PASSWORD = "mot-de-passe-de-test"


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def language_switch(response) -> str:
    body = response.content.decode()
    return re.search(r'<ul class="site-languages.*?</ul>', body, re.S).group(0)


# --- First visit: the browser's language ----------------------------------------------------


def test_a_first_visit_without_preference_is_in_french(client, db):
    response = client.get(reverse("home"))
    assert html_lang(response) == "fr"
    assert ">Se connecter</a>" in response.content.decode()
    assert response["Content-Language"] == "fr"


def test_a_browser_asking_for_english_gets_the_english_interface(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,fr;q=0.5")
    body = response.content.decode()
    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"
    # Translated in locale/en: the header's link and the switch's name.
    assert ">Sign in</a>" in body
    assert ">Se connecter</a>" not in body
    assert 'aria-label="Language"' in language_switch(response)


def test_a_language_the_site_does_not_speak_falls_back_to_french(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert html_lang(response) == "fr"


def test_django_s_own_messages_follow_the_language(client, db):
    response = client.post(reverse("login"), {}, HTTP_ACCEPT_LANGUAGE="en")
    assert "This field is required." in response.content.decode()
    response = client.post(reverse("login"), {})
    assert "Ce champ est obligatoire." in response.content.decode()


# --- The switch in the header ---------------------------------------------------------------


def test_the_switch_names_each_language_in_its_own_language(client, db):
    switch = language_switch(client.get(reverse("methode") + "?a=1&b=2"))
    # The current language is shown as such, not as a link.
    assert '<span class="nav-link site-languages__current" aria-current="true" lang="fr">' in switch
    assert "Français</span>" in switch
    assert 'hreflang="fr"' not in switch
    link = re.search(
        r'<a class="nav-link" href="([^"]+)" hreflang="en" lang="en">English</a>', switch
    )
    assert link, switch
    # It comes back to the page, query included.
    assert link.group(1) == "/langue/en/?next=%2Fmethode%2F%3Fa%3D1%26b%3D2"


def test_on_an_english_page_english_is_current_and_french_is_the_link(client, db):
    client.cookies[COOKIE] = "en"
    switch = language_switch(client.get(reverse("methode")))
    assert 'aria-current="true" lang="en">English</span>' in switch
    assert 'hreflang="fr" lang="fr">Français</a>' in switch
    assert 'hreflang="en"' not in switch


def test_the_switch_sets_the_cookie_and_goes_back_to_the_page(client, db):
    response = client.get(reverse("set_language", args=["en"]), {"next": "/methode/?a=1"})
    assert response.status_code == 303
    assert response["Location"] == "/methode/?a=1"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "en"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert html_lang(client.get("/methode/?a=1")) == "en"
    # And back.
    client.get(reverse("set_language", args=["fr"]), {"next": "/methode/"})
    assert html_lang(client.get("/methode/")) == "fr"


def test_the_cookie_is_secure_when_the_session_s_is(client, db, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.get(reverse("set_language", args=["en"]))
    assert response.cookies[COOKIE]["secure"] is True


@pytest.mark.parametrize(
    "next_url",
    ["https://ailleurs.example/", "//ailleurs.example/page", "javascript:alert(1)", "", "/" * 3000],
)
def test_the_switch_sends_anywhere_else_home(client, db, next_url):
    response = client.get(reverse("set_language", args=["en"]), {"next": next_url})
    assert response.status_code == 303
    assert response["Location"] == reverse("home")
    assert response.cookies[COOKIE].value == "en"


@pytest.mark.parametrize("code", ["de", "EN", "fr-fr", "xx"])
def test_a_language_the_site_does_not_speak_is_not_found(client, db, code):
    response = client.get(reverse("set_language", args=[code]), {"next": "/"})
    assert response.status_code == 404
    assert COOKIE not in response.cookies


def test_the_switch_is_a_link_and_refuses_a_post(client, db):
    url = reverse("set_language", args=["en"])
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 303


def test_the_switch_remembers_the_choice_on_the_account(client, db):
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("set_language", args=["en"]), {"next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    client.get(reverse("set_language", args=["fr"]), {"next": "/"})
    user.refresh_from_db()
    assert user.language == "fr"


def test_an_anonymous_switch_touches_no_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("set_language", args=["en"]), {"next": "/"})
    assert response.status_code == 303


# --- Sign-in applies the account's language -------------------------------------------------


def test_signing_in_applies_the_language_of_the_account(client, db):
    user = UserFactory(language="en")
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "en"
    assert html_lang(client.get(reverse("methode"))) == "en"


def test_the_account_s_language_wins_over_the_visit_s(client, db):
    user = UserFactory(language="fr")
    client.cookies[COOKIE] = "en"
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.cookies[COOKIE].value == "fr"
    assert html_lang(client.get(reverse("methode"))) == "fr"


def test_an_account_without_a_language_keeps_the_visit_s_and_stores_nothing(client, db):
    user = UserFactory()
    client.cookies[COOKIE] = "en"
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    assert html_lang(client.get(reverse("methode"))) == "en"
    user.refresh_from_db()
    assert user.language == ""


def test_ordinary_requests_do_not_set_the_cookie(client, db):
    client.force_login(UserFactory(language="en"))
    response = client.get(reverse("methode"))
    assert COOKIE not in response.cookies


# --- <html lang> --------------------------------------------------------------------------


def test_error_pages_say_their_language(client, db):
    client.cookies[COOKIE] = "en"
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert html_lang(response) == "en"
    for template in ["500.html", "503.html"]:
        with translation.override("en"):
            assert '<html lang="en">' in render_to_string(template)
        with translation.override("fr"):
            assert '<html lang="fr">' in render_to_string(template)


def test_the_admin_says_its_language(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.cookies[COOKIE] = "en"
    body = client.get(reverse("admin:index")).content.decode()
    assert '<html lang="en"' in body
    # The switch is there too.
    assert 'hreflang="fr" lang="fr">Français</a>' in body
    client.cookies[COOKIE] = "fr"
    assert '<html lang="fr"' in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("template", ["pdf/report.html", "pdf/synthese.html", "pdf/bilan.html"])
def test_the_pdf_templates_say_their_language(template):
    with translation.override("en"):
        assert render_to_string(template, {}).startswith('<!doctype html>\n<html lang="en">')
    with translation.override("fr"):
        assert render_to_string(template, {}).startswith('<!doctype html>\n<html lang="fr">')


# --- Caches that follow the language --------------------------------------------------------


def test_the_cached_questionnaire_page_follows_the_language(client, referent, catalogue):
    diagnostic = DiagnosticFactory(
        collectivite=referent.memberships.get().collectivite,
        catalogue=catalogue,
        created_by=referent,
    )
    client.force_login(referent)
    url = reverse("diagnostic_recommendation", args=[diagnostic.public_id, 1])
    french = client.get(url)
    assert html_lang(french) == "fr"
    client.cookies[COOKIE] = "en"
    english = client.get(url)
    assert html_lang(english) == "en"
    assert 'aria-current="true" lang="en">English</span>' in english.content.decode()
    assert reverse("javascript-catalog", args=["en"]) in english.content.decode()
    # French again: served from the cache, still French.
    client.cookies[COOKIE] = "fr"
    again = client.get(url)
    assert html_lang(again) == "fr"
    assert again.content.decode().count("<html") == 1


def test_each_language_has_its_javascript_catalogue(client, db):
    english = client.get(reverse("javascript-catalog", args=["en"]))
    assert english.status_code == 200
    assert english["Content-Language"] == "en"
    assert "const v = (n != 1);" in english.content.decode()
    french = client.get(reverse("javascript-catalog", args=["fr"]))
    assert "const v = (n > 1);" in french.content.decode()
    assert client.get("/jsi18n/de/").status_code == 404
    # A browser that has switched asks for another address: no « 304 » of the other language.
    assert reverse("javascript-catalog", args=["en"]) != reverse("javascript-catalog", args=["fr"])
    client.cookies[COOKIE] = "en"
    body = client.get(reverse("home")).content.decode()
    assert f'<script src="{reverse("javascript-catalog", args=["en"])}" defer></script>' in body


def test_after_a_form_the_switch_comes_back_to_the_form_s_page(client, db):
    response = client.post(
        reverse("login"), {}, HTTP_REFERER="http://testserver/connexion/?next=/tableau-de-bord/"
    )
    switch = language_switch(response)
    assert (
        "/langue/en/?next=http%3A%2F%2Ftestserver%2Fconnexion%2F%3Fnext%3D%2Ftableau-de-bord%2F"
        in switch
    )
    # Not to another site.
    response = client.post(reverse("login"), {}, HTTP_REFERER="https://ailleurs.example/")
    assert "/langue/en/?next=%2Fconnexion%2F" in language_switch(response)


def test_a_platform_administrator_sees_and_sets_the_language_of_an_account(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = UserFactory()
    url = reverse("admin:accounts_user_change", args=[user.pk])
    assert 'name="language"' in client.get(url).content.decode()
