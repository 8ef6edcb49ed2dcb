"""ProConnect sign-in against a local OpenID provider issuing real signed tokens."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.urls import NoReverseMatch, reverse

from accounts.models import Invitation, Membership, ProConnectIdentity, User
from accounts.proconnect import PENDING_KEY
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test"
SIRET = "21440109300015"


def claims(email, sub="sub-agent-1", **extra):
    return {
        "sub": sub,
        "email": email,
        "email_verified": True,
        "given_name": "Camille",
        "usual_name": "Martin",
        "siret": SIRET,
        **extra,
    }


def start(client, provider, person):
    """Up to the provider's answer: the callback URL with its code and state."""
    provider.next_claims = person
    response = client.get(reverse("proconnect_login"))
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(provider.url + "/authorize?")
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    answer = requests.get(authorize, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    parts = urlsplit(answer.headers["Location"])
    return f"{parts.path}?{parts.query}"


def sign_in(client, provider, person, tamper=()):
    callback = start(client, provider, person)
    provider.tamper = set(tamper)
    return client.get(callback, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def assert_refused(client, response, fragment):
    assert SESSION_KEY not in client.session
    assert PENDING_KEY not in client.session
    assert response.redirect_chain[-1][0] == reverse("login")
    assert any(fragment in m for m in messages_of(response)), messages_of(response)
    # The password form is still there.
    assert 'name="password"' in response.content.decode()


def invite(collectivite, referent, email, role="agent"):
    return Invitation.objects.create(
        collectivite=collectivite, email=email, role=role, invited_by=referent
    )


def test_off_by_default_nothing_shows(client, settings):
    assert settings.PROCONNECT_ENABLED is False
    with pytest.raises(NoReverseMatch):
        reverse("proconnect_login")
    page = client.get(reverse("login")).content.decode()
    assert "ProConnect" not in page
    assert client.get("/proconnect/connexion/").status_code == 404


def test_login_page_offers_proconnect_when_on(client, proconnect):
    page = client.get(reverse("login")).content.decode()
    assert "Se connecter avec ProConnect" in page
    assert reverse("proconnect_login") in page


def test_invited_agent_joins_with_proconnect(client, proconnect, collectivite, referent):
    invitation = invite(collectivite, referent, "camille.martin@exemple.localhost")
    response = sign_in(client, proconnect, claims("Camille.Martin@Exemple.localhost"))
    assert response.redirect_chain[-1][0] == reverse("proconnect_link")
    assert SESSION_KEY not in client.session
    page = response.content.decode()
    assert collectivite.name in page and "214\u00a0401\u00a0093\u00a000015" in page
    # Nobody is made a member before they accept.
    assert not User.objects.filter(email="camille.martin@exemple.localhost").exists()

    response = client.post(
        reverse("proconnect_link"), {"invitation": str(invitation.public_id)}, follow=True
    )
    user = User.objects.get(email="camille.martin@exemple.localhost")
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session["oidc_id_token"]
    assert user.full_name == "Camille Martin" and not user.has_usable_password()
    assert Membership.objects.get(user=user, collectivite=collectivite).role == "agent"
    identity = ProConnectIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject, identity.siret) == (
        proconnect.url,
        "sub-agent-1",
        SIRET,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None

    # The référent sees the SIRET ProConnect gave, as information.
    client.force_login(referent)
    members = client.get(reverse("members", args=[collectivite.public_id])).content.decode()
    assert "établissement SIRET 214\u00a0401\u00a0093\u00a000015" in members

    # Next time, straight in.
    client.logout()
    response = sign_in(client, proconnect, claims("camille.martin@exemple.localhost"))
    assert client.session[SESSION_KEY] == str(user.pk)
    assert response.redirect_chain[-1][0] == reverse("dashboard")


def test_existing_account_links_only_after_its_password(client, proconnect, collectivite):
    user = MembershipFactory(collectivite=collectivite, role="agent").user
    response = sign_in(client, proconnect, claims(user.email.upper()))
    assert response.redirect_chain[-1][0] == reverse("proconnect_link")
    assert SESSION_KEY not in client.session

    wrong = client.post(reverse("proconnect_link"), {"password": "pas-le-bon"})
    assert wrong.status_code == 400
    assert "Mot de passe incorrect" in wrong.content.decode()
    assert SESSION_KEY not in client.session
    assert not ProConnectIdentity.objects.exists()

    client.post(reverse("proconnect_link"), {"password": PASSWORD})
    assert client.session[SESSION_KEY] == str(user.pk)
    assert ProConnectIdentity.objects.get(user=user).subject == "sub-agent-1"
    assert Membership.objects.filter(user=user).count() == 1


def test_linking_never_makes_a_member(client, proconnect):
    user = UserFactory()  # an account, member of nothing
    sign_in(client, proconnect, claims(user.email))
    client.post(reverse("proconnect_link"), {"password": PASSWORD})
    assert client.session[SESSION_KEY] == str(user.pk)
    assert not Membership.objects.filter(user=user).exists()


def test_unknown_address_without_invitation_gets_no_session(client, proconnect):
    response = sign_in(client, proconnect, claims("inconnue@exemple.localhost"))
    assert_refused(client, response, "Demandez une invitation au référent")
    assert not User.objects.filter(email="inconnue@exemple.localhost").exists()


def test_wrong_state_is_refused(client, proconnect, collectivite, referent):
    invite(collectivite, referent, "camille.martin@exemple.localhost")
    callback = start(client, proconnect, claims("camille.martin@exemple.localhost"))
    forged = callback.replace("state=", "state=x")
    response = client.get(forged, follow=True)
    assert_refused(client, response, "la demande n’est pas valide ou a expiré")
    assert proconnect.token_calls == 0
    # The genuine state, used after the forged one, still works once.
    assert client.get(callback)["Location"] == reverse("proconnect_link")


def test_replayed_code_is_refused(client, proconnect, collectivite):
    user = MembershipFactory(collectivite=collectivite, role="agent").user
    ProConnectIdentity.objects.create(user=user, issuer=proconnect.url, subject="sub-agent-1")
    callback = start(client, proconnect, claims(user.email))
    client.get(callback)
    assert client.session[SESSION_KEY] == str(user.pk)
    client.post(reverse("logout"))
    # A new request (new state in session), answered with the old code.
    fresh = start(client, proconnect, claims(user.email))
    old_code = parse_qs(urlsplit(callback).query)["code"][0]
    new_state = parse_qs(urlsplit(fresh).query)["state"][0]
    response = client.get(
        f"{reverse('proconnect_callback')}?code={old_code}&state={new_state}", follow=True
    )
    assert_refused(client, response, "n’a pas pu être vérifiée")


@pytest.mark.parametrize("tamper", ["expired", "bad_signature", "audience", "nonce"])
def test_spoilt_tokens_are_refused(client, proconnect, collectivite, tamper):
    user = MembershipFactory(collectivite=collectivite, role="agent").user
    ProConnectIdentity.objects.create(user=user, issuer=proconnect.url, subject="sub-agent-1")
    response = sign_in(client, proconnect, claims(user.email), tamper=[tamper])
    assert_refused(client, response, "n’a pas pu être vérifiée")


def test_unverified_address_is_refused(client, proconnect, collectivite):
    user = MembershipFactory(collectivite=collectivite, role="agent").user
    response = sign_in(client, proconnect, claims(user.email, email_verified=False))
    assert_refused(client, response, "adresse électronique est vérifiée")
    assert not ProConnectIdentity.objects.exists()


def test_provider_down_password_form_still_works(client, proconnect, collectivite):
    user = MembershipFactory(collectivite=collectivite, role="agent").user
    callback = start(client, proconnect, claims(user.email))
    proconnect.stop()
    response = client.get(callback, follow=True)
    assert_refused(client, response, "ProConnect ne répond pas")
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_logout_ends_the_proconnect_session(client, proconnect, collectivite):
    user = MembershipFactory(collectivite=collectivite, role="agent").user
    ProConnectIdentity.objects.create(user=user, issuer=proconnect.url, subject="sub-agent-1")
    sign_in(client, proconnect, claims(user.email))
    id_token = client.session["oidc_id_token"]
    response = client.post(reverse("logout"))
    assert SESSION_KEY not in client.session
    location = urlsplit(response["Location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}" == proconnect.url + "/session/end"
    )
    query = parse_qs(location.query)
    assert query["id_token_hint"] == [id_token]
    assert len(query["state"][0]) >= 32
    assert query["post_logout_redirect_uri"] == ["http://testserver/"]


def test_password_logout_stays_local(client, proconnect, agent):
    client.force_login(agent)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("home")


def test_a_deactivated_account_is_refused(client, proconnect, collectivite):
    user = MembershipFactory(collectivite=collectivite, role="agent").user
    ProConnectIdentity.objects.create(user=user, issuer=proconnect.url, subject="sub-agent-1")
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = sign_in(client, proconnect, claims(user.email))
    assert_refused(client, response, "Ce compte est désactivé.")


def test_members_page_queries_do_not_grow_with_proconnect_members(client, collectivite, referent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_member(n):
        user = MembershipFactory(collectivite=collectivite, role="agent").user
        ProConnectIdentity.objects.create(
            user=user, issuer="https://fournisseur", subject=f"sub-{n}", siret=SIRET
        )

    client.force_login(referent)
    url = reverse("members", args=[collectivite.public_id])
    add_member(0)
    client.get(url)  # sessions and caches warmed
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(1, 5):
        add_member(n)
    with CaptureQueriesContext(connection) as five:
        page = client.get(url).content.decode()
    assert page.count("établissement SIRET") == 5
    assert len(five) == len(one)


def test_proconnect_settings_from_the_issuer():
    from aeict.proconnect_settings import proconnect_settings

    csp = {"DIRECTIVES": {"form-action": ["'self'"]}}
    values = proconnect_settings(
        issuer="https://auth.exemple.localhost/api/v2/",
        client_id="id",
        client_secret="secret",
        scopes="openid email siret",
        content_security_policy=csp,
        endpoints={"token": "https://jetons.exemple.localhost/token", "jwks": ""},
    )
    assert (
        values["OIDC_OP_AUTHORIZATION_ENDPOINT"]
        == "https://auth.exemple.localhost/api/v2/authorize"
    )
    assert values["OIDC_OP_TOKEN_ENDPOINT"] == "https://jetons.exemple.localhost/token"
    assert values["OIDC_OP_JWKS_ENDPOINT"] == "https://auth.exemple.localhost/api/v2/jwks"
    assert values["OIDC_USE_PKCE"] and values["OIDC_USE_NONCE"]
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"] == [
        "'self'",
        "https://auth.exemple.localhost",
    ]
    assert csp == {"DIRECTIVES": {"form-action": ["'self'"]}}  # left as it was


def _django(env, code):
    import os
    import subprocess
    import sys

    environment = {k: v for k, v in os.environ.items() if not k.startswith("PROCONNECT_")} | {
        "DJANGO_SETTINGS_MODULE": "aeict.test_settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_environment_variables_turn_proconnect_on():
    result = _django(
        {
            "PROCONNECT_ISSUER": "https://auth.exemple.localhost/api/v2",
            "PROCONNECT_CLIENT_ID": "id",
            "PROCONNECT_CLIENT_SECRET": "secret",
        },
        "from django.urls import reverse; from django.conf import settings; "
        "print(reverse('proconnect_login'), settings.OIDC_OP_USER_ENDPOINT)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "/proconnect/connexion/",
        "https://auth.exemple.localhost/api/v2/userinfo",
    ]


def test_a_half_configured_proconnect_stops_the_start():
    result = _django({"PROCONNECT_ISSUER": "https://auth.exemple.localhost/api/v2"}, "pass")
    assert result.returncode != 0
    assert "PROCONNECT_CLIENT_ID" in result.stderr


def test_an_invitation_not_offered_cannot_be_chosen(client, proconnect, collectivite, referent):
    invite(collectivite, referent, "camille.martin@exemple.localhost")
    other = invite(collectivite, referent, "quelquun.autre@exemple.localhost")
    sign_in(client, proconnect, claims("camille.martin@exemple.localhost"))
    response = client.post(reverse("proconnect_link"), {"invitation": str(other.public_id)})
    assert response.status_code == 400
    assert "Choisissez l’invitation à accepter." in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(email="quelquun.autre@exemple.localhost").exists()
    other.refresh_from_db()
    assert other.accepted_at is None


def test_a_stale_link_request_is_refused(client, proconnect, collectivite):
    user = MembershipFactory(collectivite=collectivite, role="agent").user
    sign_in(client, proconnect, claims(user.email))
    session = client.session
    session[PENDING_KEY]["at"] -= 3600
    session.save()
    response = client.post(reverse("proconnect_link"), {"password": PASSWORD}, follow=True)
    assert_refused(client, response, "la demande n’est pas valide ou a expiré")
    assert not ProConnectIdentity.objects.exists()


def test_a_proconnect_sign_in_applies_the_language_of_the_account(client, proconnect, collectivite):
    user = MembershipFactory(collectivite=collectivite, role="agent", user__language="en").user
    sign_in(client, proconnect, claims(user.email))
    linked = client.post(reverse("proconnect_link"), {"password": PASSWORD})
    assert linked.cookies["django_language"].value == "en"
    client.logout()
    # The next times, ProConnect alone signs the person in.
    response = client.get(start(client, proconnect, claims(user.email)))
    assert client.session[SESSION_KEY] == str(user.pk)
    assert response.cookies["django_language"].value == "en"
