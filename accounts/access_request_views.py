"""« Demander un accès » for newcomers, and the administrators' review of the requests."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access_requests import (
    AccessRequestRefused,
    accept_access_request,
    may_review,
    official_entry,
    refuse_access_request,
    submit_access_request,
)
from accounts.enums import AccessRequestStatus
from accounts.forms import AccessRequestForm, RefusalForm
from accounts.models import AccessRequest, Collectivite
from aeict.ratelimit import allow
from aeict.security import client_ip


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def access_request(request):
    form = AccessRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if allow(
                "access-request-ip",
                client_ip(request),
                limit=settings.ACCESS_REQUEST_LIMIT_PER_IP,
                period=60 * 60,
            ):
                submit_access_request(**form.cleaned_data)
                return redirect("access_request_sent")
            form.add_error(
                None,
                _(
                    "Trop de demandes ont été envoyées depuis votre connexion dans l’heure : "
                    "réessayez plus tard, ou écrivez à %(email)s."
                )
                % {"email": settings.CONTACT_EMAIL},
            )
        status = 400
    return render(request, "accounts/access_request.html", {"form": form}, status=status)


@login_not_required
@require_safe
def access_request_sent(request):
    return render(request, "accounts/access_request_sent.html")


def _require_reviewer(request) -> None:
    """Platform pages: anyone but a reviewer is told nothing (404), as for the other ones."""
    if not may_review(request.user):
        raise Http404


@require_safe
def access_requests(request):
    _require_reviewer(request)
    pending = AccessRequest.objects.pending().order_by("created_at")
    decided = AccessRequest.objects.exclude(status=AccessRequestStatus.PENDING).select_related(
        "decided_by"
    )[:50]
    return render(
        request, "accounts/access_requests.html", {"pending": pending, "decided": decided}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def access_request_review(request, public_id):
    _require_reviewer(request)
    access_request = get_object_or_404(AccessRequest, public_id=public_id)
    refusal = RefusalForm(request.POST if "refuser" in request.POST else None)
    status = 200
    if request.method == "POST":
        try:
            if "accepter" in request.POST:
                accepted, _invitation = accept_access_request(
                    access_request=access_request,
                    by=request.user,
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                )
                messages.success(
                    request,
                    _(
                        "Demande acceptée : %(name)s est sur la plateforme et %(email)s est "
                        "invité comme référent."
                    )
                    % {"name": accepted.collectivite.name, "email": accepted.email},
                )
                return redirect("access_requests")
            if refusal.is_valid():
                refuse_access_request(
                    access_request=access_request,
                    by=request.user,
                    reason=refusal.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    _("Demande refusée : %(email)s reçoit le motif par courriel.")
                    % {"email": access_request.email},
                )
                return redirect("access_requests")
        except AccessRequestRefused as refused:
            if refusal.is_bound:
                refusal.add_error(None, refused.message)
            else:
                messages.error(request, refused.message)
        status = 400
        access_request.refresh_from_db()
    existing = Collectivite.objects.filter(siren=access_request.siren).first()
    return render(
        request,
        "accounts/access_request_review.html",
        {
            "access_request": access_request,
            "refusal": refusal,
            "existing": existing,
            "official": official_entry(access_request),
        },
        status=status,
    )
