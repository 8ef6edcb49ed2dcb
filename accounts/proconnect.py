"""ProConnect sign-in (OpenID Connect with mozilla-django-oidc): the callback checks every token,
then signs in the person whose ProConnect identity is linked, or asks them to link it first.

A ProConnect identity is linked to an account of the same verified address only once its owner
confirmed their password, or to a pending invitation of that address. It never makes anyone a
member by itself: without an account or an invitation, nobody is signed in.
"""

import logging
import time

import jwt
import requests
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from accounts import backends
from accounts.models import (
    Invitation,
    ProConnectIdentity,
    User,
    format_siret,
    normalize_email_address,
)
from accounts.services import InvitationInvalid, accept_invitation, sender_may_invite

logger = logging.getLogger(__name__)

PENDING_KEY = "proconnect_pending"
PENDING_MAX_AGE = 15 * 60
# Clock differences tolerated between the provider and us, in seconds.
LEEWAY = 30

REFUSED = gettext_lazy(
    "La connexion avec ProConnect a échoué : la réponse de ProConnect n’a pas pu être vérifiée. "
    "Réessayez, ou connectez-vous avec votre adresse électronique et votre mot de passe."
)
EXPIRED_REQUEST = gettext_lazy(
    "La connexion avec ProConnect n’a pas abouti : la demande n’est pas valide ou a expiré. "
    "Réessayez depuis la page de connexion."
)
UNAVAILABLE = gettext_lazy(
    "ProConnect ne répond pas pour le moment. Réessayez plus tard, ou connectez-vous avec votre "
    "adresse électronique et votre mot de passe."
)
UNVERIFIED = gettext_lazy(
    "ProConnect n’a pas confirmé que votre adresse électronique est vérifiée : la connexion est "
    "refusée. Connectez-vous avec votre adresse électronique et votre mot de passe."
)
UNKNOWN = gettext_lazy(
    "Aucun compte ni invitation en attente pour %(email)s. Demandez une invitation au référent "
    "AEICT de votre collectivité, ou, si votre collectivité n’utilise pas encore le service, "
    "« Demander un accès »."
)


class ProConnectRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class ProConnectBackend(OIDCAuthenticationBackend):
    """Token exchange and checks only; the session is opened by the callback view (with the
    model backend, so that nothing in AUTHENTICATION_BACKENDS depends on ProConnect)."""

    def authenticate(self, request, **kwargs):  # never through django.contrib.auth
        return None

    def verify_token(self, token, **kwargs):
        """Signature, issuer, audience, expiry and, for the ID token, nonce."""
        is_id_token = "nonce" in kwargs
        try:
            key = self.retrieve_matching_jwk(token)
            payload = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.PROCONNECT_ISSUER,
                leeway=LEEWAY,
                options={
                    "require": ["iss", "aud", "sub", "exp", "iat"]
                    if is_id_token
                    else ["iss", "aud", "sub"]
                },
            )
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as error:
            raise SuspiciousOperation(f"token refused: {error}") from None
        if is_id_token and payload.get("nonce") != kwargs["nonce"]:
            raise SuspiciousOperation("token refused: nonce mismatch")
        return payload

    def fetch(self, request, *, code, nonce, code_verifier):
        """The ID token and the checked claims of the person, from an authorisation code."""
        self.request = request
        token_info = self.get_token(
            {
                "client_id": self.OIDC_RP_CLIENT_ID,
                "client_secret": self.OIDC_RP_CLIENT_SECRET,
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": absolutify(request, reverse("proconnect_callback")),
                "code_verifier": code_verifier,
            }
        )
        id_token, access_token = token_info.get("id_token"), token_info.get("access_token")
        if not isinstance(id_token, str) or not isinstance(access_token, str):
            raise SuspiciousOperation("token response without tokens")
        payload = self.verify_token(id_token, nonce=nonce)
        try:
            claims = self.get_userinfo(access_token, id_token, payload)
        except ValueError:  # not JSON
            raise SuspiciousOperation("unreadable userinfo") from None
        if not isinstance(claims, dict) or claims.get("sub") != payload["sub"]:
            raise SuspiciousOperation("userinfo for another subject")
        return id_token, payload, claims


def _refuse(request, message):
    request.session.pop(PENDING_KEY, None)
    messages.error(request, message)
    return redirect("login")


def _full_name(claims) -> str:
    parts = [claims.get("given_name"), claims.get("usual_name") or claims.get("family_name")]
    return " ".join(str(part).strip() for part in parts if part)[:150]


def _siret(claims) -> str:
    siret = str(claims.get("siret") or "").replace(" ", "")
    return siret if len(siret) == 14 and siret.isdigit() else ""


def _sign_in(request, user, *, id_token, next_url):
    login(request, user, backend=backends.PATH)
    request.session["oidc_id_token"] = id_token
    return HttpResponseRedirect(next_url or reverse(settings.LOGIN_REDIRECT_URL))


@method_decorator(login_not_required, name="dispatch")
class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to ProConnect, with state, nonce and PKCE challenge kept in session."""


@login_not_required
@require_http_methods(["GET"])
def callback(request):
    states = request.session.get("oidc_states") or {}
    state, code = request.GET.get("state", ""), request.GET.get("code", "")
    entry = states.pop(state, None) if state else None
    # Each state is used once, whatever comes of it.
    request.session["oidc_states"] = states
    if entry is None:
        return _refuse(request, EXPIRED_REQUEST)
    if request.GET.get("error") or not code:
        return _refuse(request, REFUSED)
    try:
        id_token, payload, claims = ProConnectBackend().fetch(
            request, code=code, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except requests.HTTPError as error:
        logger.warning("ProConnect refused the code: %s", error)
        status = error.response.status_code if error.response is not None else 500
        return _refuse(request, UNAVAILABLE if status >= 500 else REFUSED)
    except requests.RequestException as error:
        logger.warning("ProConnect unreachable: %s", error)
        return _refuse(request, UNAVAILABLE)
    except SuspiciousOperation as error:
        logger.warning("ProConnect answer refused: %s", error)
        return _refuse(request, REFUSED)
    next_url = request.session.get("oidc_login_next")
    try:
        return _resolve(
            request, id_token=id_token, payload=payload, claims=claims, next_url=next_url
        )
    except ProConnectRefused as refusal:
        return _refuse(request, refusal.message)


def _resolve(request, *, id_token, payload, claims, next_url):
    issuer, subject = payload["iss"], payload["sub"]
    identity = (
        ProConnectIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        if not identity.user.is_active:
            raise ProConnectRefused(_("Ce compte est désactivé."))
        siret = _siret(claims)
        if siret and siret != identity.siret:
            identity.siret = siret
            identity.save(update_fields=["siret"])
        return _sign_in(request, identity.user, id_token=id_token, next_url=next_url)
    email = claims.get("email")
    try:
        validate_email(email)
    except ValidationError:
        raise ProConnectRefused(REFUSED) from None
    if claims.get("email_verified") is False:
        raise ProConnectRefused(UNVERIFIED)
    email = normalize_email_address(email)
    if not User.objects.filter(email=email).exists() and not _invitations(email):
        raise ProConnectRefused(UNKNOWN % {"email": email})
    request.session[PENDING_KEY] = {
        "issuer": issuer,
        "subject": subject,
        "email": email,
        "full_name": _full_name(claims),
        "siret": _siret(claims),
        "id_token": id_token,
        "next": next_url,
        "at": time.time(),
    }
    return redirect("proconnect_link")


def _invitations(email):
    pending = (
        Invitation.objects.pending()
        .filter(email=email)
        .select_related("collectivite", "invited_by")
        .order_by("created_at")
    )
    return [i for i in pending if not i.is_expired and sender_may_invite(i)]


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Votre mot de passe actuel"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


def _link(user, pending):
    try:
        with transaction.atomic():
            ProConnectIdentity.objects.update_or_create(
                user=user,
                defaults={
                    "issuer": pending["issuer"],
                    "subject": pending["subject"],
                    "siret": pending["siret"],
                },
            )
    except IntegrityError:  # linked to another account meanwhile
        raise ProConnectRefused(REFUSED) from None


@login_not_required
@require_http_methods(["GET", "POST"])
def link(request):
    """Link a ProConnect identity: to its account after the password, or to an invitation."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_MAX_AGE:
        return _refuse(request, EXPIRED_REQUEST)
    user = User.objects.filter(email=pending["email"]).first()
    context = {"pending": pending, "siret": format_siret(pending["siret"])}
    try:
        if user is not None:
            form = ConfirmPasswordForm(request.POST or None)
            context["form"] = form
            if request.method == "POST" and form.is_valid():
                confirmed = authenticate(
                    request, username=user.email, password=form.cleaned_data["password"]
                )
                if confirmed is None or confirmed.pk != user.pk:
                    form.add_error(
                        "password",
                        _("Mot de passe incorrect (il tient compte des majuscules)."),
                    )
                else:
                    _link(user, pending)
                    request.session.pop(PENDING_KEY, None)
                    messages.success(
                        request,
                        _(
                            "Votre compte est associé à ProConnect : la prochaine fois, il suffira "
                            "de vous connecter avec ProConnect."
                        ),
                    )
                    return _sign_in(
                        request, user, id_token=pending["id_token"], next_url=pending["next"]
                    )
            status = 400 if form.errors else 200
            return render(request, "accounts/proconnect_link.html", context, status=status)
        invitations = _invitations(pending["email"])
        if not invitations:
            raise ProConnectRefused(UNKNOWN % {"email": pending["email"]})
        context["invitations"] = invitations
        if request.method == "POST":
            chosen = next(
                (i for i in invitations if str(i.public_id) == request.POST.get("invitation")),
                None,
            )
            if chosen is None:
                context["choice_error"] = _("Choisissez l’invitation à accepter.")
                return render(request, "accounts/proconnect_link.html", context, status=400)
            user = _join(chosen, pending)
            request.session.pop(PENDING_KEY, None)
            messages.success(
                request,
                _("Bienvenue ! Votre compte est créé et vous avez rejoint %(name)s.")
                % {"name": chosen.collectivite.name},
            )
            return _sign_in(request, user, id_token=pending["id_token"], next_url=None)
        return render(request, "accounts/proconnect_link.html", context)
    except ProConnectRefused as refusal:
        return _refuse(request, refusal.message)


@transaction.atomic
def _join(invitation, pending) -> User:
    """An account without password for the invited address, its invitation accepted."""
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=pending["email"], password=None, full_name=pending["full_name"]
            )
    except IntegrityError:
        raise ProConnectRefused(REFUSED) from None
    try:
        accept_invitation(invitation=invitation, user=user)
    except InvitationInvalid:
        raise ProConnectRefused(EXPIRED_REQUEST) from None
    _link(user, pending)
    return user


def end_session_url(request) -> str | None:
    """Where to send the browser to end its ProConnect session too (None without one)."""
    id_token = request.session.get("oidc_id_token")
    if not getattr(settings, "PROCONNECT_ENABLED", False) or not id_token:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "state": get_random_string(32),
            "post_logout_redirect_uri": request.build_absolute_uri(
                reverse(settings.LOGOUT_REDIRECT_URL)
            ),
        }
    )
    return f"{settings.PROCONNECT_END_SESSION_ENDPOINT}?{query}"


class LogoutView(auth_views.LogoutView):
    """Django's logout, then ProConnect's when the session was opened with it."""

    def post(self, request, *args, **kwargs):
        provider_url = end_session_url(request)
        response = super().post(request, *args, **kwargs)
        if provider_url:
            return HttpResponseRedirect(provider_url)
        return response
