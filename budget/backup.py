"""The budget in the collectivité's backup (a section of diagnostics.backup, registered when the
app is ready): exported exactly, amounts as decimal strings (« 41800.50 », never a float), and
checked on import as the budget pages check it — the models' rules (amounts from 0 to 10¹² €,
years up to next year, known mechanisms and holders), one row per mechanism and per year, figures
only for a competence the collectivité holds, the versement mobilité within the resources."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aeict.text import quoted
from budget.enums import Holder, Mechanism
from budget.models import BudgetChange, BudgetYear, Competence, MechanismYear
from budget.services import (
    FIGURE_FIELDS,
    SOURCE_FIELDS,
    VERSEMENT_ABOVE_RESOURCES,
    not_held_message,
)
from diagnostics.backup import (
    BackupSection,
    _at,
    _date_time,
    _Entry,
    _flag,
    _integer,
    _integer_or_none,
    _is_int,
    _list,
    _moment,
    _text,
    register_section,
)

KEY = "budget"


def _amount_text(value) -> str | None:
    return None if value is None else format(value, "f")


def export(collectivite, person) -> dict:
    """Competences, figures by year and mechanism, the budget by source, and the history of
    their changes (their authors as user ids until name_people)."""
    return {
        "competences": [
            {
                "mechanism": c.mechanism,
                "holder": c.holder,
                "holder_name": c.holder_name,
                "holder_siren": c.holder_siren,
                "in_general_budget": c.in_general_budget,
            }
            for c in Competence.objects.for_collectivite(collectivite).order_by("mechanism")
        ],
        "mechanism_years": [
            {
                "year": f.year,
                "mechanism": f.mechanism,
                **{name: _amount_text(getattr(f, name)) for name in FIGURE_FIELDS},
            }
            for f in MechanismYear.objects.for_collectivite(collectivite).order_by(
                "year", "mechanism"
            )
        ],
        "years": [
            {"year": b.year, **{name: _amount_text(getattr(b, name)) for name in SOURCE_FIELDS}}
            for b in BudgetYear.objects.for_collectivite(collectivite).order_by("year")
        ],
        "changes": [
            {
                "subject": c.subject,
                "year": c.year,
                "mechanism": c.mechanism,
                "changed_by": person(c.changed_by_id),
                "changed_at": _moment(c.changed_at),
                "old_state": c.old_state,
                "new_state": c.new_state,
            }
            for c in BudgetChange.objects.for_collectivite(collectivite).order_by(
                "changed_at", "pk"
            )
        ],
    }


def name_people(part: dict, emails: dict) -> None:
    for change in part["changes"]:
        change["changed_by"] = emails.get(change["changed_by"])


# Converters of the file's values: each returns the model's value or raises ValidationError.


def _amount(value) -> Decimal | None:
    """An exact amount: a decimal string (« 41800.50 ») or an integer; never a float."""
    if value is None:
        return None
    if _is_int(value):
        return Decimal(value)
    try:
        number = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError(
            _("%(value)s n’est pas un montant (texte tel que « 41800.50 » attendu).")
            % {"value": quoted(value)}
        )
    return number


def _state_or_none(value) -> dict | None:
    if value is not None and not isinstance(value, dict):
        raise ValidationError(_("Un objet JSON est attendu."))
    return value


def read(reading, entry: _Entry):
    """Check the file's budget; returns the function that writes it."""
    collectivite = reading.collectivite
    competences = _read_competences(reading, entry, collectivite)
    figures = _read_figures(reading, entry, collectivite, competences)
    years = _read_years(reading, entry, collectivite)
    changes = _read_changes(reading, entry, collectivite)

    def write(saved_collectivite) -> None:
        for rows in (competences.values(), figures, years, changes):
            for row in rows:
                row.collectivite = saved_collectivite
        Competence.objects.bulk_create(list(competences.values()))
        MechanismYear.objects.bulk_create(figures)
        BudgetYear.objects.bulk_create(years)
        BudgetChange.objects.bulk_create(changes)

    return write


def _read_competences(reading, entry, collectivite) -> dict[str, Competence]:
    competences = {}
    for index, raw in enumerate(entry("competences", _list, default=[]), start=1):
        row = _Entry(reading, _at(entry.where, _("compétence %(n)s") % {"n": index}), raw)
        competence = Competence(
            collectivite=collectivite,
            mechanism=row("mechanism", _text),
            holder=row("holder", _text),
            holder_name=row("holder_name", _text, default=""),
            holder_siren=row("holder_siren", _text, default=""),
            in_general_budget=row("in_general_budget", _flag, default=False),
        )
        reading.check(row, competence, exclude={"collectivite"})
        if competence.mechanism in competences:
            reading.add(_at(row.where, "mechanism"), _("Ce dispositif est déjà plus haut."))
        competences[competence.mechanism] = competence
    return competences


def _read_figures(reading, entry, collectivite, competences) -> list[MechanismYear]:
    figures, seen = [], set()
    for index, raw in enumerate(entry("mechanism_years", _list, default=[]), start=1):
        row = _Entry(reading, _at(entry.where, _("dispositif %(n)s") % {"n": index}), raw)
        figure = MechanismYear(
            collectivite=collectivite,
            year=row("year", _integer),
            mechanism=row("mechanism", _text),
            **{name: row(name, _amount, default=None) for name in FIGURE_FIELDS},
        )
        reading.check(row, figure, exclude={"collectivite"})
        key = (figure.year, figure.mechanism)
        if key in seen:
            reading.add(row.where, _("Ce dispositif a déjà ses chiffres de l’année plus haut."))
        seen.add(key)
        if figure.mechanism in Mechanism.values and not figure.is_empty:
            competence = competences.get(figure.mechanism) or Competence(holder=Holder.NOT_SAID)
            refusal = not_held_message(competence)
            if refusal:
                reading.add(_at(row.where, "mechanism"), refusal)
        if (
            figure.versement_mobilite is not None
            and figure.resources is not None
            and figure.versement_mobilite > figure.resources
        ):
            reading.add(_at(row.where, "versement_mobilite"), VERSEMENT_ABOVE_RESOURCES)
        figures.append(figure)
    return figures


def _read_years(reading, entry, collectivite) -> list[BudgetYear]:
    budgets, years = [], set()
    for index, raw in enumerate(entry("years", _list, default=[]), start=1):
        row = _Entry(reading, _at(entry.where, _("année %(n)s") % {"n": index}), raw)
        budget = BudgetYear(
            collectivite=collectivite,
            year=row("year", _integer),
            **{name: row(name, _amount, default=None) for name in SOURCE_FIELDS},
        )
        reading.check(row, budget, exclude={"collectivite"})
        if budget.year in years:
            reading.add(_at(row.where, "year"), _("Cette année est déjà plus haut."))
        years.add(budget.year)
        budgets.append(budget)
    return budgets


def _read_changes(reading, entry, collectivite) -> list[BudgetChange]:
    changes = []
    for index, raw in enumerate(entry("changes", _list, default=[]), start=1):
        row = _Entry(reading, _at(entry.where, _("historique %(n)s") % {"n": index}), raw)
        change = BudgetChange(
            collectivite=collectivite,
            subject=row("subject", _text),
            year=row("year", _integer_or_none),
            mechanism=row("mechanism", _text, default=""),
            changed_by=row.person("changed_by", optional=True),
            changed_at=row("changed_at", _date_time),
            old_state=row("old_state", _state_or_none),
            new_state=row("new_state", _state_or_none),
        )
        if change.new_state is None and "new_state" not in row.failed:
            reading.add(_at(row.where, "new_state"), _("Cette valeur manque."))
        reading.check(row, change, exclude={"collectivite", "changed_by", "old_state", "new_state"})
        changes.append(change)
    return changes


def register() -> None:
    register_section(
        BackupSection(
            key=KEY,
            label=gettext_lazy("budget"),
            export=export,
            name_people=name_people,
            read=read,
        )
    )
