"""Log in, password reset, invitations and the members page of a collectivité."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from diagnostics.access import get_collectivite_role
from diagnostics.enums import Role
from diagnostics.forms import AccountCreationForm, InvitationForm, LoginForm
from diagnostics.models import Membership, User
from diagnostics.services import (
    InvitationInvalid,
    create_account_from_invitation,
    invitation_from_token,
    invite_member,
)
from diagnostics.services import (
    accept_invitation as accept_invitation_service,
)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    post_reset_login = False


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
        messages.info(
            request,
            _("Un compte existe déjà pour %(email)s : connectez-vous, puis rouvrez le lien.")
            % {"email": invitation.email},
        )
        return redirect(f"{reverse('login')}?next={request.path}")
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
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Bienvenue ! Votre compte est créé et vous avez rejoint %(name)s.")
            % {"name": invitation.collectivite.name},
        )
        return redirect("dashboard")
    return render(
        request, "registration/invitation_signup.html", {"invitation": invitation, "form": form}
    )


@require_http_methods(["GET", "POST"])
def members(request, public_id):
    collectivite, role = get_collectivite_role(request.user, public_id)
    if role != Role.REFERENT:
        raise PermissionDenied
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
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
    memberships = (
        Membership.objects.filter(collectivite=collectivite)
        .select_related("user")
        .order_by("role", "user__full_name", "user__email")
    )
    invitations = collectivite.invitations.filter(accepted_at__isnull=True)[:50]
    return render(
        request,
        "diagnostics/members.html",
        {
            "collectivite": collectivite,
            "memberships": memberships,
            "invitations": invitations,
            "form": form,
        },
    )
