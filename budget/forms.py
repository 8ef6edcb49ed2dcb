"""Forms of the budget: who holds each competence, a mechanism's figures, the budget by source.
Amounts are typed the French way (« 41 800,50 », « 41800.50 »)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import validate_siren
from budget.calculations import MAX_AMOUNT
from budget.enums import Holder, Mechanism
from budget.mechanisms import MECHANISMS
from budget.models import AMOUNT_NEGATIVE, AMOUNT_TOO_LARGE, validate_year
from budget.services import VERSEMENT_ABOVE_RESOURCES, not_held_message
from diagnostics.fields import FrenchDecimalField, TextField

AMOUNT_ERRORS = {
    "invalid": _(
        "Saisissez un montant en euros, en chiffres, par exemple 41 800 ou 41 800,50 "
        "(sans lettres)."
    ),
    "min_value": AMOUNT_NEGATIVE,
    "max_value": AMOUNT_TOO_LARGE,
    "max_digits": AMOUNT_TOO_LARGE,
    "max_whole_digits": AMOUNT_TOO_LARGE,
    "max_decimal_places": _("Au plus deux chiffres après la virgule (les centimes)."),
}


def amount_field(label, help_text=""):
    return FrenchDecimalField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=Decimal(0),
        max_value=MAX_AMOUNT,
        max_digits=15,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages=AMOUNT_ERRORS,
    )


class YearChoiceForm(forms.Form):
    annee = forms.IntegerField(
        label=_("Année"),
        error_messages={
            "required": _("Indiquez une année, par exemple 2027."),
            "invalid": _("Indiquez l’année en chiffres, par exemple 2027."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_annee(self):
        year = self.cleaned_data["annee"]
        validate_year(year)
        return year


class CompetenceForm(forms.Form):
    holder = forms.ChoiceField(
        label=_("Qui exerce cette compétence sur votre territoire ?"),
        choices=Holder.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez qui exerce la compétence.")},
    )
    holder_name = TextField(
        label=_("Nom de l’organisme"),
        required=False,
        max_length=200,
        help_text=_("Par exemple « Syndicat des eaux du Val-d’Armor »."),
    )
    holder_siren = forms.CharField(
        label=_("SIREN de l’organisme (facultatif)"),
        required=False,
        max_length=20,
        validators=[validate_siren],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    in_general_budget = forms.BooleanField(
        label=_("Le service est financé dans le budget général (TEOM), sans budget annexe"),
        required=False,
        help_text=_("Les ressources du service devront alors être estimées."),
    )

    def __init__(self, *args, mechanism: str, **kwargs):
        super().__init__(*args, prefix=mechanism, **kwargs)
        self.mechanism = mechanism
        self.info = MECHANISMS[mechanism]
        if mechanism != Mechanism.WASTE:
            del self.fields["in_general_budget"]

    def clean_holder_siren(self):
        return "".join(self.cleaned_data["holder_siren"].split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("holder") == Holder.OTHER and not cleaned.get("holder_name"):
            self.add_error(
                "holder_name", _("Indiquez le nom de l’organisme qui exerce la compétence.")
            )
        return cleaned


class MechanismFiguresForm(forms.Form):
    resources = amount_field(_("Ressources du budget du service (€)"))
    versement_mobilite = amount_field(
        _("Dont versement mobilité (€)"),
        _("Il est retiré des ressources pour calculer la base du 1 %."),
    )
    committed = amount_field(
        _("Montants engagés au titre de ce 1 % (€)"),
        _("Les subventions et dépenses de coopération votées ou engagées dans l’année."),
    )

    def __init__(self, *args, competence, **kwargs):
        super().__init__(*args, prefix=competence.mechanism, **kwargs)
        self.mechanism = competence.mechanism
        self.competence = competence
        self.info = MECHANISMS[competence.mechanism]
        self.fields["resources"].help_text = self.info.base
        if self.mechanism != Mechanism.MOBILITY:
            del self.fields["versement_mobilite"]

    def clean(self):
        cleaned = super().clean()
        refusal = not_held_message(self.competence)
        if refusal:
            for name in self.fields:
                if cleaned.get(name) is not None:
                    self.add_error(name, refusal)
        resources, versement = cleaned.get("resources"), cleaned.get("versement_mobilite")
        if versement is not None and resources is not None and versement > resources:
            self.add_error("versement_mobilite", VERSEMENT_ABOVE_RESOURCES)
        return cleaned

    @property
    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class SourcesForm(forms.Form):
    own_budget = amount_field(
        _("Budget propre, budget général (€)"),
        _("Les crédits de l’action internationale votés au budget général (article L1115-1)."),
    )
    cofunding_meae = amount_field(_("Appels à projets du ministère, MEAE / DCTCIV (€)"))
    cofunding_afd = amount_field(_("AFD, facilité FICOL (€)"))
    cofunding_eu = amount_field(_("Programmes de l’Union européenne (€)"))
    cofunding_water_agency = amount_field(_("Agences de l’eau (€)"))
    cofunding_other = amount_field(_("Autres cofinancements (€)"))
    staff_fte = FrenchDecimalField(
        label=_("Personnel consacré à l’action internationale (équivalents temps plein)"),
        help_text=_("Par exemple 2,5."),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(10_000),
        max_digits=7,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={
            "invalid": _("Saisissez un nombre, par exemple 2,5."),
            "min_value": _("Le nombre doit être positif ou nul."),
            "max_value": _("Ce nombre est trop grand."),
            "max_digits": _("Ce nombre est trop grand."),
            "max_whole_digits": _("Ce nombre est trop grand."),
            "max_decimal_places": _("Au plus deux chiffres après la virgule."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="sources", **kwargs)

    @property
    def values(self) -> dict:
        return dict(self.cleaned_data)
