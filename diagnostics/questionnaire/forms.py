"""The form of one question's answer, built from the catalogue (one per question on a page)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.fields import TextField
from diagnostics.question_kinds import MAX_TEXT, kind_of
from diagnostics.questionnaire.answers import make_state, normalized_state
from recommendations.models import Question

FIELD_ORDER = ["value", "not_applicable", "dont_know", "comment", "revision"]


class AnswerForm(forms.Form):
    """Value, « Non concerné » where allowed, « Je ne sais pas », a comment, and the base
    revision. A value, « Non concerné » and « Je ne sais pas » exclude one another."""

    comment = TextField(
        label=_("Commentaire (facultatif)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "null_characters_not_allowed": _("Le commentaire contient un caractère invalide.")
        },
    )
    revision = forms.IntegerField(
        min_value=0, widget=forms.HiddenInput, required=False, max_value=2**31 - 1
    )

    def __init__(self, *args, question: Question, options: list, **kwargs):
        self.question = question
        super().__init__(*args, prefix=question.code, **kwargs)
        self.options = options
        self.fields["value"] = kind_of(question).form_field(question, options)
        if question.allows_not_applicable:
            self.fields["not_applicable"] = forms.BooleanField(
                label=_("Non concerné"), required=False
            )
        self.fields["dont_know"] = forms.BooleanField(label=_("Je ne sais pas"), required=False)
        self.order_fields(FIELD_ORDER)

    def clean(self):
        data = super().clean()
        value = kind_of(self.question).stored(data.get("value"))
        if "value" in self.errors:
            return data
        error = value is not None and kind_of(self.question).combination_error(self.options, value)
        if error:
            self.add_error("value", error)
        if data.get("not_applicable") and value is not None:
            self.add_error(
                "not_applicable",
                _(
                    "“Non concerné” ne peut pas être coché avec une réponse : gardez l’un ou "
                    "l’autre."
                ),
            )
        if data.get("dont_know") and (value is not None or data.get("not_applicable")):
            self.add_error(
                "dont_know",
                _(
                    "“Je ne sais pas” ne peut pas être coché avec une réponse ni avec "
                    "“Non concerné” : gardez l’un ou l’autre."
                ),
            )
        return data

    @property
    def state(self) -> dict:
        data = self.cleaned_data
        return make_state(
            value=kind_of(self.question).stored(data.get("value")),
            not_applicable=data.get("not_applicable", False),
            dont_know=data.get("dont_know", False),
            comment=data.get("comment", ""),
        )

    @property
    def base_revision(self) -> int:
        return self.cleaned_data.get("revision") or 0


def initial_for(state: dict, revision: int, question: Question) -> dict:
    state = normalized_state(state)
    return {
        "value": kind_of(question).initial(state["value"]),
        "not_applicable": state["not_applicable"],
        "dont_know": state["dont_know"],
        "comment": state["comment"],
        "revision": revision,
    }


def post_data(question: Question, options: list, state: dict, *, revision: int = 0) -> dict:
    """The fields a browser posts to save ``state``, as the questionnaire's form renders them."""
    prefix = question.code
    data = {
        f"{prefix}-value": kind_of(question).post_value(question, options, state["value"]),
        f"{prefix}-comment": state["comment"],
        f"{prefix}-revision": revision,
    }
    if state["not_applicable"]:
        data[f"{prefix}-not_applicable"] = "on"
    if state.get("dont_know"):
        data[f"{prefix}-dont_know"] = "on"
    return data
