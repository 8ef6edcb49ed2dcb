"""CSV and JSON exports of a diagnostic's results: pure functions over the Report read model."""

import csv
import io
import json

from django.core.serializers.json import DjangoJSONEncoder

from aeict.spreadsheet import safe_cell
from diagnostics.results.report import Report

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


def _number(value) -> str:
    return "" if value is None else repr(float(value))


def _float(value) -> float | None:
    return None if value is None else float(value)


def csv_rows(report: Report) -> list[list[str]]:
    """The header, then one row per question, every cell already guarded."""
    diagnostic = report.diagnostic
    rows = [list(CSV_COLUMNS)]
    for section in report.sections:
        for row in section.questions:
            answer = row.answer
            cells = [
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
            rows.append([safe_cell(cell) for cell in cells])
    return rows


def csv_bytes(report: Report) -> bytes:
    """The CSV file in UTF-8 with a byte order mark, so that spreadsheet software reads UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerows(csv_rows(report))
    return buffer.getvalue().encode("utf-8")


def json_data(report: Report) -> dict:
    """The JSON export: the same information as the CSV, structured, with unrounded values."""
    diagnostic = report.diagnostic
    result = report.result

    return {
        "diagnostic": {
            "id": str(diagnostic.public_id),
            "titre": diagnostic.title,
            "collectivite": diagnostic.collectivite.name,
            "statut": diagnostic.status,
            "version_catalogue": diagnostic.catalogue.code,
            "version_methode": result.method_version,
            "soumis_le": diagnostic.submitted_at.isoformat() if diagnostic.submitted_at else None,
        },
        "score_global": _float(result.overall),
        "niveau_global": result.overall_level.number if result.overall_level else None,
        "completude": _float(result.completeness),
        "priorites": list(result.priorities),
        "points_forts": list(result.strengths),
        "preconisations": [
            {
                "numero": s.number,
                "titre": s.recommendation.short_title,
                "score": _float(s.result.score),
                "niveau": s.result.level.number if s.result.level else None,
                "completude": _float(s.result.completeness),
                "repondues": s.result.answered,
                "posees": s.result.asked,
                "evolution_points": s.delta,
                "questions": [
                    {
                        "code": row.question.code,
                        "type": row.question.kind,
                        "intitule": row.question.text,
                        "poids": _float(row.question.weight),
                        "repondue": row.result.answered,
                        "non_concerne": row.result.not_applicable,
                        "reponse_brute": row.answer.value if row.answer else None,
                        "reponse": row.display,
                        "commentaire": row.answer.comment if row.answer else "",
                        "valeur": _float(row.result.value),
                        "contribution": _float(row.result.contribution),
                    }
                    for row in s.questions
                ],
            }
            for s in report.sections
        ],
        "actions_proposees": [
            {"preconisation": section.number, "titre": action.title}
            for section, action in report.proposed_actions
        ],
    }


def json_bytes(report: Report) -> bytes:
    # As JsonResponse writes it, so that the file is unchanged.
    return json.dumps(
        json_data(report), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    ).encode("utf-8")
