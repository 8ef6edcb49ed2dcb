"""Accounts: password hashing and strength, login throttling, rate limits, no user enumeration."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.forms import AccountCreationForm
from accounts.models import Invitation, User
from aeict import settings as production
from aeict.security import client_ip
from tests.factories import MembershipFactory, UserFactory

PASSWORD = "mot-de-passe-de-test"


def log_in(client, email, password, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


# --- Passwords ----------------------------------------------------------------------------------


def test_production_hashes_passwords_with_argon2():
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        assert make_password("un-mot-de-passe-solide").startswith("argon2$")


def test_an_older_hash_is_upgraded_to_argon2_at_the_next_login(client, db):
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = UserFactory()
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        assert log_in(client, user.email, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize(
    "password, message",
    [
        ("Court-1", "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."),
        ("telechargement", "Ce mot de passe est trop courant."),
        ("314159265358979", "Ce mot de passe est entièrement numérique."),
        ("camille.dupont.mairie", "Le mot de passe est trop semblable au champ"),
    ],
)
def test_weak_passwords_are_refused_with_a_french_message(db, password, message):
    form = AccountCreationForm(
        {"full_name": "Camille Dupont", "password1": password, "password2": password},
        email="camille.dupont.mairie@exemple.localhost",
    )
    assert not form.is_valid()
    assert any(message in error for error in form.errors["password1"])


# --- Failed logins ------------------------------------------------------------------------------


def test_five_wrong_passwords_suspend_logins_for_fifteen_minutes(client, db):
    user = UserFactory()
    for _attempt in range(4):
        assert log_in(client, user.email, "mauvais").status_code == 200
    response = log_in(client, user.email, "mauvais")
    assert response.status_code == 429
    content = response.content.decode()
    assert "Trop de tentatives de connexion" in content
    assert "Réessayez dans 15\u00a0minutes" in content.replace("&nbsp;", "\u00a0")
    assert reverse("password_reset") in content
    # Even the right password is refused meanwhile.
    assert log_in(client, user.email, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_suspension_ends_after_the_cool_off(client, db):
    user = UserFactory()
    for _attempt in range(5):
        log_in(client, user.email, "mauvais")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert log_in(client, user.email, PASSWORD).status_code == 302


def test_an_attacker_elsewhere_cannot_lock_the_user_out(client, db):
    user = UserFactory()
    for _attempt in range(6):
        log_in(client, user.email, "mauvais", REMOTE_ADDR="203.0.113.9")
    assert log_in(client, user.email, PASSWORD, REMOTE_ADDR="198.51.100.4").status_code == 302


def test_a_successful_login_clears_the_failures(client, db):
    user = UserFactory()
    for _attempt in range(4):
        log_in(client, user.email, "mauvais")
    assert log_in(client, user.email, PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        assert log_in(client, user.email, "mauvais").status_code == 200


def test_an_unknown_address_is_throttled_the_same_way(client, db):
    known = UserFactory()
    answers = []
    for email in [known.email, "personne@exemple.localhost"]:
        statuses = [log_in(client, email, "mauvais").status_code for _attempt in range(6)]
        answers.append(statuses)
    assert answers[0] == answers[1] == [200, 200, 200, 200, 429, 429]


def test_the_admin_login_is_throttled_too(client, db):
    staff = UserFactory(is_staff=True)
    url = reverse("admin:login")
    for _attempt in range(4):
        assert client.post(url, {"username": staff.email, "password": "mauvais"}).status_code == 200
    response = client.post(url, {"username": staff.email, "password": "mauvais"})
    assert response.status_code == 429
    assert client.post(url, {"username": staff.email, "password": PASSWORD}).status_code == 429


def test_tests_still_log_users_in_directly(client, db):
    user = MembershipFactory().user
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 200


# --- No user enumeration ------------------------------------------------------------------------


def normalised(response, email):
    content = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)


def test_login_says_the_same_whether_the_address_exists_or_not(client, db):
    known = UserFactory(email="connue@exemple.localhost")
    inactive = UserFactory(email="partie@exemple.localhost", is_active=False)
    responses = {
        known.email: log_in(client, known.email, "mauvais"),
        "inconnue@exemple.localhost": log_in(client, "inconnue@exemple.localhost", "mauvais"),
        inactive.email: log_in(client, inactive.email, PASSWORD),
    }
    assert {r.status_code for r in responses.values()} == {200}
    pages = {normalised(response, email) for email, response in responses.items()}
    assert len(pages) == 1
    assert "Adresse électronique ou mot de passe incorrect" in pages.pop()


def test_password_reset_answers_the_same_whether_the_address_exists_or_not(client, db):
    UserFactory(email="connue@exemple.localhost")
    known = client.post(reverse("password_reset"), {"email": "connue@exemple.localhost"})
    unknown = client.post(reverse("password_reset"), {"email": "inconnue@exemple.localhost"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")


# --- Rate limits --------------------------------------------------------------------------------


def ask_reset(client, email, **extra):
    return client.post(reverse("password_reset"), {"email": email}, **extra)


def test_password_reset_sends_one_address_at_most_one_mail_in_five_minutes(client, db, monkeypatch):
    # Frozen at the start of a window, so that the requests cannot straddle two windows.
    monkeypatch.setattr("aeict.ratelimit.time", SimpleNamespace(time=lambda: 3600.0 * 500_000))
    user = UserFactory()
    responses = [ask_reset(client, user.email, REMOTE_ADDR=f"192.0.2.{n}") for n in range(5)]
    assert {(r.status_code, r.url) for r in responses} == {(302, reverse("password_reset_done"))}
    assert len(mail.outbox) == 1


def test_password_reset_takes_at_most_five_requests_an_hour_from_one_address(client, db):
    users = [UserFactory() for _n in range(7)]
    responses = [ask_reset(client, user.email) for user in users]
    assert {r.url for r in responses} == {reverse("password_reset_done")}
    assert len(mail.outbox) == 5
    ask_reset(client, users[-1].email, REMOTE_ADDR="198.51.100.7")
    assert len(mail.outbox) == 6


def test_a_referent_sends_at_most_twenty_invitations_an_hour(
    client, collectivite, referent, django_capture_on_commit_callbacks
):
    client.force_login(referent)
    url = reverse("members", args=[collectivite.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            response = client.post(url, {"email": f"agent{n}@exemple.localhost", "role": "agent"})
            assert response.status_code == 302
        response = client.post(url, {"email": "agent20@exemple.localhost", "role": "agent"})
    assert response.status_code == 429
    assert "beaucoup d’invitations en peu de temps\u00a0:" in response.content.decode()
    assert Invitation.objects.count() == 20
    assert len(mail.outbox) == 20


# --- Reset links --------------------------------------------------------------------------------


def reset_link(user, generator=default_token_generator):
    return reverse(
        "password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(user.pk)), generator.make_token(user)],
    )


def test_a_reset_link_works_once(client, db):
    user = UserFactory()
    ask_reset(client, user.email)
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert "Enregistrer le mot de passe" in form_page.content.decode()
    new = "un-tout-nouveau-mot-de-passe"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    assert done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new)
    again = client.get(link, follow=True)
    assert "Ce lien n’est plus valable" in again.content.decode()
    assert "Enregistrer le mot de passe" not in again.content.decode()


def test_a_reset_link_expires(client, db, settings):
    settings.PASSWORD_RESET_TIMEOUT = 60 * 60

    class TwoHoursAgo(PasswordResetTokenGenerator):
        def _now(self):
            return super()._now() - timedelta(hours=2)

    user = UserFactory()
    response = client.get(reset_link(user, TwoHoursAgo()), follow=True)
    assert "Ce lien n’est plus valable" in response.content.decode()
    fresh = client.get(reset_link(user), follow=True)
    assert "Enregistrer le mot de passe" in fresh.content.decode()


# --- The admin ------------------------------------------------------------------------------------


def test_a_user_who_is_not_a_platform_administrator_is_sent_to_the_admin_login(client, db):
    client.force_login(MembershipFactory(role="referent").user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not User.objects.filter(is_staff=True).exists()


# --- The client's address behind proxies -------------------------------------------------------


@pytest.mark.parametrize(
    "count, forwarded, address",
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy of ours: the header is the client's own words
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # a forged first entry is ignored
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address_trusts_only_our_own_proxies(rf, settings, count, forwarded, address):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == address
