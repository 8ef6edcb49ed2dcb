"""Writes of the budget: the competences, and a year's figures; each records who changed what."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budget import feed
from budget.enums import ChangeSubject, Holder, Mechanism
from budget.models import (
    COFUNDING_SOURCES,
    OWN_BUDGET,
    BudgetChange,
    BudgetYear,
    Competence,
    MechanismYear,
    validate_year,
)

COMPETENCE_FIELDS = ("holder", "holder_name", "holder_siren", "in_general_budget")
FIGURE_FIELDS = ("resources", "versement_mobilite", "committed")
SOURCE_FIELDS = (OWN_BUDGET, *COFUNDING_SOURCES, "staff_fte")


VERSEMENT_ABOVE_RESOURCES = gettext_lazy(
    "Le versement mobilité ne peut pas dépasser les ressources du budget : il en fait partie "
    "et en est retiré pour calculer la base."
)


def _stored(value):
    return format(value, "f") if isinstance(value, Decimal) else value


def _state(obj, fields) -> dict:
    return {name: _stored(getattr(obj, name)) for name in fields}


def not_held_message(competence: Competence) -> str | None:
    """Why figures cannot be entered for a mechanism, or None when the collectivité holds it."""
    if competence.holder == Holder.SELF:
        return None
    if competence.holder == Holder.OTHER:
        return _(
            "Votre collectivité n’exerce pas cette compétence : c’est %(name)s qui peut "
            "mobiliser ce 1 %%. Laissez ce champ vide, ou corrigez la page des compétences."
        ) % {"name": competence.holder_name}
    return _(
        "Indiquez d’abord, sur la page des compétences, que votre collectivité exerce cette "
        "compétence : seul l’organisme qui l’exerce peut mobiliser ce 1 %."
    )


def _record(*, collectivite, subject, year, mechanism, old, new, by):
    BudgetChange.objects.create(
        collectivite=collectivite,
        subject=subject,
        year=year,
        mechanism=mechanism,
        changed_by=by,
        old_state=old,
        new_state=new,
    )


@transaction.atomic
def save_competences(*, collectivite, values: dict[str, dict], by) -> int:
    """Who holds each mechanism's competence; returns how many changed. Only the holder named
    when it is another body is kept; the budget général note is for waste only."""
    existing = {
        c.mechanism: c
        for c in Competence.objects.select_for_update().for_collectivite(collectivite)
    }
    changed = 0
    for mechanism, data in values.items():
        competence = existing.get(mechanism) or Competence(
            collectivite=collectivite, mechanism=Mechanism(mechanism)
        )
        old = _state(competence, COMPETENCE_FIELDS) if competence.pk else None
        competence.holder = data["holder"]
        other = competence.holder == Holder.OTHER
        competence.holder_name = data.get("holder_name", "").strip() if other else ""
        competence.holder_siren = data.get("holder_siren", "") if other else ""
        competence.in_general_budget = mechanism == Mechanism.WASTE and bool(
            data.get("in_general_budget")
        )
        new = _state(competence, COMPETENCE_FIELDS)
        if new == old:
            continue
        competence.full_clean()
        competence.save()
        _record(
            collectivite=collectivite,
            subject=ChangeSubject.COMPETENCE,
            year=None,
            mechanism=mechanism,
            old=old,
            new=new,
            by=by,
        )
        changed += 1
    if changed:
        feed.sync_collectivite(collectivite, by=by)
    return changed


@transaction.atomic
def save_year(
    *, collectivite, year: int, mechanisms: dict[str, dict], sources: dict | None, by
) -> int:
    """A year's figures: per mechanism (resources, versement mobilité, committed) and by source.
    Returns how many records changed. Raises ValidationError (in French, per field) for a year
    out of range or figures of a mechanism whose competence the collectivité does not hold;
    committed amounts above the ceiling are kept as they are (the pages flag them)."""
    validate_year(year)
    competences = {c.mechanism: c for c in Competence.objects.for_collectivite(collectivite)}
    existing = {
        m.mechanism: m
        for m in MechanismYear.objects.select_for_update()
        .for_collectivite(collectivite)
        .filter(year=year)
    }
    changed = 0
    for mechanism, data in mechanisms.items():
        record = existing.get(mechanism) or MechanismYear(
            collectivite=collectivite, year=year, mechanism=Mechanism(mechanism)
        )
        old = _state(record, FIGURE_FIELDS) if record.pk else None
        for name in FIGURE_FIELDS:
            setattr(record, name, data.get(name))
        if mechanism != Mechanism.MOBILITY:
            record.versement_mobilite = None
        new = _state(record, FIGURE_FIELDS)
        if new == (old or dict.fromkeys(FIGURE_FIELDS)):
            continue
        competence = competences.get(mechanism) or Competence(mechanism=mechanism)
        refusal = not_held_message(competence)
        if refusal and not record.is_empty:
            raise ValidationError(
                {name: refusal for name in FIGURE_FIELDS if data.get(name) is not None}
            )
        if (
            record.versement_mobilite is not None
            and record.resources is not None
            and record.versement_mobilite > record.resources
        ):
            raise ValidationError({"versement_mobilite": VERSEMENT_ABOVE_RESOURCES})
        record.full_clean()
        record.save()
        _record(
            collectivite=collectivite,
            subject=ChangeSubject.MECHANISM,
            year=year,
            mechanism=mechanism,
            old=old,
            new=new,
            by=by,
        )
        changed += 1
    if sources is not None:
        budget = BudgetYear.objects.select_for_update().for_collectivite(collectivite).filter(
            year=year
        ).first() or BudgetYear(collectivite=collectivite, year=year)
        old = _state(budget, SOURCE_FIELDS) if budget.pk else None
        for name in SOURCE_FIELDS:
            setattr(budget, name, sources.get(name))
        new = _state(budget, SOURCE_FIELDS)
        if new != (old or dict.fromkeys(SOURCE_FIELDS)):
            budget.full_clean()
            budget.save()
            _record(
                collectivite=collectivite,
                subject=ChangeSubject.SOURCES,
                year=year,
                mechanism="",
                old=old,
                new=new,
                by=by,
            )
            changed += 1
    if changed:
        feed.sync_collectivite(collectivite, by=by)
    return changed
