"""The forms of a diagnostic's life: create, rename, delete, reopen."""

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.fields import TextField
from diagnostics.models import FIRST_YEAR, LAST_YEAR
from diagnostics.services import REASON_MAX_LENGTH

YEAR_ERRORS = {
    "required": _("Indiquez l’année du diagnostic."),
    "invalid": _("Indiquez l’année en chiffres, par exemple 2026."),
    "min_value": _("L’année doit être comprise entre 2000 et 2100."),
    "max_value": _("L’année doit être comprise entre 2000 et 2100."),
}


def year_field(*, required=True):
    return forms.IntegerField(
        label=_("Année de l’exercice évalué"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=required,
        error_messages=YEAR_ERRORS,
        help_text=_("Un seul diagnostic par année."),
    )


def title_field():
    return TextField(
        label=_("Titre du diagnostic"),
        max_length=200,
        help_text=_("Par exemple « Diagnostic 2026 »."),
        error_messages={
            "required": _("Donnez un titre au diagnostic."),
            "max_length": _("Le titre doit faire 200 caractères au plus."),
        },
    )


class DiagnosticCreateForm(forms.Form):
    year = year_field()
    title = title_field()
    title.required = False
    title.help_text = _("Laissé vide : « Diagnostic » suivi de l’année.")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and cleaned.get("year"):
            cleaned["title"] = _("Diagnostic %(year)s") % {"year": cleaned["year"]}
        return cleaned


START_CARRY = "reprise"
START_EMPTY = "vide"


class DiagnosticStartForm(DiagnosticCreateForm):
    """The create page's form when the collectivité has a submitted diagnostic to start from.

    The source is never posted: it is the collectivité's latest submitted diagnostic, looked up
    on the server. A post without the choice (the dashboard's short form) starts empty."""

    start = forms.ChoiceField(
        label=_("Point de départ"),
        widget=forms.RadioSelect,
        required=False,
        initial=START_CARRY,
    )

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        year = source.year or _("précédent")
        self.fields["start"].choices = [
            (START_CARRY, _("Partir du diagnostic %(year)s (soumis)") % {"year": year}),
            (START_EMPTY, _("Partir d’un questionnaire vide")),
        ]
        self.fields["start"].help_text = _(
            "En partant du diagnostic %(year)s, ses réponses sont reprises et restent à confirmer "
            "une à une ou par préconisation avant la soumission ; les actions du plan non "
            "réalisées sont reprises avec leur historique."
        ) % {"year": year}

    @property
    def carries_over(self) -> bool:
        return self.cleaned_data.get("start") == START_CARRY


class DiagnosticRenameForm(forms.Form):
    title = title_field()
    year = year_field()

    def __init__(self, *args, year_required=True, **kwargs):
        super().__init__(*args, **kwargs)
        # A diagnostic made before years existed may stay without one.
        self.fields["year"].required = year_required
        if not year_required:
            self.fields["year"].help_text = _(
                "Facultatif pour ce diagnostic, créé avant l’indication de l’année ; "
                "une année déjà prise par un autre diagnostic est refusée."
            )


class DiagnosticDeleteForm(forms.Form):
    confirmation = forms.CharField(
        label=_("Saisissez le titre du diagnostic pour confirmer"),
        max_length=200,
        error_messages={"required": _("Saisissez le titre du diagnostic pour confirmer.")},
    )

    def __init__(self, *args, title, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = title

    def clean_confirmation(self):
        typed = self.cleaned_data["confirmation"].strip()
        if typed != self.expected.strip():
            raise forms.ValidationError(
                _("Le texte saisi ne correspond pas au titre du diagnostic.")
            )
        return typed


class ReopenForm(forms.Form):
    reason = TextField(
        label=_("Motif de la réouverture"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Obligatoire : il est enregistré dans l’historique du diagnostic, visible des membres "
            "(2 000 caractères au plus)."
        ),
        error_messages={
            "required": _("Indiquez le motif de la réouverture."),
            "max_length": _("Le motif doit faire %(limit_value)s caractères au plus."),
        },
    )
