"""The national observatory: one page of anonymous tables, each also a CSV file.

Only holders of ``observatory.view_observatory`` (superusers, the « Observatoire » group) see
it; anyone else is told nothing (404)."""

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from aeict.spreadsheet import safe_cell
from observatory.charts import bar_chart_svg
from observatory.figures import build_observatory
from observatory.formatting import display, raw
from observatory.models import VIEW_PERMISSION


def may_view(user) -> bool:
    return user.is_active and user.has_perm(VIEW_PERMISSION)


def _require_viewer(request):
    if not may_view(request.user):
        raise Http404


def _chart(table):
    if not table.chart:
        return ""
    maximum = 100 if table.chart_unit == "score" else None
    description = "; ".join(f"{label} : {display(cell)}" for label, cell in table.chart)
    return mark_safe(
        bar_chart_svg(
            table.chart,
            title=table.title,
            description=description,
            format_value=display,
            maximum=maximum,
            id_prefix=f"graphique-{table.slug}",
        )
    )


@require_safe
def observatory(request):
    _require_viewer(request)
    data = build_observatory()
    tables = [
        {
            "table": table,
            "chart": _chart(table),
            "rows": [(row, [display(cell) for cell in row.cells]) for row in table.rows],
        }
        for table in data.tables
    ]
    references = [(what, study, display(cell)) for what, study, cell in data.references]
    return render(
        request,
        "observatory/index.html",
        {
            "tables": tables,
            "references": references,
            # The study's reference stays in French, its language, on an English page too.
            "source": format_html('<span lang="fr">{}</span>', data.source),
        },
    )


@require_safe
def observatory_csv(request, table):
    _require_viewer(request)
    found = build_observatory().table(table)
    if found is None:
        raise Http404
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(found.row_header), *(safe_cell(c) for c in found.columns)])
    for row in found.rows:
        writer.writerow([safe_cell(row.label), *(safe_cell(raw(cell)) for cell in row.cells)])
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    filename = _("observatoire-%(table)s.csv") % {"table": found.slug}
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
