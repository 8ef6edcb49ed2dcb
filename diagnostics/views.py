"""The dashboard of a member's collectivités and the life of a diagnostic: create, rename,
delete, archive."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import CollectiviteAccess, get_collectivite_access
from accounts.models import Membership
from diagnostics.access import get_diagnostic_access
from diagnostics.carry import carry_source
from diagnostics.catalogue import catalogue_data
from diagnostics.changes import changes_since, record_visit
from diagnostics.dashboard import (
    TIMELINE_FRAME,
    diagnostic_states,
    score_timeline,
    timeline_points,
    with_last_activity,
)
from diagnostics.forms import (
    DiagnosticCreateForm,
    DiagnosticDeleteForm,
    DiagnosticRenameForm,
    DiagnosticStartForm,
)
from diagnostics.models import Diagnostic
from diagnostics.selectors import answers_by_question, collectivite_kind, resume_point
from diagnostics.services import (
    InvalidYear,
    NoPublishedCatalogue,
    NotArchivable,
    SubmittedDiagnosticKept,
    YearTaken,
    archive_diagnostic,
    create_diagnostic,
    delete_diagnostic,
    first_free_year,
    free_year,
    rename_diagnostic,
)


def _create_form(collectivite, data=None, *, year=None, source=None):
    year = year or free_year(collectivite)
    initial = {"year": year, "title": _("Diagnostic %(year)s") % {"year": year}} if year else {}
    # Ids of its own: the dashboard shows one form per collectivité.
    auto_id = f"c{collectivite.pk}-%s"
    if source is not None:
        return DiagnosticStartForm(data, initial=initial, auto_id=auto_id, source=source)
    return DiagnosticCreateForm(data, initial=initial, auto_id=auto_id)


def _latest_submitted(diagnostics) -> Diagnostic | None:
    """What carry_source would find, from diagnostics already loaded: the latest submitted."""
    return max(
        (d for d in diagnostics if d.is_submitted),
        key=lambda d: (d.year is not None, d.year or 0, d.submitted_at, d.pk),
        default=None,
    )


@require_safe
def dashboard(request):
    memberships = (
        Membership.objects.for_user(request.user)
        .select_related("collectivite")
        .prefetch_related(
            Prefetch(
                "collectivite__diagnostics",
                queryset=with_last_activity(
                    Diagnostic.objects.select_related("catalogue").order_by("-year", "-created_at")
                ),
            )
        )
        .order_by("collectivite__name")
    )
    memberships = list(memberships)
    diagnostics_of = {m.pk: list(m.collectivite.diagnostics.all()) for m in memberships}
    # The current diagnostic of a collectivité is its latest not archived: its year's, usually.
    current = {
        next((d.pk for d in diagnostics if not d.is_archived), None)
        for diagnostics in diagnostics_of.values()
    }
    states = diagnostic_states(
        [d for diagnostics in diagnostics_of.values() for d in diagnostics], detailed=current
    )
    rows = []
    for m in memberships:
        access = CollectiviteAccess(collectivite=m.collectivite, role=m.role)
        diagnostics = diagnostics_of[m.pk]
        current_states = [states[d.pk] for d in diagnostics if not d.is_archived]
        timeline = score_timeline([states[d.pk] for d in diagnostics])
        rows.append(
            {
                "access": access,
                "current": current_states,
                "in_focus": current_states[0] if current_states else None,
                "archived": [states[d.pk] for d in diagnostics if d.is_archived],
                "timeline": timeline,
                "timeline_points": timeline_points(timeline),
                "create_form": _create_form(
                    m.collectivite,
                    year=first_free_year(d.year for d in diagnostics),
                    source=_latest_submitted(diagnostics),
                )
                if access.is_referent
                else None,
            }
        )
    last_visit = record_visit(request.user)
    changes = None
    if last_visit is not None:
        changes = changes_since(
            user=request.user,
            collectivite_ids=[row["access"].collectivite.pk for row in rows],
            since=last_visit,
        )
    return render(
        request,
        "diagnostics/dashboard.html",
        {
            "rows": rows,
            "last_visit": last_visit,
            "changes": changes,
            "timeline_frame": TIMELINE_FRAME,
        },
    )


def _year_taken_error(form, field, existing):
    form.add_error(
        field,
        _("Cette année a déjà son diagnostic, « %(title)s ».") % {"title": existing.title},
    )


@require_http_methods(["GET", "POST"])
def diagnostic_create(request, public_id):
    access = get_collectivite_access(request.user, public_id)
    access.require_referent()
    collectivite = access.collectivite
    source = carry_source(collectivite)
    form = _create_form(
        collectivite, request.POST if request.method == "POST" else None, source=source
    )
    existing = None
    status = 200
    if form.is_valid():
        carry_from = source if source is not None and form.carries_over else None
        try:
            diagnostic = create_diagnostic(
                collectivite=collectivite,
                title=form.cleaned_data["title"],
                year=form.cleaned_data["year"],
                by=request.user,
                carry_from=carry_from,
            )
        except NoPublishedCatalogue:
            form.add_error(
                None,
                _("Aucune version du catalogue n’est publiée : adressez-vous à l’administrateur."),
            )
        except YearTaken as taken:
            existing = taken.existing
            _year_taken_error(form, "year", existing)
        except InvalidYear:
            form.add_error("year", _("L’année doit être comprise entre 2000 et 2100."))
        else:
            if carry_from is not None:
                text = _(
                    "Diagnostic « %(title)s » créé à partir du diagnostic %(year)s : confirmez "
                    "ou modifiez chaque réponse reprise."
                )
            else:
                text = _("Diagnostic « %(title)s » créé.")
            messages.success(
                request,
                text
                % {
                    "title": diagnostic.title,
                    "year": (carry_from and carry_from.year) or _("précédent"),
                },
            )
            return redirect("diagnostic_overview", public_id=diagnostic.public_id)
    if form.is_bound:
        status = 400
    return render(
        request,
        "diagnostics/create.html",
        {"collectivite": collectivite, "form": form, "existing": existing},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def diagnostic_rename(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    access.require_referent()
    diagnostic = access.diagnostic
    year_required = diagnostic.year is not None
    data = request.POST if request.method == "POST" else None
    form = DiagnosticRenameForm(
        data,
        initial={"title": diagnostic.title, "year": diagnostic.year},
        year_required=year_required,
    )
    existing = None
    if form.is_valid():
        try:
            rename_diagnostic(
                diagnostic=diagnostic,
                title=form.cleaned_data["title"],
                year=form.cleaned_data["year"],
                by=request.user,
            )
        except YearTaken as taken:
            existing = taken.existing
            _year_taken_error(form, "year", existing)
        except InvalidYear:
            form.add_error("year", _("Indiquez l’année du diagnostic."))
        except Diagnostic.DoesNotExist:
            raise Http404 from None  # deleted meanwhile
        else:
            messages.success(request, _("Diagnostic renommé."))
            return redirect("diagnostic_overview", public_id=diagnostic.public_id)
    return render(
        request,
        "diagnostics/rename.html",
        {"access": access, "diagnostic": diagnostic, "form": form, "existing": existing},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def diagnostic_delete(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    access.require_referent()
    diagnostic = access.diagnostic
    data = request.POST if request.method == "POST" else None
    form = DiagnosticDeleteForm(data, title=diagnostic.title)
    refused = diagnostic.is_submitted
    status = 409 if refused and request.method == "POST" else 200
    if not refused and form.is_valid():
        try:
            delete_diagnostic(diagnostic=diagnostic, by=request.user)
        except SubmittedDiagnosticKept:
            refused = True
            status = 409
        except Diagnostic.DoesNotExist:
            raise Http404 from None
        else:
            messages.success(
                request, _("Diagnostic « %(title)s » supprimé.") % {"title": diagnostic.title}
            )
            return redirect("dashboard")
    elif form.is_bound and not refused:
        status = 400
    return render(
        request,
        "diagnostics/delete.html",
        {"access": access, "diagnostic": diagnostic, "form": form, "refused": refused},
        status=status,
    )


@require_POST
def diagnostic_archive(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    access.require_referent()
    diagnostic = access.diagnostic
    archived = request.POST.get("decision") != "desarchiver"
    try:
        archive_diagnostic(diagnostic=diagnostic, by=request.user, archived=archived)
    except Diagnostic.DoesNotExist:
        raise Http404 from None
    except NotArchivable:
        messages.error(
            request,
            _("Seul un diagnostic soumis peut être archivé ; un brouillon peut être supprimé."),
        )
    else:
        if archived:
            text = _("Diagnostic « %(title)s » archivé : il reste consultable.")
        else:
            text = _("Diagnostic « %(title)s » retiré des archives.")
        messages.success(request, text % {"title": diagnostic.title})
    return redirect("dashboard")


def resume_url(diagnostic, point) -> str:
    """The recommendation page scrolled to the question to pick up (see selectors.resume_point)."""
    url = reverse(
        "diagnostic_recommendation",
        kwargs={"public_id": diagnostic.public_id, "number": point.recommendation_number},
    )
    return f"{url}#q-{point.question.code}"


@require_safe
def diagnostic_open(request, public_id):
    """Where a member lands on opening a diagnostic, by role: the élu (and the agent, once it is
    submitted) on its results; the agent on the question where the questionnaire stands; the
    référent on the overview, which says what comes next. The overview keeps its own URL."""
    access = get_diagnostic_access(request.user, public_id, related=False)
    diagnostic = access.diagnostic
    if diagnostic.is_submitted and not access.is_referent:
        return redirect("diagnostic_results", public_id=diagnostic.public_id)
    if access.can_answer and not access.is_referent:
        data = catalogue_data(diagnostic.catalogue_id)
        point = resume_point(
            data,
            answers_by_question(diagnostic),
            collectivite_kind=collectivite_kind(diagnostic, data),
        )
        if point is not None:
            return redirect(resume_url(diagnostic, point))
    return redirect("diagnostic_overview", public_id=diagnostic.public_id)
