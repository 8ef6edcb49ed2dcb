"""The partnership form (used by the pages and, line by line, by the CSV import); the finder's."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from partnerships.enums import FundingSource, PartnershipState, Theme
from partnerships.models import Partnership
from territories.models import Territory

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_ERROR = _("Date invalide : écrivez-la sous la forme JJ/MM/AAAA (par exemple 14/07/2024).")


def date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": DATE_ERROR},
        widget=forms.DateInput(attrs={"placeholder": "JJ/MM/AAAA"}, format="%d/%m/%Y"),
        help_text=_("JJ/MM/AAAA"),
    )


class PartnershipForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(
        label=_("Thématiques"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Thématique inconnue : %(value)s.")},
    )
    funding_sources = forms.MultipleChoiceField(
        label=_("Financements"),
        choices=FundingSource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Financement inconnu : %(value)s.")},
    )
    signed_on = date_field(_("Signé le"))
    renewed_on = date_field(_("Renouvelé le"))
    ended_on = date_field(_("Terminé le"))
    co_partner_sirens = forms.CharField(
        label=_("Collectivités françaises partenaires (SIREN)"),
        required=False,
        max_length=2000,
        help_text=_(
            "Les SIREN des autres collectivités françaises engagées, séparés par des virgules ; "
            "elles doivent figurer dans la liste officielle."
        ),
    )
    yearly_budget = forms.DecimalField(
        label=_("Budget annuel (€)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        localize=True,
        error_messages={
            "invalid": _("Montant invalide : écrivez un nombre, par exemple 12500 ou 12500,50."),
            "min_value": _("Le budget ne peut pas être négatif."),
        },
    )

    convention_url = forms.URLField(
        label=_("Convention ou délibération (lien)"),
        required=False,
        assume_scheme="https",
        max_length=200,
        error_messages={"invalid": _("Lien invalide : il doit commencer par https://.")},
    )

    class Meta:
        model = Partnership
        fields = [
            "partner_name",
            "country",
            "partner_area",
            "kind",
            "themes",
            "state",
            "signed_on",
            "renewed_on",
            "ended_on",
            "co_partner_sirens",
            "territory_actors",
            "yearly_budget",
            "funding_sources",
            "convention_url",
            "contact",
        ]
        widgets = {"territory_actors": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "territory_actors": _("Université, hôpital, associations, diaspora…"),
            "contact": _("Nom et adresse électronique de la personne à contacter."),
        }
        error_messages = {
            "partner_name": {"required": _("Saisissez le nom du partenaire étranger.")},
            "country": {
                "required": _("Choisissez le pays du partenaire."),
                "invalid_choice": _("Pays inconnu : %(value)s."),
            },
            "kind": {
                "required": _("Choisissez le type de partenariat."),
                "invalid_choice": _("Type de partenariat inconnu : %(value)s."),
            },
            "state": {"invalid_choice": _("État inconnu : %(value)s.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].initial = PartnershipState.ACTIF
        if self.instance.pk and not self.is_bound:
            self.initial["co_partner_sirens"] = ", ".join(
                t.siren for t in self.instance.co_partners.all()
            )

    def clean_co_partner_sirens(self):
        raw = self.cleaned_data["co_partner_sirens"].replace(";", ",")
        sirens = [s.strip().replace(" ", "") for s in raw.split(",") if s.strip()]
        found = {t.siren: t for t in Territory.objects.current().filter(siren__in=sirens)}
        unknown = [s for s in sirens if s not in found]
        if unknown:
            raise forms.ValidationError(
                _("SIREN absent de la liste officielle : %(sirens)s.")
                % {"sirens": ", ".join(unknown)}
            )
        self.co_partners = list(found.values())
        return sirens

    def clean(self):
        cleaned = super().clean()
        signed, ended = cleaned.get("signed_on"), cleaned.get("ended_on")
        if signed and ended and ended < signed:
            self.add_error("ended_on", _("La date de fin précède la date de signature."))
        if cleaned.get("state") == PartnershipState.TERMINE and not ended:
            self.add_error("ended_on", _("Un partenariat terminé a une date de fin."))
        return cleaned


class FinderVisibilityForm(forms.Form):
    visible = forms.BooleanField(
        label=_("Rendre notre collectivité visible des autres collectivités de la plateforme"),
        help_text=_(
            "Les autres collectivités verront vos partenariats actifs : pays, région ou ville, "
            "type, thématiques et dates. Jamais les budgets, les financements, les contacts "
            "des partenariats, les documents ni les notes."
        ),
        required=False,
    )
    contact_email = forms.EmailField(
        label=_("Adresse de contact à afficher (facultatif)"),
        help_text=_("Laissez vide pour n’afficher aucune adresse."),
        required=False,
    )


class FinderForm(forms.Form):
    """The finder's search, sent by GET: one country or several, and a theme."""

    pays = forms.MultipleChoiceField(
        label=_("Pays"),
        help_text=_("Vous pouvez en choisir plusieurs (touche Ctrl ou Cmd)."),
        choices=[],
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    theme = forms.ChoiceField(
        label=_("Thématique"),
        choices=[("", _("Toutes les thématiques")), *Theme.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pays"].choices = list(countries)

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("pays") and not data.get("theme"):
            raise forms.ValidationError(_("Choisissez au moins un pays ou une thématique."))
        return data
