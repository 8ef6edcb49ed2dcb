"""Forms of accounts: log in, password reset, invitations, account creation."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from accounts.models import AccessRequest, User, normalize_email_address


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Le mot de passe tient compte des "
            "majuscules, l’adresse non."
        ),
        "inactive": _("Ce compte est désactivé."),
    }

    def clean_username(self):
        return normalize_email_address(self.cleaned_data["username"])


class PasswordResetForm(auth_forms.PasswordResetForm):
    def clean_email(self):
        return normalize_email_address(self.cleaned_data["email"])


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse électronique de la personne invitée"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.AGENT)

    def clean_email(self):
        return normalize_email_address(self.cleaned_data["email"])


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Nouveau rôle"), choices=Role.choices)


class AccountCreationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Prénom et nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 12 caractères, pas uniquement des chiffres, pas trop courant."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif password1:
            try:
                password_validation.validate_password(
                    password1, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AccessRequestForm(forms.ModelForm):
    """« Demander un accès »: a collectivité not yet on the platform."""

    # Wider than the 9 digits: « 214 401 093 » as printed is accepted, and cleaned.
    siren = forms.CharField(
        label=_("SIREN de la collectivité"),
        max_length=20,
        help_text=_(
            "Les 9 chiffres, par exemple 214 401 093 : ils figurent dans l’annuaire de "
            "l’administration ou sur l’avis de situation au répertoire SIRENE."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = AccessRequest
        fields = [
            "collectivite_name",
            "siren",
            "kind",
            "full_name",
            "job_title",
            "email",
            "message",
        ]
        labels = {
            "collectivite_name": _("Nom de la collectivité"),
            "kind": _("Type de collectivité"),
            "full_name": _("Vos prénom et nom"),
            "job_title": _("Votre fonction"),
            "email": _("Votre adresse électronique professionnelle"),
            "message": _("Message (facultatif)"),
        }
        help_texts = {
            "job_title": _("Par exemple : chargée de mission relations internationales."),
            "email": _("L’invitation à créer votre compte y sera envoyée."),
        }
        widgets = {
            "collectivite_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }

    def clean_siren(self):
        return "".join(self.cleaned_data["siren"].split())

    def clean_email(self):
        return normalize_email_address(self.cleaned_data["email"])


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        help_text=_("Il est envoyé à la personne, telle que vous l’écrivez."),
    )


class CollectiviteFromListForm(forms.Form):
    """What the platform adds to an entry of the official list to open a collectivité's space."""

    siren = forms.CharField(
        label=_("SIREN"),
        max_length=9,
        required=False,
        help_text=_("9 chiffres ; la liste officielle ne le donne pas pour cette collectivité."),
    )
    referent_email = forms.EmailField(
        label=_("Adresse électronique du référent AEICT (facultatif)"),
        required=False,
        help_text=_("Une invitation lui est envoyée dès la création."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, ask_siren: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_siren:
            del self.fields["siren"]
        else:
            self.fields["siren"].required = True
            self.fields["siren"].error_messages["required"] = _(
                "Saisissez le SIREN de la collectivité."
            )

    def clean_referent_email(self):
        return normalize_email_address(self.cleaned_data["referent_email"])
