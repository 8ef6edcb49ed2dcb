"""Log in, password reset, invitations and the members page of a collectivité."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import get_collectivite_access
from accounts.forms import AccountCreationForm, InvitationForm, LoginForm, PasswordResetForm
from accounts.models import Membership, User
from accounts.services import (
    EmailTaken,
    InvitationInvalid,
    create_account_from_invitation,
    invitation_from_token,
    invite_member,
    send_password_reset_mail,
)
from accounts.services import accept_invitation as accept_invitation_service
from aeict.ratelimit import allow
from aeict.security import client_ip

# Django's form views take PUT as POST; these forms are only ever posted.
FORM_METHODS = ["get", "head", "post", "options"]


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True
    http_method_names = FORM_METHODS


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    http_method_names = FORM_METHODS

    def form_valid(self, form):
        # The same work whether the address has an account or not: the worker looks it up.
        # Past the limits, the same answer as usual but no e-mail: nothing tells them apart.
        # Per address, one mail every few minutes: someone else asking cannot lock its owner out.
        email = form.cleaned_data["email"]
        if allow(
            "password-reset-ip",
            client_ip(self.request),
            limit=settings.PASSWORD_RESET_LIMIT_PER_IP,
            period=60 * 60,
        ) and allow(
            "password-reset-email",
            email,
            limit=1,
            period=settings.PASSWORD_RESET_EMAIL_INTERVAL,
        ):
            send_password_reset_mail.enqueue(
                email=email,
                domain=get_current_site(self.request).domain,
                use_https=self.request.is_secure(),
            )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    post_reset_login = False
    http_method_names = FORM_METHODS


def _ask_to_log_in(request, invitation):
    messages.info(
        request,
        _("Un compte existe déjà pour %(email)s : connectez-vous, puis rouvrez le lien.")
        % {"email": invitation.email},
    )
    return redirect(f"{reverse('login')}?next={request.path}")


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    try:
        invitation = invitation_from_token(token)
    except InvitationInvalid:
        return render(request, "registration/invitation_invalid.html", status=404)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        if request.user.is_authenticated and request.user.pk == existing.pk:
            if request.method == "POST":
                accept_invitation_service(invitation=invitation, user=existing)
                messages.success(
                    request,
                    _("Vous avez rejoint %(name)s.") % {"name": invitation.collectivite.name},
                )
                return redirect("dashboard")
            return render(
                request, "registration/invitation_accept.html", {"invitation": invitation}
            )
        return _ask_to_log_in(request, invitation)
    form = AccountCreationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = create_account_from_invitation(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except InvitationInvalid:
            return render(request, "registration/invitation_invalid.html", status=404)
        except EmailTaken:
            return _ask_to_log_in(request, invitation)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Bienvenue ! Votre compte est créé et vous avez rejoint %(name)s.")
            % {"name": invitation.collectivite.name},
        )
        return redirect("dashboard")
    return render(
        request, "registration/invitation_signup.html", {"invitation": invitation, "form": form}
    )


@require_http_methods(["GET", "POST"])
def members(request, public_id):
    access = get_collectivite_access(request.user, public_id)
    access.require_referent()
    collectivite = access.collectivite
    form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if allow(
            "invitation",
            str(request.user.pk),
            limit=settings.INVITATION_LIMIT_PER_USER,
            period=60 * 60,
        ):
            invite_member(
                collectivite=collectivite,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
            messages.success(
                request,
                _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("members", public_id=collectivite.public_id)
        form.add_error(
            None,
            _(
                "Vous avez envoyé beaucoup d’invitations en peu de temps : par sécurité, "
                "réessayez dans une heure."
            ),
        )
        status = 429
    elif request.method == "POST":
        status = 400
    memberships = (
        Membership.objects.filter(collectivite=collectivite)
        .select_related("user")
        .order_by("role", "user__full_name", "user__email")
    )
    invitations = collectivite.invitations.filter(accepted_at__isnull=True)[:50]
    return render(
        request,
        "accounts/members.html",
        {
            "collectivite": collectivite,
            "memberships": memberships,
            "invitations": invitations,
            "form": form,
        },
        status=status,
    )
