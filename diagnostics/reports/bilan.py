"""The yearly report (« Bilan annuel de l’action européenne et internationale »): what a
diagnostic's year did, from its plan, the budget and the registry of partnerships.

``year_facts`` reads everything once; ``yearly_report`` turns it into the plain JSON data of the
PDF (every value already as the reader sees it), and the inhabitants' page
(diagnostics.reports.public) shows the part of it the référent chose.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aeict.languages import with_euros
from diagnostics.deadlines import deadline_sort_key
from diagnostics.enums import ActionStatus
from diagnostics.formatting import (
    level_label,
    long_date,
    percent,
    points,
    score,
    signed_points,
)
from diagnostics.models import Diagnostic, PlanAction
from diagnostics.plan import services as plan_service
from diagnostics.reports import data
from diagnostics.results.report import Report, build_report
from partnerships.enums import PartnershipState
from partnerships.models import Partnership

# The year's budget by source (label, amount) and its total, as the budget app reads it; that app
# sits above this one and registers its reader when it loads (budget.apps).
YearSources = tuple[list[tuple[str, Decimal]], Decimal]
_budget_sources: Callable[..., YearSources | None] | None = None


def register_budget_sources(reader: Callable[..., YearSources | None]) -> None:
    global _budget_sources
    _budget_sources = reader


def euros(amount) -> str:
    """Whole euros, rounded half up like every amount of the report: « 12 400 € »."""
    return with_euros(points(amount, 0))


def exact_euros(amount: Decimal) -> str:
    """An amount of the budget's figures as entered, in whole euros or with its cents
    (« 35 000,49 € »), as the budget pages and its 1 % table print it: the by-source table and
    the 1 % table of the same report then show the same figures."""
    amount = Decimal(amount)
    decimals = 0 if amount == amount.to_integral_value() else 2
    return with_euros(points(abs(amount), decimals), negative=amount < 0)


def _sum(amounts) -> Decimal:
    return sum((a for a in amounts if a is not None), Decimal(0))


@dataclass
class YearFacts:
    diagnostic: Diagnostic
    year: int
    today: datetime.date
    report: Report
    done: list[PlanAction] = field(default_factory=list)
    in_progress: list[PlanAction] = field(default_factory=list)
    late: list[PlanAction] = field(default_factory=list)
    to_start: list[PlanAction] = field(default_factory=list)
    partnerships_active: list[Partnership] = field(default_factory=list)
    partnerships_started: list[Partnership] = field(default_factory=list)
    partnerships_ended: list[Partnership] = field(default_factory=list)
    budget: YearSources | None = None

    @property
    def actions(self) -> list[PlanAction]:
        return [*self.done, *self.in_progress, *self.late, *self.to_start]

    @property
    def planned_total(self) -> Decimal:
        return _sum(a.budget_amount for a in self.actions)

    @property
    def spent_total(self) -> Decimal:
        return _sum(a.amount_spent for a in self.actions)


def is_late(action: PlanAction, today: datetime.date) -> bool:
    """Its deadline has passed and it is not done (a quarter is due on its last day)."""
    if action.status == ActionStatus.DONE:
        return False
    if not action.deadline_date and not action.deadline_quarter:
        return False
    return deadline_sort_key(action.deadline_date, action.deadline_quarter) < today


def _active_in(partnership: Partnership, year: int) -> bool:
    signed = partnership.signed_on
    if signed and signed.year > year:
        return False
    ended = partnership.ended_on
    if ended:
        return ended.year >= year
    return partnership.state == PartnershipState.ACTIF


def year_facts(
    diagnostic: Diagnostic, *, today: datetime.date | None = None, with_comparisons: bool = True
) -> YearFacts:
    """Everything the yearly report shows, read in a fixed number of queries (without the
    comparisons with last year and peers, that the inhabitants' page does not show)."""
    today = today or data.today()
    year = diagnostic.year or (diagnostic.created_at or today).year
    facts = YearFacts(
        diagnostic=diagnostic,
        year=year,
        today=today,
        report=build_report(diagnostic, with_comparisons=with_comparisons),
    )
    for action in plan_service.plan_actions(diagnostic):
        if action.dismissed or action.status == ActionStatus.ABANDONED:
            continue
        if action.status == ActionStatus.DONE:
            facts.done.append(action)
        elif is_late(action, today):
            facts.late.append(action)
        elif action.status == ActionStatus.IN_PROGRESS:
            facts.in_progress.append(action)
        else:
            facts.to_start.append(action)
    facts.done.sort(key=lambda a: (a.completed_on or datetime.date.max, a.position, a.pk))
    collectivite = diagnostic.collectivite
    for partnership in Partnership.objects.for_collectivite(collectivite):
        if _active_in(partnership, year):
            facts.partnerships_active.append(partnership)
        if partnership.signed_on and partnership.signed_on.year == year:
            facts.partnerships_started.append(partnership)
        if partnership.ended_on and partnership.ended_on.year == year:
            facts.partnerships_ended.append(partnership)
    facts.budget = _budget_sources(collectivite, year) if _budget_sources else None
    return facts


# The data of the PDF ------------------------------------------------------------------------


def _action_row(action: PlanAction) -> dict:
    return {
        "title": action.title,
        "recommendation": action.recommendation.number,
        "owner": action.owner,
        "deadline": action.deadline_display,
        "completed_on": action.completed_on.strftime("%d/%m/%Y") if action.completed_on else "",
        "planned": euros(action.budget_amount) if action.budget_amount is not None else "",
        "spent": euros(action.amount_spent) if action.amount_spent is not None else "",
        "status": str(action.get_status_display()),
    }


def _partnership_row(partnership: Partnership) -> dict:
    return {
        "partner": partnership.partner_name,
        "country": str(partnership.country.name),
        "kind": str(partnership.get_kind_display()),
        "signed_on": partnership.signed_on.strftime("%d/%m/%Y") if partnership.signed_on else "",
        "ended_on": partnership.ended_on.strftime("%d/%m/%Y") if partnership.ended_on else "",
    }


def budget_sources(budget: YearSources | None) -> list[dict]:
    """The year's AEICT budget by source, only the sources with a figure; [] without figures."""
    if budget is None:
        return []
    return [{"label": str(label), "amount": exact_euros(amount)} for label, amount in budget[0]]


def _scores(report: Report) -> list[dict]:
    rows = []
    for section in report.sections:
        result = section.result
        rows.append(
            {
                "number": section.number,
                "title": section.recommendation.short_title,
                "score": score(result.score),
                "level": level_label(result.level) if result.level else "",
                "previous": score(section.previous_score) if section.delta is not None else None,
                "change": signed_points(section.delta_points),
            }
        )
    return rows


def key_figures(facts: YearFacts) -> list[dict]:
    """Four to six figures, each with what it counts."""
    result = facts.report.result
    figures = []
    if result.overall is not None:
        figures.append(
            {
                "value": f"{score(result.overall)}\u00a0/\u00a0100",
                "label": _("score global du diagnostic"),
            }
        )
    done = len(facts.done)
    figures.append(
        {
            "value": f"{done}\u00a0/\u00a0{len(facts.actions)}",
            "label": _("actions du plan réalisées"),
        }
    )
    figures.append(
        {
            "value": str(len(facts.late)),
            "label": ngettext("action en retard", "actions en retard", len(facts.late)),
        }
    )
    figures.append(
        {
            "value": euros(facts.spent_total),
            "label": _("dépensés pour les actions, sur %(planned)s prévus")
            % {"planned": euros(facts.planned_total)},
        }
    )
    active = len(facts.partnerships_active)
    figures.append(
        {
            "value": str(active),
            "label": ngettext("partenariat actif", "partenariats actifs", active),
        }
    )
    if facts.budget is not None:
        figures.append(
            {
                "value": exact_euros(facts.budget[1]),
                "label": _("budget de l’action internationale en %(year)s") % {"year": facts.year},
            }
        )
    return figures


def summary_sentences(facts: YearFacts) -> list[str]:
    """Short sentences in plain French, for the council and the inhabitants alike."""
    name = facts.diagnostic.collectivite.name
    sentences = [
        ngettext(
            "En %(year)s, %(name)s a réalisé %(n)s action de son plan.",
            "En %(year)s, %(name)s a réalisé %(n)s actions de son plan.",
            len(facts.done),
        )
        % {"year": facts.year, "name": name, "n": len(facts.done)}
    ]
    if facts.in_progress:
        sentences.append(
            ngettext(
                "%(n)s action est en cours.", "%(n)s actions sont en cours.", len(facts.in_progress)
            )
            % {"n": len(facts.in_progress)}
        )
    if facts.late:
        sentences.append(
            ngettext(
                "%(n)s action a pris du retard.",
                "%(n)s actions ont pris du retard.",
                len(facts.late),
            )
            % {"n": len(facts.late)}
        )
    if facts.spent_total:
        sentences.append(
            _("Ces actions ont coûté %(spent)s.") % {"spent": euros(facts.spent_total)}
        )
    if facts.partnerships_active:
        sentences.append(
            ngettext(
                "La collectivité travaille avec %(n)s partenaire à l’étranger.",
                "La collectivité travaille avec %(n)s partenaires à l’étranger.",
                len(facts.partnerships_active),
            )
            % {"n": len(facts.partnerships_active)}
        )
    return sentences


def _overall(report: Report) -> dict | None:
    result = report.result
    if result.overall is None:
        return None
    change = report.overall_change_points
    return {
        "score": score(result.overall),
        "level": level_label(result.overall_level),
        "completeness": percent(result.completeness) or 0,
        "change": signed_points(change),
        "previous_title": report.evolution.previous.title if change is not None else "",
    }


def yearly_report(diagnostic: Diagnostic) -> dict:
    facts = year_facts(diagnostic)
    report = facts.report
    budget = facts.budget
    # The budget's table « Ce que la loi permet / ce qui est engagé / la marge », as in the full
    # report (pdf/_budget.html); the notes under suggested actions have no place here.
    parts = data.report_parts(diagnostic)
    parts.pop(data.ACTION_NOTES, None)
    return {
        **parts,
        "collectivite": diagnostic.collectivite.name,
        "title": diagnostic.title,
        "year": facts.year,
        "next_year": facts.year + 1,
        "generated_on": long_date(facts.today),
        "provisional": report.provisional,
        "sentences": summary_sentences(facts),
        "key_figures": [{**f, "label": str(f["label"])} for f in key_figures(facts)],
        "overall": _overall(report),
        "scores": _scores(report),
        "done": [_action_row(a) for a in facts.done],
        "in_progress": [_action_row(a) for a in facts.in_progress],
        "late": [_action_row(a) for a in facts.late],
        "to_start": [_action_row(a) for a in facts.to_start],
        "planned_total": euros(facts.planned_total),
        "spent_total": euros(facts.spent_total),
        "planned_done": euros(_sum(a.budget_amount for a in facts.done)),
        "spent_done": euros(_sum(a.amount_spent for a in facts.done)),
        "without_spent": sum(1 for a in facts.done if a.amount_spent is None),
        "budget_sources": budget_sources(budget),
        "budget_total": exact_euros(budget[1]) if budget else None,
        "partnerships_active": [_partnership_row(p) for p in facts.partnerships_active],
        "partnerships_started": [_partnership_row(p) for p in facts.partnerships_started],
        "partnerships_ended": [_partnership_row(p) for p in facts.partnerships_ended],
        "priorities": [
            {
                "number": section.number,
                "title": section.recommendation.short_title,
                "score": score(section.result.score),
                "unanswered": section.result.answered == 0,
            }
            for section in report.priorities
        ],
    }
