"""The form of one question's answer, built from the catalogue (one per question on a page)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.fields import FrenchDecimalField
from diagnostics.questionnaire.answers import make_state
from recommendations.enums import QuestionKind
from recommendations.models import Question

MAX_TEXT = 2000
MAX_NUMBER = Decimal("1000000000000")


def _value_field(question: Question, options: list) -> forms.Field:
    kind = question.kind
    common = {"required": False, "label": question.text, "help_text": question.help_text}
    if kind == QuestionKind.SCALE:
        choices = [
            (index, f"{level.label} — {level.description}" if level.description else level.label)
            for index, level in enumerate(options)
        ]
        return forms.TypedChoiceField(
            choices=choices, coerce=int, empty_value=None, widget=forms.RadioSelect, **common
        )
    if kind == QuestionKind.BOOLEAN:
        return forms.TypedChoiceField(
            choices=[("oui", _("Oui")), ("non", _("Non"))],
            coerce=lambda v: v == "oui",
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if kind == QuestionKind.CHOICE:
        return forms.TypedChoiceField(
            choices=[(o.pk, o.label) for o in options],
            coerce=int,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if kind == QuestionKind.MULTI:
        return forms.TypedMultipleChoiceField(
            choices=[(o.pk, o.label) for o in options],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == QuestionKind.NUMBER:
        return FrenchDecimalField(
            min_value=0,
            max_value=MAX_NUMBER,
            max_digits=15,
            decimal_places=2,
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            error_messages={
                "invalid": _("Saisissez un nombre, par exemple 12 ou 12,5."),
                "max_decimal_places": _("Au plus deux chiffres après la virgule."),
                "min_value": _("Le nombre doit être positif ou nul."),
                "max_value": _("Ce nombre est trop grand."),
                "max_digits": _("Ce nombre est trop grand."),
            },
            **common,
        )
    return forms.CharField(
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _(
                "%(limit_value)s caractères au plus (vous en avez saisi %(show_value)s)."
            )
        },
        **common,
    )


class AnswerForm(forms.Form):
    """Value, « Non concerné » where allowed, a comment, and the base revision."""

    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _(
                "%(limit_value)s caractères au plus (vous en avez saisi %(show_value)s)."
            )
        },
    )
    revision = forms.IntegerField(
        min_value=0, widget=forms.HiddenInput, required=False, max_value=2**31 - 1
    )

    def __init__(self, *args, question: Question, options: list, **kwargs):
        self.question = question
        super().__init__(*args, prefix=question.code, **kwargs)
        self.fields["value"] = _value_field(question, options)
        self.order_fields(["value", "not_applicable", "comment", "revision"])
        if question.allows_not_applicable:
            self.fields["not_applicable"] = forms.BooleanField(
                label=_("Non concerné"), required=False
            )
            self.order_fields(["value", "not_applicable", "comment", "revision"])

    def clean_comment(self):
        comment = self.cleaned_data.get("comment", "")
        if "\x00" in comment:
            raise forms.ValidationError(_("Le commentaire contient un caractère invalide."))
        return comment.strip()

    def clean_value(self):
        value = self.cleaned_data.get("value")
        if isinstance(value, str):
            if "\x00" in value:
                raise forms.ValidationError(_("Le texte contient un caractère invalide."))
            value = value.strip()
        return value

    @property
    def state(self) -> dict:
        data = self.cleaned_data
        return make_state(
            value=data.get("value"),
            not_applicable=data.get("not_applicable", False),
            comment=data.get("comment", ""),
        )

    @property
    def base_revision(self) -> int:
        return self.cleaned_data.get("revision") or 0


def initial_for(state: dict, revision: int, question: Question) -> dict:
    value = state["value"]
    if question.kind == QuestionKind.BOOLEAN and value is not None:
        value = "oui" if value else "non"
    elif question.kind == QuestionKind.NUMBER and value is not None:
        value = Decimal(value)
    return {
        "value": value,
        "not_applicable": state["not_applicable"],
        "comment": state["comment"],
        "revision": revision,
    }
