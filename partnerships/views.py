"""The registry pages of a collectivité: list, add, edit, delete, CSV export and import."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import get_collectivite_access
from partnerships.csv_io import ImportRefused, export_csv, import_csv, template_csv
from partnerships.forms import PartnershipForm
from partnerships.models import Partnership, PartnershipEvent
from partnerships.services import delete_partnership, save_partnership


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV"),
        error_messages={"required": gettext_lazy("Choisissez un fichier CSV.")},
    )


@require_safe
def partnership_list(request, public_id):
    access = get_collectivite_access(request.user, public_id)
    collectivite = access.collectivite
    partnerships = Partnership.objects.for_collectivite(collectivite).prefetch_related(
        "co_partners"
    )
    events = PartnershipEvent.objects.filter(collectivite=collectivite).select_related("actor")[:20]
    return render(
        request,
        "partnerships/list.html",
        {
            "access": access,
            "collectivite": collectivite,
            "partnerships": partnerships,
            "events": events,
            "import_form": ImportForm(),
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
