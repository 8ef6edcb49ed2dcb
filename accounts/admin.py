"""Administration of accounts, collectivités and their members; invitations and the members'
journal are read-only here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    EMAIL_TAKEN,
    Collectivite,
    Invitation,
    MemberEvent,
    Membership,
    ProConnectIdentity,
    User,
    normalize_email_address,
)
from aeict.admin import ReadOnlyAdmin


class EmailAddressMixin:
    """The address stored lower-cased, and one clear message beside the field when another
    account has it already, whatever its case (rather than the constraint's, above the form)."""

    def clean_email(self):
        email = normalize_email_address(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(EMAIL_TAKEN, code="unique")
        return email


class UserCreationForm(EmailAddressMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(EmailAddressMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"  # the admin's own password and permission fields


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


class CollectiviteMembershipInline(MembershipInline):
    autocomplete_fields = ["user"]


class UserMembershipInline(MembershipInline):
    autocomplete_fields = ["collectivite"]
    fields = ["collectivite", "role", "created_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_active", "memberships__role"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "language", "password"]}),
        (
            _("Droits"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "usable_password", "password1", "password2"],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [UserMembershipInline]


@admin.register(Collectivite)
class CollectiviteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siren", "population", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "siren"]
    readonly_fields = ["public_id", "official", "created_at"]
    inlines = [CollectiviteMembershipInline]

    def add_view(self, request, form_url="", extra_context=None):
        # A collectivité is chosen in the official list, never typed by hand.
        return redirect("collectivite_create")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "collectivite", "role", "created_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "collectivite__name"]
    list_select_related = ["collectivite"]


@admin.register(MemberEvent)
class MemberEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "collectivite", "actor", "kind", "target_email", "new_role"]
    list_filter = ["kind"]
    search_fields = ["target_email", "target_name", "collectivite__name", "actor__email"]
    list_select_related = ["collectivite", "actor"]
    date_hierarchy = "created_at"

    def has_delete_permission(self, request, obj=None):
        return False  # the journal is a record: it is not edited, even by the platform


@admin.register(ProConnectIdentity)
class ProConnectIdentityAdmin(ReadOnlyAdmin):
    """Made by the person's own confirmation only; deleting one unlinks it (the account stays,
    and the next ProConnect sign-in asks for the confirmation again)."""

    list_display = ["user", "siret", "issuer", "created_at"]
    search_fields = ["user__email", "siret", "subject"]
    list_select_related = ["user"]
