"""Results of a diagnostic: scores, radar chart, priorities, comparisons, details and exports."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from diagnostics.access import get_diagnostic_access
from diagnostics.enums import ActionPriority
from diagnostics.evidence.selectors import evidence_counts
from diagnostics.models import PlanAction
from diagnostics.results import exports
from diagnostics.results.report import build_report, default_priority


@require_safe
def results(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    report = build_report(access.diagnostic)
    return render(
        request,
        "diagnostics/results.html",
        {
            "access": access,
            "diagnostic": access.diagnostic,
            "report": report,
            "radar": mark_safe(report.radar_svg(id_prefix="radar-resultats")),
            "proposal_groups": proposal_groups(report),
        },
    )


# How many proposed actions of a priority show before « Voir les autres ».
SHOWN_PER_PRIORITY = 3


def proposal_groups(report) -> list[dict]:
    """The proposed actions grouped by the priority the plan would give them, each marked when
    already in the plan (or dismissed from it); the first few shown, the others folded."""
    taken = {
        suggested: (public_id, dismissed)
        for suggested, public_id, dismissed in PlanAction.objects.filter(
            diagnostic=report.diagnostic, suggested_action__isnull=False
        ).values_list("suggested_action_id", "public_id", "dismissed")
    }
    groups = {value: [] for value in ActionPriority.values}
    for section, action in report.proposed_actions:
        priority = default_priority(report, section.number)
        public_id, dismissed = taken.get(action.pk, (None, False))
        groups[priority].append(
            {"section": section, "action": action, "in_plan": public_id, "dismissed": dismissed}
        )
    return [
        {
            "priority": value,
            "label": ActionPriority(value).label,
            "shown": items[:SHOWN_PER_PRIORITY],
            "folded": items[SHOWN_PER_PRIORITY:],
            "count": len(items),
        }
        for value, items in groups.items()
        if items
    ]


@require_safe
def recommendation_detail(request, public_id, number):
    access = get_diagnostic_access(request.user, public_id)
    report = build_report(access.diagnostic)
    section = report.section(number)
    if section is None:
        raise Http404
    evidence = evidence_counts(access.diagnostic)
    return render(
        request,
        "diagnostics/results_detail.html",
        {
            "access": access,
            "diagnostic": access.diagnostic,
            "report": report,
            "section": section,
            "rows": [(row, evidence.get(row.question.code, 0)) for row in section.questions],
        },
    )


def _attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _french_export(render, diagnostic) -> bytes:
    """Data exports stay in French whatever the page's language (catalogue texts, answer
    descriptions): they are machine-readable and compared from one year to the next."""
    with translation.override("fr"):
        return render(build_report(diagnostic))


@require_safe
def export_csv(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    return _attachment(
        _french_export(exports.csv_bytes, access.diagnostic),
        content_type="text/csv; charset=utf-8",
        filename=f"diagnostic-{access.diagnostic.public_id}.csv",
    )


@require_safe
def export_json(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    return _attachment(
        _french_export(exports.json_bytes, access.diagnostic),
        content_type="application/json",
        filename=f"diagnostic-{access.diagnostic.public_id}.json",
    )
