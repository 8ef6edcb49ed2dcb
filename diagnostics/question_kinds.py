"""What differs by question kind, in one entry per kind: the form field, the stored value, the
value given to scoring, the words shown to people, the backup format and sample answers.

A new kind is one handler here (registered in KINDS), its rule in diagnostics/scoring.py and its
value in recommendations.enums.QuestionKind. The scoring rule itself stays in scoring.py."""

import random
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aeict.languages import is_english
from aeict.text import quoted
from diagnostics.fields import FrenchDecimalField, TextField
from recommendations.enums import QuestionKind
from recommendations.models import Option, Question

MAX_TEXT = 2000
MAX_NUMBER = Decimal("1000000000000")
SAMPLE_TEXT = "Allemagne, Sénégal, Québec (Canada), Maroc"


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class QuestionKindHandler:
    """The behaviour shared by most kinds; a kind overrides what it does differently.

    A value has three forms: the form's cleaned value, the stored value (JSON, in Answer.value and
    the history; None when there is no answer) and the value scoring.AnswerData carries."""

    kind: str

    def form_field(self, question: Question, options: Sequence[Option]) -> forms.Field:
        raise NotImplementedError

    @staticmethod
    def _common(question: Question) -> dict:
        # Labels are element content: an English page marks a French text (no translation yet)
        # lang="fr" (RGAA 8.7).
        return {
            "required": False,
            "label": question.localized_html("text"),
            "help_text": question.localized_html("help_text"),
        }

    def initial(self, value):
        """The form's initial value for a stored value."""
        return value

    def stored(self, value):
        """The stored value for a cleaned (or sampled) value: JSON-friendly and comparable."""
        return value

    def scoring_value(self, value):
        """The value scoring.AnswerData carries for a stored value that is not None."""
        return value

    def level_count(self, options: Sequence[Option]) -> int:
        """The scoring specification's level count (only a scale has levels)."""
        return 0

    def describe(self, question: Question, value, options_by_id: dict) -> str:
        """A stored value that is not None, as a person reads it."""
        return str(value)

    def export_value(self, value, rank_of: Callable[[int], int]):
        """A stored value that is not None, in a backup, where options are named by rank."""
        return value

    def import_value(self, raw, option_of: Callable[[int], int]):
        """The stored value for a backup's value (not None); option_of turns a rank into an id.

        A value that cannot be converted raises ValidationError; ``validate`` checks the rest."""
        return raw

    def combination_error(self, options: Sequence[Option], value) -> str | None:
        """Why the form refuses ``value`` (a stored value that is not None) as a whole, in
        French; None when it may be stored. Only a multi-choice has such a rule."""
        return None

    def validate(self, question: Question, options: Sequence[Option], value) -> None:
        """Raise ValidationError (in French, quoting the value) unless ``value``, a stored value
        that is not None, is one the question's form could have stored."""
        raise NotImplementedError

    def sample(
        self,
        question: Question,
        options: Sequence[Option],
        *,
        level: float,
        rng: random.Random | None = None,
    ):
        """A valid stored value, from the lowest answer (level 0) to the highest (level 1).

        Without rng the value is the same every time; with rng it is scattered around the level,
        as in demo data (it may then be None: nothing ticked)."""
        raise NotImplementedError

    def post_value(self, question: Question, options: Sequence[Option], value):
        """What the browser posts for a stored value, as the form's widget renders it."""
        if value is None:
            return ""
        field = self.form_field(question, options)
        rendered = field.widget.format_value(field.prepare_value(self.initial(value)))
        if isinstance(rendered, list) and not getattr(
            field.widget, "allow_multiple_selected", False
        ):
            return rendered[0]
        return rendered


def _option_label(option: Option) -> SafeString:
    return option.localized_html("label")


def _level_label(level: Option) -> SafeString:
    if not level.description:
        return level.localized_html("label")
    return format_html(
        "{} — {}", level.localized_html("label"), level.localized_html("description")
    )


# Choice labels are needed when the field is rendered, not to check an answer: an autosave does
# not build them (they are made, in the request's language, when a page shows them).
_lazy_option_label = lazy(_option_label, SafeString)
_lazy_level_label = lazy(_level_label, SafeString)


class _Choices(QuestionKindHandler):
    """Kinds answered by picking among choices rendered as radio buttons."""

    def _choice_field(self, question: Question, choices: list, *, coerce) -> forms.Field:
        return forms.TypedChoiceField(
            choices=choices,
            coerce=coerce,
            empty_value=None,
            widget=forms.RadioSelect,
            **self._common(question),
        )


class Scale(_Choices):
    kind = QuestionKind.SCALE

    def form_field(self, question, options):
        choices = [(index, _lazy_level_label(level)) for index, level in enumerate(options)]
        return self._choice_field(question, choices, coerce=int)

    def level_count(self, options):
        return len(options)

    def validate(self, question, options, value):
        if not _is_int(value) or not 0 <= value < len(options):
            raise ValidationError(
                _("%(value)s n’est pas un niveau de l’échelle (de 0 à %(top)s).")
                % {"value": quoted(value), "top": len(options) - 1}
            )

    def describe(self, question, value, options_by_id):
        levels = options_by_id.get(("levels", question.pk), [])
        if isinstance(value, int) and 0 <= value < len(levels):
            return levels[value].localized("label")
        return _("Étape %(n)s") % {"n": value}

    def sample(self, question, options, *, level, rng=None):
        top = len(options) - 1
        if rng is None:
            return round(level * top)
        return max(0, min(top, round(rng.gauss(level * top, 0.8))))


class Boolean(_Choices):
    kind = QuestionKind.BOOLEAN

    def form_field(self, question, options):
        return self._choice_field(
            question,
            [("oui", gettext_lazy("Oui")), ("non", gettext_lazy("Non"))],
            coerce=lambda v: v == "oui",
        )

    def initial(self, value):
        return None if value is None else ("oui" if value else "non")

    def describe(self, question, value, options_by_id):
        return _("Oui") if value else _("Non")

    def validate(self, question, options, value):
        if not isinstance(value, bool):
            raise ValidationError(
                _("%(value)s n’est ni oui ni non (true ou false attendu).")
                % {"value": quoted(value)}
            )

    def sample(self, question, options, *, level, rng=None):
        if rng is None:
            return level >= 0.5
        return rng.random() < level + 0.1


def _by_score(options: Sequence[Option]) -> list[Option]:
    return sorted(options, key=lambda o: o.score or 0)


class Choice(_Choices):
    kind = QuestionKind.CHOICE

    def form_field(self, question, options):
        return self._choice_field(
            question, [(o.pk, _lazy_option_label(o)) for o in options], coerce=int
        )

    def describe(self, question, value, options_by_id):
        option = options_by_id.get(value)
        return option.localized("label") if option else _("Option inconnue")

    def export_value(self, value, rank_of):
        return rank_of(value)

    def import_value(self, raw, option_of):
        return option_of(raw)

    def validate(self, question, options, value):
        if not _is_int(value) or value not in {o.pk for o in options}:
            raise ValidationError(
                _("%(value)s n’est pas une option de la question.") % {"value": quoted(value)}
            )

    def sample(self, question, options, *, level, rng=None):
        if rng is None:
            ranked = _by_score(options)
            return ranked[round(level * (len(ranked) - 1))].pk
        return min(options, key=lambda o: abs(float(o.score or 0) - level)).pk


class _OptionCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose exclusive options say so (data-exclusive), for the autosave script."""

    def __init__(self, *args, exclusive: frozenset[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.exclusive = exclusive

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if getattr(value, "value", value) in self.exclusive:
            option["attrs"]["data-exclusive"] = "true"
        return option


class Multi(QuestionKindHandler):
    kind = QuestionKind.MULTI

    def form_field(self, question, options):
        return forms.TypedMultipleChoiceField(
            choices=[(o.pk, _lazy_option_label(o)) for o in options],
            coerce=int,
            widget=_OptionCheckboxes(exclusive=frozenset(o.pk for o in options if o.exclusive)),
            **self._common(question),
        )

    def combination_error(self, options, value):
        if not isinstance(value, list) or len(value) < 2:
            return None
        for option in options:
            if option.exclusive and option.pk in value:
                return _("%(option)s ne peut pas être coché avec une autre option.") % {
                    "option": f"“{option.localized('label')}”"
                }
        return None

    def stored(self, value):
        return (sorted(value) or None) if value is not None else None

    def scoring_value(self, value):
        return frozenset(value) if isinstance(value, list) else None

    def describe(self, question, value, options_by_id):
        labels = [options_by_id[v].localized("label") for v in value if v in options_by_id]
        separator = "; " if is_english() else "\u00a0; "
        return separator.join(labels) if labels else _("Aucune option cochée")

    def export_value(self, value, rank_of):
        return sorted(rank_of(pk) for pk in value)

    def import_value(self, raw, option_of):
        if not isinstance(raw, list):
            raise ValidationError(
                _("%(value)s n’est pas une liste d’options.") % {"value": quoted(raw)}
            )
        chosen = [option_of(rank) for rank in raw]
        if len(set(chosen)) != len(chosen):
            raise ValidationError(
                _("%(value)s cite deux fois la même option.") % {"value": quoted(raw)}
            )
        return self.stored(chosen)

    def validate(self, question, options, value):
        known = {o.pk for o in options}
        if (
            not isinstance(value, list)
            or not all(_is_int(v) and v in known for v in value)
            or len(set(value)) != len(value)
        ):
            raise ValidationError(
                _("%(value)s n’est pas une liste d’options distinctes de la question.")
                % {"value": quoted(value)}
            )
        error = self.combination_error(options, value)
        if error:
            raise ValidationError(error)

    def sample(self, question, options, *, level, rng=None):
        if rng is None:
            chosen = options[: max(1, round(level * len(options)))]
        else:
            chosen = [o for o in options if rng.random() < level]
        if len(chosen) > 1:
            # An exclusive option (« Aucun … ») is never ticked with another one.
            chosen = [o for o in chosen if not o.exclusive] or chosen[:1]
        return self.stored([o.pk for o in chosen])


class Number(QuestionKindHandler):
    kind = QuestionKind.NUMBER

    def form_field(self, question, options):
        return FrenchDecimalField(
            min_value=0,
            max_value=MAX_NUMBER,
            max_digits=15,
            decimal_places=2,
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            error_messages={
                "invalid": gettext_lazy("Saisissez un nombre, par exemple 12 ou 12,5."),
                "max_decimal_places": gettext_lazy("Au plus deux chiffres après la virgule."),
                "min_value": gettext_lazy("Le nombre doit être positif ou nul."),
                "max_value": gettext_lazy("Ce nombre est trop grand."),
                "max_digits": gettext_lazy("Ce nombre est trop grand."),
            },
            **self._common(question),
        )

    def initial(self, value):
        return None if value is None else Decimal(value)

    def stored(self, value):
        if value is None or value == "":
            return None
        return format(Decimal(str(value)).normalize(), "f")

    def scoring_value(self, value):
        return Decimal(str(value))

    def import_value(self, raw, option_of):
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return self.stored(raw)
        return raw

    def validate(self, question, options, value):
        try:
            number = Decimal(value) if isinstance(value, str) else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(_("%(value)s n’est pas un nombre.") % {"value": quoted(value)})
        try:
            self.form_field(question, options).clean(number)
        except ValidationError as error:
            reason = " ".join(error.messages)
            raise ValidationError(
                _("%(value)s est refusé : %(reason)s")
                % {"value": quoted(value), "reason": reason[:1].lower() + reason[1:]}
            ) from None

    def describe(self, question, value, options_by_id):
        number = formats.number_format(Decimal(str(value)), use_l10n=True, force_grouping=True)
        unit = question.localized("unit")
        return f"{number}\u00a0{unit}" if unit else number

    def sample(self, question, options, *, level, rng=None):
        if rng is None:
            return self.stored(Decimal("12.5"))
        if question.unit == "€":
            return self.stored(rng.randint(20, 400) * 1000)
        return self.stored(rng.randint(1, 12))


class Text(QuestionKindHandler):
    kind = QuestionKind.TEXT

    def form_field(self, question, options):
        return TextField(
            max_length=MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": 2}),
            **self._common(question),
        )

    def stored(self, value):
        return value if value and value.strip() else None

    def import_value(self, raw, option_of):
        if not isinstance(raw, str):
            raise ValidationError(_("%(value)s n’est pas un texte.") % {"value": quoted(raw)})
        return self.stored(raw)

    def validate(self, question, options, value):
        if not isinstance(value, str):
            raise ValidationError(_("%(value)s n’est pas un texte.") % {"value": quoted(value)})
        self.form_field(question, options).clean(value)

    def sample(self, question, options, *, level, rng=None):
        return SAMPLE_TEXT


KINDS: dict[str, QuestionKindHandler] = {
    handler.kind: handler for handler in (Scale(), Boolean(), Choice(), Multi(), Number(), Text())
}


def kind_of(question: Question) -> QuestionKindHandler:
    return KINDS[question.kind]
