"""The form of an action of the plan."""

from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diagnostics.deadlines import deadline_text, parse_deadline
from diagnostics.enums import ActionPriority, ActionStatus
from diagnostics.fields import FrenchDecimalField, TextField
from diagnostics.plan.fields import EDITABLE_FIELDS
from recommendations.models import Recommendation


def amount_field(label, *, invalid, help_text="") -> FrenchDecimalField:
    """An amount in euros, as typed in French: positive, cents at most, below 10¹² €."""
    return FrenchDecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_value=Decimal("999999999999"),
        max_digits=14,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=help_text,
        error_messages={
            "invalid": invalid,
            "min_value": _("Le montant doit être positif ou nul."),
            "max_value": _("Ce montant est trop grand."),
            "max_digits": _("Ce montant est trop grand."),
            "max_decimal_places": _("Au plus deux chiffres après la virgule."),
        },
    )


class PlanActionForm(forms.Form):
    title = TextField(label=_("Action"), max_length=200)
    recommendation = forms.ModelChoiceField(
        label=_("Préconisation servie"),
        queryset=Recommendation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choisissez une préconisation de la liste.")},
    )
    description = TextField(
        label=_("Description"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    owner = TextField(label=_("Porteur (service ou personne)"), required=False, max_length=200)
    deadline = TextField(
        label=_("Échéance"),
        required=False,
        max_length=20,
        help_text=_("Un trimestre (« T2 2027 ») ou une date (« 30/06/2027 »)."),
    )
    budget_amount = amount_field(
        _("Montant (€)"),
        invalid=_("Saisissez un montant en euros, par exemple 15 000 ou 2 500,50."),
    )
    budget_line = TextField(
        label=_("Ligne budgétaire"),
        required=False,
        max_length=200,
        help_text=_("Par exemple « 1 % eau et assainissement »."),
    )
    status = forms.ChoiceField(label=_("Statut"), choices=ActionStatus.choices)
    completed = TextField(
        label=_("Réalisée le"),
        required=False,
        max_length=20,
        help_text=_("Pour une action réalisée : une date, par exemple « 15/03/2027 »."),
    )
    amount_spent = amount_field(
        _("Montant dépensé (€)"),
        invalid=_("Saisissez un montant en euros, par exemple 12 400 ou 980,50."),
        help_text=_("Ce que l’action a réellement coûté à ce jour."),
    )
    priority = forms.ChoiceField(label=_("Priorité"), choices=ActionPriority.choices)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, catalogue_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = Recommendation.objects.filter(
            catalogue_id=catalogue_id
        ).order_by("number")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("recommendation"):
            cleaned["recommendation_id"] = cleaned["recommendation"].pk
        try:
            cleaned["deadline_date"], cleaned["deadline_quarter"] = parse_deadline(
                cleaned.get("deadline", "")
            )
        except ValueError:
            self.add_error(
                "deadline",
                _("Indiquez un trimestre (« T2 2027 ») ou une date valide (« 30/06/2027 »)."),
            )
        try:
            cleaned["completed_on"] = parse_completion(cleaned.get("completed", ""))
        except ValueError as error:
            self.add_error("completed", str(error))
        return cleaned

    @property
    def values(self) -> dict:
        """The action's editable fields, as the form cleaned them."""
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


def parse_completion(text: str) -> date | None:
    """« 15/03/2027 » -> that day; ValueError, with the French message, otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = parse_deadline(text)[0]
    except ValueError:
        day = None
    if day is None:
        raise ValueError(_("Indiquez une date valide, par exemple « 15/03/2027 »."))
    if day > timezone.localdate():
        raise ValueError(_("La date de réalisation ne peut pas être dans le futur."))
    return day


def initial_from(action) -> dict:
    initial = {name: getattr(action, name) for name in EDITABLE_FIELDS}
    completed_on = initial.pop("completed_on")
    initial["completed"] = completed_on.strftime("%d/%m/%Y") if completed_on else ""
    initial["recommendation"] = initial.pop("recommendation_id")
    initial["deadline"] = deadline_text(
        initial.pop("deadline_date"), initial.pop("deadline_quarter"), space=" "
    )
    return {**initial, "revision": action.revision}
