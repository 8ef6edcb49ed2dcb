"""The dashboard of a member's collectivités and the creation of a diagnostic."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.access import CollectiviteAccess, get_collectivite_access
from accounts.models import Membership
from diagnostics.changes import changes_since, record_visit
from diagnostics.forms import DiagnosticCreateForm
from diagnostics.models import Diagnostic
from diagnostics.services import NoPublishedCatalogue, create_diagnostic


@require_safe
def dashboard(request):
    memberships = (
        Membership.objects.for_user(request.user)
        .select_related("collectivite")
        .prefetch_related(
            Prefetch(
                "collectivite__diagnostics",
                queryset=Diagnostic.objects.select_related("catalogue").order_by("-created_at"),
            )
        )
        .order_by("collectivite__name")
    )
    accesses = [CollectiviteAccess(collectivite=m.collectivite, role=m.role) for m in memberships]
    last_visit = record_visit(request.user)
    changes = None
    if last_visit is not None:
        changes = changes_since(
            user=request.user,
            collectivite_ids=[a.collectivite.pk for a in accesses],
            since=last_visit,
        )
    return render(
        request,
        "diagnostics/dashboard.html",
        {
            "accesses": accesses,
            "create_form": DiagnosticCreateForm(),
            "last_visit": last_visit,
            "changes": changes,
        },
    )


@require_POST
def diagnostic_create(request, public_id):
    access = get_collectivite_access(request.user, public_id)
    access.require_referent()
    collectivite = access.collectivite
    form = DiagnosticCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Donnez un titre au diagnostic (200 caractères au plus)."))
        return redirect("dashboard")
    try:
        diagnostic = create_diagnostic(
            collectivite=collectivite, title=form.cleaned_data["title"], by=request.user
        )
    except NoPublishedCatalogue:
        messages.error(
            request,
            _("Aucune version du catalogue n’est publiée : adressez-vous à l’administrateur."),
        )
        return redirect("dashboard")
    messages.success(request, _("Diagnostic « %(title)s » créé.") % {"title": diagnostic.title})
    return redirect("diagnostic_overview", public_id=diagnostic.public_id)
