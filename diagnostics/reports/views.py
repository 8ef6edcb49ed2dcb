"""PDF reports: ask for one, follow its generation, download it. Every member may, élus too."""

import math

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from diagnostics.access import get_diagnostic_access
from diagnostics.enums import ReportStatus
from diagnostics.models import ReportFile
from diagnostics.reports.files import IN_FLIGHT, RenderLimitReached, request_report
from diagnostics.reports.pdf import REPORTS, definition_of, report_snapshot


@require_POST
def report_request(request, public_id, variant):
    access = get_diagnostic_access(request.user, public_id)
    if variant not in REPORTS:
        raise Http404
    snapshot = report_snapshot(access.diagnostic, variant)
    try:
        report = request_report(
            diagnostic=access.diagnostic, variant=variant, by=request.user, snapshot=snapshot
        )
    except RenderLimitReached as error:
        response = render(
            request,
            "diagnostics/report_limit.html",
            {
                "access": access,
                "diagnostic": access.diagnostic,
                "limit": error.limit,
                "minutes": max(1, math.ceil(error.retry_after / 60)),
            },
            status=429,
        )
        response["Retry-After"] = str(error.retry_after)
        return response
    if report.content_hash != snapshot.content_hash:
        messages.info(
            request,
            _(
                "Ce rapport était déjà en cours de génération : il ne contient pas les "
                "dernières modifications. Redemandez-le une fois qu’il sera prêt."
            ),
        )
    if report.status == ReportStatus.READY:
        return redirect("report_download", public_id=public_id, report_id=report.public_id)
    return redirect("report_status", public_id=public_id, report_id=report.public_id)


def _get_report(access, report_id) -> ReportFile:
    report = ReportFile.objects.filter(diagnostic=access.diagnostic, public_id=report_id).first()
    if report is None:
        raise Http404
    return report


@require_safe
def report_status(request, public_id, report_id):
    access = get_diagnostic_access(request.user, public_id)
    report = _get_report(access, report_id)
    if report.requested_by_id == request.user.pk and report.status in IN_FLIGHT:
        # The requester is still watching: no mail needed when it is ready (requester_left).
        ReportFile.objects.filter(pk=report.pk).update(last_polled_at=timezone.now())
    download_url = reverse("report_download", args=[public_id, report.public_id])
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "status": report.status,
                "label": report.get_status_display(),
                "error": report.error,
                "download_url": download_url if report.status == ReportStatus.READY else None,
            }
        )
    return render(
        request,
        "diagnostics/report_status.html",
        {
            "access": access,
            "diagnostic": access.diagnostic,
            "report": report,
            "download_url": download_url,
        },
    )


@require_safe
def report_download(request, public_id, report_id):
    access = get_diagnostic_access(request.user, public_id)
    report = _get_report(access, report_id)
    if report.status != ReportStatus.READY or not report.file:
        return redirect("report_status", public_id=public_id, report_id=report.public_id)
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    diagnostic = access.diagnostic
    prefix = definition_of(report.variant).file_name or report.variant
    name = slugify(f"{prefix} {diagnostic.collectivite.name} {diagnostic.title}")
    return FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=f"{name}.pdf"
    )
