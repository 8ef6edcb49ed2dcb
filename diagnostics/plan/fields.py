"""A plan action's tracked fields, defined once: how each is stored in a history state, read back
and told in words, with the label the history gives it; and the one format of a deadline."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aeict.languages import with_euros
from aeict.text import quoted
from diagnostics.deadlines import deadline_text, parse_deadline
from diagnostics.enums import ActionPriority, ActionStatus


class Text:
    """A value stored as it is and told as it is; the base of the other kinds."""

    def stored(self, value):
        """The value as a JSON-ready history state keeps it."""
        return value

    def loaded(self, value):
        """Back from ``stored``: the value to set on the model."""
        return value

    def words(self, value, recommendations: dict) -> str:
        """The stored value (never empty) as a person reads it."""
        return value

    def read(self, value):
        """``loaded`` for a stored value that comes from outside (a backup): ValidationError, in
        French, when it is not one ``stored`` could have given. The model checks lengths and
        choices."""
        if not isinstance(value, str):
            raise ValidationError(_("%(value)s n’est pas un texte.") % {"value": quoted(value)})
        if "\x00" in value:
            raise ValidationError(_("Le texte contient un caractère nul."))
        return self.loaded(value)


class Day(Text):
    def stored(self, value):
        return value.isoformat() if value else None

    def loaded(self, value):
        return date.fromisoformat(value) if value else None

    def words(self, value, recommendations):
        return deadline_text(date.fromisoformat(value), "")

    # What a value that is not a day of the form's years is told, by the kind of day.
    not_a_day = gettext_lazy(
        "%(value)s n’est pas une date d’échéance (AAAA-MM-JJ, de 2000 à 2100)."
    )

    def read(self, value):
        if value is None:
            return None
        try:
            day = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        # The form's rule: a year between 2000 and 2100.
        if day is None or not 2000 <= day.year <= 2100:
            raise ValidationError(str(self.not_a_day) % {"value": quoted(value)})
        return day


class CompletionDay(Day):
    def words(self, value, recommendations):
        return date.fromisoformat(value).strftime("%d/%m/%Y")

    not_a_day = gettext_lazy(
        "%(value)s n’est pas une date de réalisation (AAAA-MM-JJ, de 2000 à 2100)."
    )


class Quarter(Text):
    def words(self, value, recommendations):
        return deadline_text(None, value)

    def read(self, value):
        try:
            valid = isinstance(value, str) and parse_deadline(value) == (None, value)
        except ValueError:
            valid = False
        if not valid and value != "":
            raise ValidationError(
                _("%(value)s n’est pas un trimestre (AAAA-T1 à AAAA-T4, de 2000 à 2100).")
                % {"value": quoted(value)}
            )
        return value


class Amount(Text):
    def stored(self, value):
        return None if value is None else format(value, "f")

    def loaded(self, value):
        return None if value is None else Decimal(str(value))

    def words(self, value, recommendations):
        amount = formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
        return with_euros(amount)

    def read(self, value):
        if value is None:
            return None
        try:
            amount = None if isinstance(value, bool) else Decimal(str(value))
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise ValidationError(_("%(value)s n’est pas un montant.") % {"value": quoted(value)})
        return amount


@dataclass(frozen=True)
class Choice(Text):
    choices: type[TextChoices]

    def words(self, value, recommendations):
        return self.choices(value).label if value in self.choices.values else value


class Flag(Text):
    def words(self, value, recommendations):
        return _("oui") if value else _("non")

    def read(self, value):
        if not isinstance(value, bool):
            raise ValidationError(_("%(value)s n’est ni true ni false.") % {"value": quoted(value)})
        return value


class RecommendationRef(Text):
    def words(self, value, recommendations):
        return recommendations.get(value, value)


@dataclass(frozen=True)
class ActionField:
    name: str  # of the model's attribute and of the history state's key
    label: str
    kind: Text
    editable: bool = True  # set by the action's form
    # Added after the first backups: a file without it reads as empty (None).
    optional: bool = False


ACTION_FIELDS = [
    ActionField("title", gettext_lazy("Action"), Text()),
    ActionField("description", gettext_lazy("Description"), Text()),
    ActionField("recommendation_id", gettext_lazy("Préconisation"), RecommendationRef()),
    ActionField("owner", gettext_lazy("Porteur"), Text()),
    ActionField("deadline_date", gettext_lazy("Échéance (date)"), Day()),
    ActionField("deadline_quarter", gettext_lazy("Échéance (trimestre)"), Quarter()),
    ActionField("budget_amount", gettext_lazy("Montant"), Amount()),
    ActionField("budget_line", gettext_lazy("Ligne budgétaire"), Text()),
    ActionField("status", gettext_lazy("Statut"), Choice(ActionStatus)),
    ActionField("completed_on", gettext_lazy("Réalisée le"), CompletionDay(), optional=True),
    ActionField("amount_spent", gettext_lazy("Montant dépensé"), Amount(), optional=True),
    ActionField("priority", gettext_lazy("Priorité"), Choice(ActionPriority)),
    ActionField("dismissed", gettext_lazy("Écartée"), Flag(), editable=False),
]
FIELDS = {field.name: field for field in ACTION_FIELDS}
TRACKED_FIELDS = list(FIELDS)
EDITABLE_FIELDS = [field.name for field in ACTION_FIELDS if field.editable]


def action_state(action) -> dict:
    """The stored form of an action's tracked fields; JSON-friendly and comparable."""
    return {field.name: field.kind.stored(getattr(action, field.name)) for field in ACTION_FIELDS}


def values_from_state(state: dict) -> dict:
    """The model values of a stored state: the inverse of ``action_state``."""
    return {
        field.name: field.kind.loaded(
            state.get(field.name) if field.optional else state[field.name]
        )
        for field in ACTION_FIELDS
    }


def describe_action_change(
    old: dict | None, new: dict, recommendations: dict
) -> list[tuple[str, str, str]]:
    """What changed from ``old`` to ``new`` (stored states), as (label, before, after) in words.

    ``recommendations`` tells a recommendation's id as « 3. Titre court ».
    """
    old = old or {}

    def words(field: ActionField | None, value) -> str:
        if value in (None, ""):
            return "—"
        return field.kind.words(value, recommendations) if field else value

    # In the order of the fields, whatever order the database kept the keys in.
    names = sorted(new, key=lambda name: TRACKED_FIELDS.index(name) if name in FIELDS else 99)
    rows = []
    for name in names:
        if old.get(name) != new[name]:
            field = FIELDS.get(name)
            label = str(field.label) if field else name
            rows.append((label, words(field, old.get(name)), words(field, new[name])))
    return rows
