"""Log in, password reset, invitations and the members page of a collectivité."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import backends
from accounts.access import get_collectivite_access
from accounts.enums import Role
from accounts.forms import (
    AccountCreationForm,
    CollectiviteFromListForm,
    InvitationForm,
    LoginForm,
    PasswordResetForm,
    RoleForm,
)
from accounts.models import MemberEvent, Membership, User
from accounts.official import CollectiviteRefused, create_collectivite_from_territory
from accounts.services import (
    EmailTaken,
    InvitationInvalid,
    MemberChangeRefused,
    change_role,
    create_account_from_invitation,
    invitation_from_token,
    invite_member,
    remove_member,
    resend_invitation,
    revoke_invitation,
    send_password_reset_mail,
)
from accounts.services import accept_invitation as accept_invitation_service
from aeict.ratelimit import allow
from aeict.security import client_ip
from territories.models import TerritoryRelease
from territories.search import find_territory, search_territories

# Django's form views take PUT as POST; these forms are only ever posted.
FORM_METHODS = ["get", "head", "post", "options"]


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True
    http_method_names = FORM_METHODS

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["proconnect_enabled"] = getattr(settings, "PROCONNECT_ENABLED", False)
        return context


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
    if request.user.is_authenticated and request.user.email.lower() != invitation.email.lower():
        # Sending them to the login page would bring them straight back here, again and again.
        return render(
            request, "registration/invitation_other_account.html", {"invitation": invitation}
        )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        if request.user.is_authenticated and request.user.pk == existing.pk:
            if request.method == "POST":
                try:
                    accept_invitation_service(invitation=invitation, user=existing)
                except InvitationInvalid:
                    return render(request, "registration/invitation_invalid.html", status=404)
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
        login(request, user, backend=backends.PATH)
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
        if _may_send_invitation(request):
            try:
                invite_member(
                    collectivite=collectivite,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                )
            except MemberChangeRefused as refusal:
                form.add_error("email", refusal.message)
                status = 400
            else:
                messages.success(
                    request,
                    _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("members", public_id=collectivite.public_id)
        else:
            form.add_error(None, TOO_MANY_INVITATIONS)
            status = 429
    elif request.method == "POST":
        status = 400
    memberships = (
        Membership.objects.filter(collectivite=collectivite)
        .select_related("user", "user__proconnect_identity")
        .order_by("role", "user__full_name", "user__email")
    )
    invitations = (
        collectivite.invitations.pending().select_related("invited_by").order_by("-created_at")
    )[:50]
    events = MemberEvent.objects.for_collectivite(collectivite).select_related("actor")[:20]
    return render(
        request,
        "accounts/members.html",
        {
            "collectivite": collectivite,
            "memberships": memberships,
            "invitations": invitations,
            "events": events,
            "form": form,
        },
        status=status,
    )


TOO_MANY_INVITATIONS = gettext_lazy(
    "Vous avez envoyé beaucoup d’invitations en peu de temps : par sécurité, "
    "réessayez dans une heure."
)


def _may_send_invitation(request) -> bool:
    """Sending and resending share one limit per référent."""
    return allow(
        "invitation",
        str(request.user.pk),
        limit=settings.INVITATION_LIMIT_PER_USER,
        period=60 * 60,
    )


def _member_for_referent(request, public_id, member_id):
    access = get_collectivite_access(request.user, public_id)
    access.require_referent()
    membership = get_object_or_404(
        Membership.objects.select_related("user", "collectivite"),
        collectivite=access.collectivite,
        public_id=member_id,
    )
    return access.collectivite, membership


@require_http_methods(["GET", "POST"])
def member_role(request, public_id, member_id):
    collectivite, membership = _member_for_referent(request, public_id, member_id)
    form = RoleForm(request.POST or None, initial={"role": membership.role})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                membership = change_role(
                    membership=membership, role=form.cleaned_data["role"], by=request.user
                )
            except MemberChangeRefused as refusal:
                form.add_error(None, refusal.message)
                status = 409
            else:
                messages.success(
                    request,
                    _("Rôle de %(name)s : %(role)s.")
                    % {
                        "name": membership.user.display_name,
                        "role": membership.get_role_display(),
                    },
                )
                # A référent who gave up the role may no longer see the members page.
                if membership.user_id == request.user.pk and membership.role != Role.REFERENT:
                    return redirect("dashboard")
                return redirect("members", public_id=collectivite.public_id)
    return render(
        request,
        "accounts/member_role.html",
        {"collectivite": collectivite, "membership": membership, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def member_remove(request, public_id, member_id):
    collectivite, membership = _member_for_referent(request, public_id, member_id)
    error = None
    status = 200
    if request.method == "POST":
        try:
            remove_member(membership=membership, by=request.user)
        except MemberChangeRefused as refusal:
            error = refusal.message
            status = 409
        else:
            messages.success(
                request,
                _("%(name)s ne fait plus partie de %(collectivite)s.")
                % {"name": membership.user.display_name, "collectivite": collectivite.name},
            )
            if membership.user_id == request.user.pk:
                return redirect("dashboard")
            return redirect("members", public_id=collectivite.public_id)
    return render(
        request,
        "accounts/member_remove.html",
        {"collectivite": collectivite, "membership": membership, "error": error},
        status=status,
    )


def _invitation_for_referent(request, public_id, invitation_id):
    access = get_collectivite_access(request.user, public_id)
    access.require_referent()
    invitation = get_object_or_404(
        access.collectivite.invitations.select_related("collectivite"), public_id=invitation_id
    )
    return access.collectivite, invitation


@require_http_methods(["POST"])
def invitation_resend(request, public_id, invitation_id):
    collectivite, invitation = _invitation_for_referent(request, public_id, invitation_id)
    if not _may_send_invitation(request):
        messages.error(request, TOO_MANY_INVITATIONS)
    else:
        try:
            resend_invitation(
                invitation=invitation,
                by=request.user,
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except MemberChangeRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("Nouvelle invitation envoyée à %(email)s ; l’ancien lien ne fonctionne plus.")
                % {"email": invitation.email},
            )
    return redirect("members", public_id=collectivite.public_id)


@require_http_methods(["POST"])
def invitation_revoke(request, public_id, invitation_id):
    collectivite, invitation = _invitation_for_referent(request, public_id, invitation_id)
    try:
        revoke_invitation(invitation=invitation, by=request.user)
    except MemberChangeRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Invitation de %(email)s révoquée : son lien ne fonctionne plus.")
            % {"email": invitation.email},
        )
    return redirect("members", public_id=collectivite.public_id)


@require_http_methods(["GET", "POST"])
def collectivite_create(request):
    """A platform administrator opens a collectivité's space by choosing it in the official list:
    search (name, postcode, SIREN), choose, confirm. Works without JavaScript; the autocomplete
    only shortens the search."""
    if not request.user.is_staff:
        raise Http404  # a platform page: members of collectivités are not told it exists
    query = request.GET.get("q", "")[:100].strip()
    territory = find_territory(request.GET.get("territoire", ""))
    context = {
        "query": query,
        "release": TerritoryRelease.objects.first(),
        "territory": territory,
    }
    if territory is None:
        context["results"] = search_territories(query) if query else None
        return render(request, "accounts/collectivite_create.html", context)
    form = CollectiviteFromListForm(
        request.POST if request.method == "POST" else None, ask_siren=not territory.siren
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                collectivite = create_collectivite_from_territory(
                    territory=territory, siren=form.cleaned_data.get("siren", "")
                )
            except CollectiviteRefused as refusal:
                form.add_error(refusal.field, refusal.message)
            else:
                text = _("Espace de %(name)s créé.") % {"name": collectivite.name}
                email = form.cleaned_data["referent_email"]
                if email:
                    invite_member(
                        collectivite=collectivite,
                        email=email,
                        role=Role.REFERENT,
                        by=request.user,
                        base_url=request.build_absolute_uri("/").rstrip("/"),
                    )
                    text += " " + _("Invitation envoyée à %(email)s.") % {"email": email}
                messages.success(request, text)
                return redirect("admin:accounts_collectivite_change", collectivite.pk)
    context["form"] = form
    context["existing"] = getattr(territory, "collectivite", None)
    return render(request, "accounts/collectivite_create.html", context, status=status)
