"""The registry pages of a collectivité: list, add, edit, delete, CSV export and import; the
choice to be found by other collectivités, and the finder itself."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import get_collectivite_access
from partnerships.csv_io import ImportRefused, export_csv, import_csv, template_csv
from partnerships.finder import find_partnerships, finder_url
from partnerships.forms import FinderForm, FinderVisibilityForm, PartnershipForm
from partnerships.models import FinderProfile, Partnership, PartnershipEvent
from partnerships.services import delete_partnership, save_partnership, set_finder_visibility


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV"),
        error_messages={"required": gettext_lazy("Choisissez un fichier CSV.")},
    )


@require_safe
def partnership_list(request, public_id):
    return _list_page(request, get_collectivite_access(request.user, public_id))


def _list_page(request, access, visibility_form=None, status=200):
    collectivite = access.collectivite
    partnerships = Partnership.objects.for_collectivite(collectivite).prefetch_related(
        "co_partners"
    )
    events = PartnershipEvent.objects.filter(collectivite=collectivite).select_related("actor")[:20]
    profile = _finder_profile(collectivite)
    return render(
        request,
        "partnerships/list.html",
        {
            "access": access,
            "collectivite": collectivite,
            "partnerships": partnerships,
            "events": events,
            "import_form": ImportForm(),
            "finder_profile": profile,
            "visibility_form": visibility_form
            or FinderVisibilityForm(
                initial={"visible": profile.visible, "contact_email": profile.contact_email}
            ),
            "finder_url": finder_url(collectivite),
        },
        status=status,
    )


def _finder_profile(collectivite) -> FinderProfile:
    """The collectivité's choice; without a row, it has not opted in."""
    return FinderProfile.objects.filter(collectivite=collectivite).first() or FinderProfile(
        collectivite=collectivite
    )


@require_http_methods(["POST"])
def partnership_visibility(request, public_id):
    access = get_collectivite_access(request.user, public_id)
    access.require_referent()
    form = FinderVisibilityForm(request.POST)
    if not form.is_valid():
        return _list_page(request, access, visibility_form=form, status=400)
    profile = set_finder_visibility(
        collectivite=access.collectivite,
        visible=form.cleaned_data["visible"],
        contact_email=form.cleaned_data["contact_email"],
        by=request.user,
    )
    if profile.visible:
        message = _("Votre collectivité est désormais visible des autres collectivités.")
    else:
        message = _("Votre collectivité n’est plus visible des autres collectivités.")
    messages.success(request, message)
    return redirect("partnership_list", public_id=access.collectivite.public_id)


@require_safe
def partnership_finder(request, public_id):
    access = get_collectivite_access(request.user, public_id)
    collectivite = access.collectivite
    form = FinderForm(request.GET or None)
    results, truncated = [], False
    if form.is_valid():
        results, truncated = find_partnerships(
            searcher=collectivite,
            countries=form.cleaned_data["pays"],
            theme=form.cleaned_data["theme"],
        )
    return render(
        request,
        "partnerships/finder.html",
        {
            "access": access,
            "collectivite": collectivite,
            "form": form,
            "searched": form.is_bound and form.is_valid(),
            "results": results,
            "truncated": truncated,
            "own_visible": _finder_profile(collectivite).visible,
        },
    )


def _edit(request, access, partnership=None):
    form = PartnershipForm(request.POST if request.method == "POST" else None, instance=partnership)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            saved = save_partnership(collectivite=access.collectivite, form=form, by=request.user)
            messages.success(
                request, _("Partenariat avec %(name)s enregistré.") % {"name": saved.partner_name}
            )
            return redirect("partnership_list", public_id=access.collectivite.public_id)
        status = 400
    return render(
        request,
        "partnerships/edit.html",
        {"collectivite": access.collectivite, "form": form, "partnership": partnership},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def partnership_create(request, public_id):
    access = get_collectivite_access(request.user, public_id)
    access.require_editor()
    return _edit(request, access)


def _partnership(access, partnership_id):
    return get_object_or_404(
        Partnership.objects.for_collectivite(access.collectivite), public_id=partnership_id
    )


@require_http_methods(["GET", "POST"])
def partnership_edit(request, public_id, partnership_id):
    access = get_collectivite_access(request.user, public_id)
    access.require_editor()
    return _edit(request, access, _partnership(access, partnership_id))


@require_http_methods(["GET", "POST"])
def partnership_delete(request, public_id, partnership_id):
    access = get_collectivite_access(request.user, public_id)
    access.require_editor()
    partnership = _partnership(access, partnership_id)
    if request.method == "POST":
        delete_partnership(partnership=partnership, by=request.user)
        messages.success(
            request,
            _("Partenariat avec %(name)s supprimé.") % {"name": partnership.partner_name},
        )
        return redirect("partnership_list", public_id=access.collectivite.public_id)
    return render(
        request,
        "partnerships/delete.html",
        {"collectivite": access.collectivite, "partnership": partnership},
    )


def _csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def partnership_export(request, public_id):
    access = get_collectivite_access(request.user, public_id)
    return _csv_response(export_csv(collectivite=access.collectivite), "partenariats.csv")


@require_safe
def partnership_template(request, public_id):
    get_collectivite_access(request.user, public_id)
    return _csv_response(template_csv(), "modele-partenariats.csv")


@require_http_methods(["POST"])
def partnership_import(request, public_id):
    access = get_collectivite_access(request.user, public_id)
    access.require_editor()
    form = ImportForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        try:
            count = import_csv(
                collectivite=access.collectivite,
                content=form.cleaned_data["file"].read(),
                by=request.user,
            )
        except ImportRefused as refusal:
            errors = [str(e) for e in refusal.errors[:100]]
        else:
            messages.success(
                request,
                ngettext("%(n)s partenariat importé.", "%(n)s partenariats importés.", count)
                % {"n": count},
            )
            return redirect("partnership_list", public_id=access.collectivite.public_id)
    return render(
        request,
        "partnerships/import_errors.html",
        {"collectivite": access.collectivite, "form": form, "errors": errors},
        status=400,
    )
