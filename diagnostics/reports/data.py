"""What each PDF report shows, as plain JSON data: the one structure that is rendered and hashed.

Every value is already what the reader sees (rounded scores, French dates and amounts, labels),
so the template only lays it out and the hash covers all of it.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aeict.languages import quote, with_euros
from diagnostics.enums import ActionPriority, ActionStatus
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
from diagnostics.results.report import QuestionRow, Report, Section, build_report
from diagnostics.scoring import round_half_up
from diagnostics.signals import full_report_parts
from recommendations.models import english_requested

# The summary shows the high-priority actions (the first 12, then a note with the count and total
# of the others, so that it keeps to 4 pages); the other groups by their count and total.
SUMMARY_FULL_PRIORITIES = (ActionPriority.HIGH,)
SUMMARY_ROWS = 12


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


def euros(amount) -> str | None:
    """An amount in whole euros, rounded half up: the one rounding of every amount of the reports
    (rows, group totals, overall total, sentences), so that the figures add up as printed."""
    if amount is None:
        return None
    return with_euros(points(amount, 0))


def budget_total(actions: list[PlanAction]) -> Decimal:
    return sum((a.budget_amount or Decimal(0) for a in actions), Decimal(0))


def is_provisional(report: Report) -> bool:
    """Figures that may still change: the diagnostic is not submitted, or not complete."""
    completeness = report.result.completeness
    return report.provisional or completeness is None or completeness < 1


def not_started(report: Report) -> list[Section]:
    """The recommendations with no question answered yet: not started, neither a priority nor a
    drop."""
    return [s for s in report.sections if s.result.answered == 0 and s.result.asked]


def priorities(report: Report) -> list[Section]:
    """The priorities worth naming: while the diagnostic is provisional, not those not started."""
    if not is_provisional(report):
        return list(report.priorities)
    started = {s.number for s in not_started(report)}
    return [s for s in report.priorities if s.number not in started]


def _quoted(sections: list[Section]) -> str:
    return ", ".join(quote(s.recommendation.localized("short_title")) for s in sections)


def council_sentences(report: Report, actions: list[PlanAction]) -> list[str]:
    """Three to five sentences in plain French that can be read aloud in council; while the
    diagnostic is provisional they say « à ce stade » and name the recommendations not started
    as such, never as priorities or drops."""
    diagnostic = report.diagnostic
    result = report.result
    name = diagnostic.collectivite.name
    provisional = is_provisional(report)
    sentences = []
    if result.overall is None:
        sentences.append(
            _("Le diagnostic de %(name)s ne permet pas encore de calculer un score global.")
            % {"name": name}
        )
    elif provisional:
        sentences.append(
            _(
                "À ce stade, avec %(completeness)s %% des questions répondues, le score "
                "global de %(name)s est de %(score)s sur 100, niveau « %(level)s »."
            )
            % {
                "completeness": percent(result.completeness) or 0,
                "score": score(result.overall),
                "name": name,
                "level": level_label(result.overall_level),
            }
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
                "level": level_label(result.overall_level),
            }
        )
    strengths = None
    if report.strengths:
        strengths = _("Ses points forts sont : %(titles)s.") % {"titles": _quoted(report.strengths)}
        sentences.append(strengths)
    named = priorities(report)
    if named:
        text = (
            _("À ce stade, les priorités sont : %(titles)s.")
            if provisional
            else _("Les priorités pour la suite du mandat sont : %(titles)s.")
        )
        sentences.append(text % {"titles": _quoted(named)})
    waiting = not_started(report) if provisional else []
    if waiting:
        sentences.append(
            ngettext(
                "Non commencée à ce stade : %(titles)s.",
                "Non commencées à ce stade : %(titles)s.",
                len(waiting),
            )
            % {"titles": _quoted(waiting)}
        )
    delta = report.overall_delta
    if delta is not None and not provisional:
        change = round_half_up(result.overall) - round_half_up(report.evolution.previous_overall)
        if change > 0:
            text = _("Le score global a progressé de %(change)s depuis « %(title)s ».")
        elif change < 0:
            text = _("Le score global a reculé de %(change)s depuis « %(title)s ».")
        else:
            text = _("Le score global est stable depuis « %(title)s ».")
        amount = ngettext("%(n)s point", "%(n)s points", abs(change)) % {"n": abs(change)}
        sentences.append(text % {"change": amount, "title": report.evolution.previous.title})
    elif delta is not None:
        # Unfinished: no « recul » or « progrès » yet, the gap as it stands.
        change = round_half_up(result.overall) - round_half_up(report.evolution.previous_overall)
        sentences.append(
            _(
                "À ce stade, l’écart avec « %(title)s » est de %(change)s ; il ne se lira "
                "qu’une fois le diagnostic complet et soumis."
            )
            % {"title": report.evolution.previous.title, "change": signed_points(change)}
        )
    elif report.peers and report.peers.overall_median is not None and result.overall is not None:
        median = score(report.peers.overall_median)
        sentences.append(
            _("La médiane des %(count)s collectivités comparables est de %(median)s sur 100.")
            % {"count": report.peers.count, "median": median}
        )
    if actions:
        budget = budget_total(actions)
        text = ngettext(
            "Le plan d’action compte %(n)s action",
            "Le plan d’action compte %(n)s actions",
            len(actions),
        ) % {"n": len(actions)}
        if budget:
            text += _(", pour un budget identifié de %(budget)s") % {"budget": euros(budget)}
        sentences.append(text + ".")
    # At most five: the strengths give way first (the table of the ten scores shows them).
    if len(sentences) > 5 and strengths is not None:
        sentences.remove(strengths)
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


def _change(report: Report, section: Section) -> str:
    """A recommendation's change since the last diagnostic: « +5 points », « −17 points »,
    « stable »; « non commencée » while nothing is answered in it (not a drop), « — » without a
    previous diagnostic."""
    if section.result.answered == 0 and section.result.asked and is_provisional(report):
        return str(_("non commencée"))
    if section.direction == "stable":
        return str(_("stable"))
    return signed_points(section.delta_points) or "—"


def _score_row(report: Report, section: Section) -> dict:
    result = section.result
    return {
        "number": section.number,
        "title": section.recommendation.localized("short_title"),
        "score": score(result.score),
        "level_label": level_label(result.level) if result.level else None,
        "change": _change(report, section),
    }


def _proposed(section: Section) -> list[dict]:
    return [
        {"title": action.localized("title"), "owner_service": action.localized("owner_service")}
        for action in section.actions
    ]


def _next_steps(report: Report, actions: list[PlanAction]) -> list[str]:
    result = report.result
    steps = []
    unanswered = sum(s.result.asked - s.result.answered for s in report.sections)
    if unanswered:
        steps.append(
            ngettext(
                "Répondre à la dernière question sans réponse, pour que les scores soient "
                "définitifs.",
                "Répondre aux %(n)s questions sans réponse, pour que les scores soient définitifs.",
                unanswered,
            )
            % {"n": unanswered}
        )
    if not report.diagnostic.is_submitted:
        steps.append(_("Soumettre le diagnostic, qui sert alors de référence pour l’an prochain."))
    if not actions:
        if priorities(report):
            steps.append(
                _(
                    "Établir le plan d’action à partir des actions proposées pour les trois "
                    "priorités ci-dessus, avec un porteur, une échéance et un budget pour chacune."
                )
            )
        else:
            steps.append(
                _(
                    "Établir le plan d’action, avec un porteur, une échéance et un budget "
                    "pour chaque action."
                )
            )
    else:
        high = [a for a in actions if a.priority == ActionPriority.HIGH]
        if high:
            steps.append(
                ngettext(
                    "Suivre l’action de priorité haute et en rendre compte au conseil.",
                    "Suivre les %(n)s actions de priorité haute et en rendre compte au conseil.",
                    len(high),
                )
                % {"n": len(high)}
            )
    if result.overall is not None:
        steps.append(_("Refaire le diagnostic l’an prochain pour mesurer l’évolution des scores."))
    return [str(step) for step in steps]


# What a maturity level means, in one sentence for the council.
LEVEL_MEANINGS = {
    1: gettext_lazy(
        "L’action européenne et internationale en est à ses débuts : peu d’éléments sont en place."
    ),
    2: gettext_lazy(
        "Des actions existent, mais elles restent à organiser et à inscrire dans la durée."
    ),
    3: gettext_lazy("L’action est organisée, avec des moyens et un pilotage identifiés."),
    4: gettext_lazy("L’action est intégrée aux politiques de la collectivité et évaluée."),
}


# A priority lists its first planned actions; a note gives the count and total of the others.
PLANNED_SHOWN = 2


def _planned(actions: list[PlanAction], section: Section) -> dict:
    planned = [a for a in actions if a.recommendation.number == section.number]
    others = planned[PLANNED_SHOWN:]
    return {
        "planned": [
            {"title": a.title, "owner": a.owner, "deadline": a.deadline_display}
            for a in planned[:PLANNED_SHOWN]
        ],
        "planned_others": (
            ngettext(
                "et %(n)s autre action (%(total)s) pour cette préconisation, au plan d’action "
                "ci-dessous",
                "et %(n)s autres actions (%(total)s) pour cette préconisation, au plan d’action "
                "ci-dessous",
                len(others),
            )
            % {"n": len(others), "total": euros(budget_total(others))}
            if others
            else None
        ),
    }


def _headline(source: Source) -> dict:
    report = source.report
    result = report.result
    provisional = is_provisional(report)
    overall = None
    if result.overall is not None:
        overall = {
            "score": score(result.overall),
            "level_number": result.overall_level.number,
            "level_label": level_label(result.overall_level),
            "level_meaning": str(LEVEL_MEANINGS.get(result.overall_level.number, "")),
        }
    change = report.overall_change_points
    return {
        "overall": overall,
        "completeness": percent(result.completeness) or 0,
        "provisional_figures": provisional,
        "overall_change": (
            (signed_points(change) if change else str(_("stable")))
            if change is not None and not provisional
            else None
        ),
        "sentences": council_sentences(report, source.actions),
        "radar": report.radar_svg(id_prefix="radar-pdf", size=300, for_print=True),
        "scores": [_score_row(report, section) for section in report.sections],
        "evaluated": any(s.result.score is not None and s.result.answered for s in report.sections),
        "priorities": [
            {
                "number": section.number,
                "title": section.recommendation.localized("short_title"),
                "score": score(section.result.score),
                "level_label": level_label(section.result.level),
                "proposed": _proposed(section),
                **_planned(source.actions, section),
            }
            for section in priorities(report)
        ],
        "not_started": [
            {"number": s.number, "title": s.recommendation.localized("short_title")}
            for s in (not_started(report) if provisional else [])
        ],
    }


def _plan_action(action: PlanAction, *, with_description: bool) -> dict:
    row = {
        "title": action.title,
        "recommendation": action.recommendation.number,
        "owner": action.owner,
        "deadline": action.deadline_display,
        "budget": euros(action.budget_amount),
        "budget_line": action.budget_line,
        "status": str(action.get_status_display()),
    }
    if with_description:
        row["description"] = action.description
    return row


def _plan_groups(
    actions: list[PlanAction],
    *,
    in_full=tuple(ActionPriority),
    with_description: bool = True,
    max_rows: int | None = None,
) -> dict:
    """The plan's actions by priority, each group with its count and total; the groups not
    ``in_full`` without their rows (their count and total say what they hold); past ``max_rows``
    rows, a note says how many actions are left out and their total."""
    groups = []
    for priority in ActionPriority:
        items = [a for a in actions if a.priority == priority]
        others = items[max_rows:] if max_rows is not None else []
        if items:
            groups.append(
                {
                    "label": str(priority.label),
                    "count": len(items),
                    "total": euros(budget_total(items)),
                    "in_full": priority in in_full,
                    "actions": (
                        [
                            _plan_action(a, with_description=with_description)
                            for a in items[:max_rows]
                        ]
                        if priority in in_full
                        else []
                    ),
                    "others_note": (
                        ngettext(
                            "et %(n)s autre action (%(total)s), détaillée dans le rapport complet",
                            "et %(n)s autres actions (%(total)s), détaillées dans le rapport "
                            "complet",
                            len(others),
                        )
                        % {"n": len(others), "total": euros(budget_total(others))}
                        if others and priority in in_full
                        else None
                    ),
                }
            )
    return {
        "plan_groups": groups,
        "plan_count": len(actions),
        "plan_total": euros(budget_total(actions)),
    }


# Parts of the full report -----------------------------------------------------------------------


def _display(row: QuestionRow) -> str:
    """The answer as shown, without the comment that ends it: the report prints that once, in
    the answers annex."""
    comment = row.answer.comment if row.answer else ""
    # The very words of questionnaire.answers.describe_state.
    suffix = " — " + _("commentaire : « %(comment)s »") % {"comment": comment}
    if comment and row.display.endswith(suffix):
        return row.display[: -len(suffix)]
    return row.display


def _finding(row: QuestionRow) -> dict:
    return {"text": row.question.localized("text"), "display": _display(row)}


def _question(row: QuestionRow) -> dict:
    comment = row.answer.comment if row.answer else ""
    return {"text": row.question.localized("text"), "display": _display(row), "comment": comment}


def _section(report: Report, section: Section, action_notes: dict | None = None) -> dict:
    result = section.result
    action_notes = action_notes or {}
    return {
        "change": _change(report, section),
        "number": section.number,
        "title": section.recommendation.localized("short_title"),
        "wording": section.recommendation.wording,
        # The study's words stay in French; an English report adds their translation.
        "wording_translation": (section.recommendation.wording_en if english_requested() else ""),
        "wording_lang": "fr" if english_requested() else "",
        "priority_rank": section.priority_rank,
        "score": score(result.score),
        "level_number": result.level.number if result.level else None,
        "level_label": level_label(result.level) if result.level else None,
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
                "title": action.localized("title"),
                "owner_service": action.localized("owner_service"),
                "description": action.localized("description"),
                "resources": action.resource_links,
                "notes": action_notes.get(str(action.pk), []),
            }
            for action in section.actions
        ],
        "questions": [_question(row) for row in section.questions],
    }


# The reports ------------------------------------------------------------------------------------


def full_report(diagnostic: Diagnostic) -> dict:
    source = gather(diagnostic)
    report = source.report
    parts = report_parts(diagnostic)
    action_notes = parts.pop(ACTION_NOTES, {})
    return {
        **_cover(source),
        **_headline(source),
        "sections": [_section(report, section, action_notes) for section in report.sections],
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
        **_plan_groups(source.actions),
        # What other apps add (the budget's table, templates/pdf/_budget.html).
        **parts,
    }


# The part of report_parts that is not a part of its own: notes under suggested actions, by action
# id as a string (JSON keys), each a list of sentences (the budget's room left for R8's actions).
ACTION_NOTES = "action_notes"


def report_parts(diagnostic: Diagnostic) -> dict:
    """What the apps above this one add to the full and yearly reports (full_report_parts)."""
    parts = {}
    for _receiver, part in full_report_parts.send(sender=Diagnostic, diagnostic=diagnostic):
        parts.update(part or {})
    return parts


def summary(diagnostic: Diagnostic) -> dict:
    source = gather(diagnostic)
    return {
        **_cover(source),
        **_headline(source),
        **_plan_groups(
            source.actions,
            in_full=SUMMARY_FULL_PRIORITIES,
            with_description=False,
            max_rows=SUMMARY_ROWS,
        ),
        "compact_plan": True,
        "next_steps": _next_steps(source.report, source.actions),
    }


def partners_summary(diagnostic: Diagnostic) -> dict:
    """The summary for foreign partners: the élus' summary, built in English (the report's
    language, see pdf.REPORTS), under its own title."""
    return {**summary(diagnostic), "audience": "partners"}
