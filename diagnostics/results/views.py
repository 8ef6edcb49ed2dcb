"""Results of a diagnostic: scores, radar chart, priorities, comparisons, details and exports."""

import csv
import json

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from diagnostics.access import get_diagnostic_access
from diagnostics.results.report import build_report


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
        },
    )


@require_safe
def recommendation_detail(request, public_id, number):
    access = get_diagnostic_access(request.user, public_id)
    report = build_report(access.diagnostic)
    section = report.section(number)
    if section is None:
        raise Http404
    return render(
        request,
        "diagnostics/results_detail.html",
        {"access": access, "diagnostic": access.diagnostic, "report": report, "section": section},
    )


CSV_COLUMNS = [
    "diagnostic_id",
    "collectivite",
    "diagnostic_titre",
    "statut",
    "version_catalogue",
    "version_methode",
    "score_global",
    "preconisation",
    "preconisation_titre",
    "preconisation_score",
    "question_code",
    "question_type",
    "question_intitule",
    "question_poids",
    "repondue",
    "non_concerne",
    "reponse_brute",
    "reponse",
    "commentaire",
    "valeur",
    "contribution",
    "modifiee_par",
    "modifiee_le",
]


def _number(value):
    return "" if value is None else repr(float(value))


@require_safe
def export_csv(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    report = build_report(access.diagnostic)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="diagnostic-{access.diagnostic.public_id}.csv"'
    )
    response.write("\ufeff")  # so that spreadsheet software reads UTF-8
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    diagnostic = access.diagnostic
    for section in report.sections:
        for row in section.questions:
            answer = row.answer
            writer.writerow(
                [
                    diagnostic.public_id,
                    diagnostic.collectivite.name,
                    diagnostic.title,
                    diagnostic.status,
                    diagnostic.catalogue.code,
                    report.result.method_version,
                    _number(report.result.overall),
                    section.recommendation.number,
                    section.recommendation.short_title,
                    _number(section.result.score),
                    row.question.code,
                    row.question.kind,
                    row.question.text,
                    _number(row.question.weight),
                    int(row.result.answered),
                    int(row.result.not_applicable),
                    json.dumps(answer.value, ensure_ascii=False) if answer else "",
                    row.display,
                    answer.comment if answer else "",
                    _number(row.result.value),
                    _number(row.result.contribution),
                    answer.updated_by.email if answer and answer.updated_by else "",
                    answer.updated_at.isoformat() if answer and answer.revision else "",
                ]
            )
    return response


@require_safe
def export_json(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    report = build_report(access.diagnostic)
    response = JsonResponse(
        report.as_json(), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = (
        f'attachment; filename="diagnostic-{access.diagnostic.public_id}.json"'
    )
    return response
