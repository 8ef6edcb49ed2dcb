"""The form of one question's answer, built from the catalogue (one per question on a page)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.fields import TextField
from diagnostics.question_kinds import MAX_TEXT, kind_of
from diagnostics.questionnaire.answers import make_state
from recommendations.models import Question


class AnswerForm(forms.Form):
    """Value, « Non concerné » where allowed, a comment, and the base revision."""

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
        self.fields["value"] = kind_of(question).form_field(question, options)
        self.order_fields(["value", "not_applicable", "comment", "revision"])
        if question.allows_not_applicable:
            self.fields["not_applicable"] = forms.BooleanField(
                label=_("Non concerné"), required=False
            )
            self.order_fields(["value", "not_applicable", "comment", "revision"])

    @property
    def state(self) -> dict:
        data = self.cleaned_data
        return make_state(
            value=kind_of(self.question).stored(data.get("value")),
            not_applicable=data.get("not_applicable", False),
            comment=data.get("comment", ""),
        )

    @property
    def base_revision(self) -> int:
        return self.cleaned_data.get("revision") or 0


def initial_for(state: dict, revision: int, question: Question) -> dict:
    return {
        "value": kind_of(question).initial(state["value"]),
        "not_applicable": state["not_applicable"],
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
    return data
