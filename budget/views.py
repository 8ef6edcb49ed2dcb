"""Pages of the budget: every member reads, agents and the référent edit (élus read only); a
collectivité is reached through the user's membership only (404 otherwise)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import get_collectivite_access
from budget import calculations as calc
from budget import selectors, services
from budget.exports import csv_bytes
from budget.forms import CompetenceForm, MechanismFiguresForm, SourcesForm, YearChoiceForm
from budget.mechanisms import MECHANISMS
from budget.models import FIRST_YEAR, BudgetChange, MechanismYear, latest_year


@require_safe
def budget_index(request, public_id):
    access = get_collectivite_access(request.user, public_id)
    collectivite = access.collectivite
    form = YearChoiceForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("budget_year", public_id=public_id, year=form.cleaned_data["annee"])
    years = selectors.all_years(collectivite)
    return render(
        request,
        "budget/index.html",
        {
            "access": access,
            "collectivite": collectivite,
            "years": years,
            "competences": selectors.competences_of(collectivite),
            "form": form,
            "next_year": latest_year(),
        },
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def competences(request, public_id):
    access = get_collectivite_access(request.user, public_id)
    collectivite = access.collectivite
    current = selectors.competences_of(collectivite)
    data = None
    if request.method == "POST":
        access.require_editor()
        data = request.POST
    forms = [
        CompetenceForm(
            data,
            mechanism=mechanism,
            initial={
                "holder": competence.holder,
                "holder_name": competence.holder_name,
                "holder_siren": competence.holder_siren,
                "in_general_budget": competence.in_general_budget,
            },
        )
        for mechanism, competence in current.items()
    ]
    status = 200
    if data is not None:
        if all(form.is_valid() for form in forms):
            services.save_competences(
                collectivite=collectivite,
                values={form.mechanism: form.cleaned_data for form in forms},
                by=request.user,
            )
            messages.success(request, _("Compétences enregistrées."))
            return redirect("budget_index", public_id=public_id)
        status = 400
    return render(
        request,
        "budget/competences.html",
        {
            "access": access,
            "collectivite": collectivite,
            "forms": forms,
            "page_has_errors": status == 400,
        },
        status=status,
    )


def _initial_figures(collectivite, year):
    return {
        f.mechanism: {
            "resources": f.resources,
            "versement_mobilite": f.versement_mobilite,
            "committed": f.committed,
        }
        for f in MechanismYear.objects.for_collectivite(collectivite).filter(year=year)
    }


@require_http_methods(["GET", "HEAD", "POST"])
def budget_year(request, public_id, year):
    access = get_collectivite_access(request.user, public_id)
    if not FIRST_YEAR <= year <= latest_year():
        raise Http404
    collectivite = access.collectivite
    data = None
    if request.method == "POST":
        access.require_editor()
        data = request.POST
    shown = selectors.year_budget(collectivite, year)
    competences = selectors.competences_of(collectivite)
    initial = _initial_figures(collectivite, year) if access.can_edit else {}
    figure_forms = [
        MechanismFiguresForm(data, competence=competence, initial=initial.get(mechanism))
        for mechanism, competence in competences.items()
    ]
    budget = shown.budget
    sources_initial = (
        {name: getattr(budget, name) for name in services.SOURCE_FIELDS} if budget else None
    )
    sources_form = SourcesForm(data, initial=sources_initial)
    status = 200
    if data is not None:
        forms = [*figure_forms, sources_form]
        if all(form.is_valid() for form in forms):
            try:
                services.save_year(
                    collectivite=collectivite,
                    year=year,
                    mechanisms={form.mechanism: form.values for form in figure_forms},
                    sources=sources_form.values,
                    by=request.user,
                )
            except ValidationError as error:
                # A competence changed meanwhile: the refusal goes to the forms' fields.
                for form in figure_forms:
                    for name, errors in error.message_dict.items():
                        if name in form.fields and form.cleaned_data.get(name) is not None:
                            form.add_error(name, errors)
            else:
                messages.success(request, _("Chiffres de %(year)s enregistrés.") % {"year": year})
                return redirect("budget_year", public_id=public_id, year=year)
        status = 400
    changes = (
        BudgetChange.objects.for_collectivite(collectivite)
        .filter(year=year)
        .select_related("changed_by")[:20]
    )
    return render(
        request,
        "budget/year.html",
        {
            "access": access,
            "collectivite": collectivite,
            "year": year,
            "shown": shown,
            "rows": [
                {"room": room, "info": MECHANISMS[room.mechanism], "form": form}
                for room, form in zip(shown.rooms, figure_forms, strict=True)
            ],
            "sources_form": sources_form,
            "changes": changes,
            "error_forms": [*figure_forms, sources_form],
            "has_errors": any(f.errors for f in [*figure_forms, sources_form]),
        },
        status=status,
    )


@require_safe
def budget_export(request, public_id):
    access = get_collectivite_access(request.user, public_id)
    collectivite = access.collectivite
    content = csv_bytes(collectivite, selectors.all_years(collectivite))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="budget-action-internationale.csv"'
    return response


@login_not_required
@require_safe
def explain(request):
    examples = []
    for info in MECHANISMS.values():
        room = calc.mechanism_room(
            mechanism=info.code,
            holder=calc.HELD_BY_SELF,
            resources=info.example_resources,
            versement_mobilite=info.example_versement,
            committed=info.example_committed,
        )
        examples.append((info, room))
    return render(request, "budget/explain.html", {"examples": examples})
