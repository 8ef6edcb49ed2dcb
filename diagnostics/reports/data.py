"""What each PDF report shows, as plain JSON data: the one structure that is rendered and hashed.

Every value is already what the reader sees (rounded scores, French dates and amounts, labels),
so the template only lays it out and the hash covers all of it.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diagnostics.enums import ActionPriority, ActionStatus
from diagnostics.formatting import long_date, percent, points, score
from diagnostics.models import Diagnostic, PlanAction
from diagnostics.plan import services as plan_service
from diagnostics.results.report import QuestionRow, Report, Section, build_report
from diagnostics.scoring import round_half_up
from diagnostics.signals import full_report_parts

# The summary shows the first actions of each priority, and points to the full report past 18.
SUMMARY_ACTIONS_PER_GROUP = 6
SUMMARY_ACTIONS_SHOWN = 18


@dataclass(frozen=True)
class Source:
    """What a report is built from: the results read model and the plan actions it shows."""

    diagnostic: Diagnostic
    report: Report
    actions: list[PlanAction]


def gather(diagnostic: Diagnostic) -> Source:
    actions = [
        a
        for a in plan_service.plan_actions(diagnostic)
        if not a.dismissed and a.status != ActionStatus.ABANDONED
    ]
    return Source(diagnostic=diagnostic, report=build_report(diagnostic), actions=actions)


def today() -> date:
    return timezone.localdate()


def _date(value: date | datetime) -> str:
    return long_date(value)


def _euros(amount) -> str:
    return formats.number_format(amount, 0, use_l10n=True, force_grouping=True) + "\u00a0€"


def council_sentences(report: Report, actions: list[PlanAction]) -> list[str]:
    """Three to five sentences in plain French that can be read aloud in council."""
    diagnostic = report.diagnostic
    result = report.result
    name = diagnostic.collectivite.name
    sentences = []
    if result.overall is None:
        sentences.append(
            _("Le diagnostic de %(name)s ne permet pas encore de calculer un score global.")
            % {"name": name}
        )
    else:
        sentences.append(
            _(
                "Avec un score global de %(score)s sur 100, l’action européenne et internationale "
                "de %(name)s se situe au niveau « %(level)s »."
            )
            % {
                "score": score(result.overall),
                "name": name,
                "level": result.overall_level.label,
            }
        )
    if report.strengths:
        titles = ", ".join(
            f"«\u00a0{s.recommendation.short_title}\u00a0»" for s in report.strengths
        )
        sentences.append(_("Ses points forts sont : %(titles)s.") % {"titles": titles})
    if report.priorities:
        titles = ", ".join(
            f"«\u00a0{s.recommendation.short_title}\u00a0»" for s in report.priorities
        )
        sentences.append(
            _("Les priorités pour la suite du mandat sont : %(titles)s.") % {"titles": titles}
        )
    delta = report.overall_delta
    if delta is not None:
        change = round_half_up(result.overall) - round_half_up(report.evolution.previous_overall)
        if change > 0:
            text = ngettext(
                "Le score global a progressé de %(n)s point depuis « %(title)s ».",
                "Le score global a progressé de %(n)s points depuis « %(title)s ».",
                abs(change),
            )
        elif change < 0:
            text = ngettext(
                "Le score global a reculé de %(n)s point depuis « %(title)s ».",
                "Le score global a reculé de %(n)s points depuis « %(title)s ».",
                abs(change),
            )
        else:
            text = _("Le score global est stable depuis « %(title)s ».")
        sentences.append(text % {"n": abs(change), "title": report.evolution.previous.title})
    elif report.peers and report.peers.overall_median is not None and result.overall is not None:
        median = score(report.peers.overall_median)
        sentences.append(
            _("La médiane des %(count)s collectivités comparables est de %(median)s sur 100.")
            % {"count": report.peers.count, "median": median}
        )
    if actions:
        budget = sum((a.budget_amount or Decimal(0) for a in actions), Decimal(0))
        text = ngettext(
            "Le plan d’action compte %(n)s action",
            "Le plan d’action compte %(n)s actions",
            len(actions),
        ) % {"n": len(actions)}
        if budget:
            text += _(", pour un budget identifié de %(budget)s") % {"budget": _euros(budget)}
        sentences.append(text + ".")
    return sentences[:5]


# Parts shared by the reports --------------------------------------------------------------------


def _cover(source: Source) -> dict:
    diagnostic = source.diagnostic
    submitted_on = None
    if diagnostic.is_submitted:
        submitted_on = _date(diagnostic.submitted_at) if diagnostic.submitted_at else ""
    return {
        "collectivite": diagnostic.collectivite.name,
        "title": diagnostic.title,
        "submitted_on": submitted_on,
        "generated_on": _date(today()),
        "provisional": source.report.provisional,
    }


def _headline(source: Source) -> dict:
    report = source.report
    result = report.result
    overall = None
    if result.overall is not None:
        overall = {
            "score": score(result.overall),
            "level_number": result.overall_level.number,
            "level_label": str(result.overall_level.label),
        }
    return {
        "overall": overall,
        "completeness": percent(result.completeness) or 0,
        "sentences": council_sentences(report, source.actions),
        "radar": report.radar_svg(id_prefix="radar-pdf"),
        "priorities": [
            {
                "number": section.number,
                "title": section.recommendation.short_title,
                "score": score(section.result.score),
                "level_label": str(section.result.level.label),
            }
            for section in report.priorities
        ],
    }


def _plan_action(action: PlanAction, *, with_description: bool) -> dict:
    budget = action.budget_amount
    row = {
        "title": action.title,
        "recommendation": action.recommendation.number,
        "owner": action.owner,
        "deadline": action.deadline_display,
        "budget": points(budget, 0) if budget is not None else None,
        "budget_line": action.budget_line,
        "status": str(action.get_status_display()),
    }
    if with_description:
        row["description"] = action.description
    return row


def _plan_groups(
    actions: list[PlanAction], *, per_group: int | None = None, with_description: bool = True
) -> list[dict]:
    groups = []
    for priority in ActionPriority:
        items = [a for a in actions if a.priority == priority]
        if items:
            groups.append(
                {
                    "label": str(priority.label),
                    "count": len(items),
                    "actions": [
                        _plan_action(a, with_description=with_description)
                        for a in items[:per_group]
                    ],
                }
            )
    return groups


# Parts of the full report -----------------------------------------------------------------------


def _finding(row: QuestionRow) -> dict:
    return {"text": row.question.text, "display": row.display}


def _question(row: QuestionRow) -> dict:
    return {
        "text": row.question.text,
        "display": row.display,
        "comment": row.answer.comment if row.answer else "",
    }


def _section(section: Section) -> dict:
    result = section.result
    return {
        "number": section.number,
        "title": section.recommendation.short_title,
        "wording": section.recommendation.wording,
        "priority_rank": section.priority_rank,
        "score": score(result.score),
        "level_number": result.level.number if result.level else None,
        "level_label": str(result.level.label) if result.level else None,
        "answered": result.answered,
        "asked": result.asked,
        "dont_know": (
            _(
                "%(count)s. Pour compléter le diagnostic, interrogez le service concerné : "
                "il détient sans doute la réponse."
            )
            % {"count": section.dont_know_sentence}
            if result.dont_know
            else None
        ),
        "direction": section.direction,
        "delta_points": section.delta_points,
        "peer_mean": score(section.peer_mean),
        "peer_median": score(section.peer_median),
        "strengths": [_finding(row) for row in section.strengths],
        "gaps": [_finding(row) for row in section.gaps],
        "actions": [
            {
                "title": action.title,
                "owner_service": action.owner_service,
                "description": action.description,
                "resources": action.resource_links,
            }
            for action in section.actions
        ],
        "questions": [_question(row) for row in section.questions],
    }


# The reports ------------------------------------------------------------------------------------


def full_report(diagnostic: Diagnostic) -> dict:
    source = gather(diagnostic)
    report = source.report
    return {
        **_cover(source),
        **_headline(source),
        "sections": [_section(section) for section in report.sections],
        "evolution": (
            {
                "same_catalogue": report.evolution.same_catalogue,
                "same_method": report.evolution.same_method,
            }
            if report.evolution
            else None
        ),
        "peers": (
            {"count": report.peers.count, "scope": report.peer_scope} if report.peers else None
        ),
        "plan_groups": _plan_groups(source.actions),
        # What other apps add (the budget's table, templates/pdf/_budget.html).
        **_parts(diagnostic),
    }


def _parts(diagnostic: Diagnostic) -> dict:
    parts = {}
    for _receiver, part in full_report_parts.send(sender=Diagnostic, diagnostic=diagnostic):
        parts.update(part or {})
    return parts


def summary(diagnostic: Diagnostic) -> dict:
    source = gather(diagnostic)
    return {
        **_cover(source),
        **_headline(source),
        "plan_groups": _plan_groups(
            source.actions, per_group=SUMMARY_ACTIONS_PER_GROUP, with_description=False
        ),
        "plan_abridged": len(source.actions) > SUMMARY_ACTIONS_SHOWN,
    }
