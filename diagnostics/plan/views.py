"""The action plan of a diagnostic: read by every member, edited by agents and référents."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from diagnostics.access import get_diagnostic_access
from diagnostics.models import PlanAction, PlanActionChange
from diagnostics.plan import services as plan_service
from diagnostics.plan.fields import describe_action_change
from diagnostics.plan.forms import PlanActionForm, initial_from
from diagnostics.results.report import build_report
from partnerships.finder import finder_url


def _plan_context(access):
    diagnostic = access.diagnostic
    report = build_report(diagnostic, with_comparisons=False)
    actions = plan_service.plan_actions(diagnostic)
    return {
        "access": access,
        "diagnostic": diagnostic,
        "report": report,
        "actions": [a for a in actions if not a.dismissed],
        "totals": plan_service.budget_totals([a for a in actions if not a.dismissed]),
        "dismissed": [a for a in actions if a.dismissed],
        "proposals": plan_service.proposals(report, actions),
        # Read only where a proposal of recommendation 10 (mutualisation) shows it.
        "finder_url": lazy(finder_url, str)(diagnostic.collectivite),
    }


@require_safe
def plan(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    context = _plan_context(access)
    context["form"] = PlanActionForm(
        catalogue_id=access.diagnostic.catalogue_id,
        initial={"status": "a_lancer", "priority": "moyenne"},
    )
    return render(request, "diagnostics/plan.html", context)


@require_POST
def plan_accept(request, public_id):
    """Take proposed actions into the plan: one (``suggestion``) or all of them."""
    access = get_diagnostic_access(request.user, public_id)
    access.require_editor()
    context = _plan_context(access)
    items = context["proposals"]
    wanted = request.POST.get("suggestion")
    if wanted:
        items = [p for p in items if str(p.suggested.pk) == wanted]
        if not items:
            messages.info(request, _("Cette action proposée est déjà dans le plan ou écartée."))
            return redirect("diagnostic_plan", public_id=public_id)
    dismiss = request.POST.get("decision") == "ecarter"
    created = plan_service.accept_proposals(
        diagnostic=access.diagnostic, items=items, by=request.user, dismissed=dismiss
    )
    if dismiss:
        messages.success(request, _("Action écartée : vous pourrez la rétablir plus bas."))
    elif not created:
        messages.info(request, _("Aucune action ajoutée : elles sont déjà dans le plan."))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s action ajoutée au plan.", "%(n)s actions ajoutées au plan.", len(created)
            )
            % {"n": len(created)},
        )
    return redirect("diagnostic_plan", public_id=public_id)


@require_POST
def plan_action_add(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    access.require_editor()
    form = PlanActionForm(request.POST, catalogue_id=access.diagnostic.catalogue_id)
    if form.is_valid():
        action = plan_service.add_action(
            diagnostic=access.diagnostic, by=request.user, values=form.values
        )
        messages.success(request, _("Action « %(title)s » ajoutée.") % {"title": action.title})
        return redirect("diagnostic_plan", public_id=public_id)
    context = _plan_context(access)
    context["form"] = form
    return render(request, "diagnostics/plan.html", context, status=400)


def _plan_url(public_id, anchor: str) -> str:
    return f"{reverse('diagnostic_plan', kwargs={'public_id': public_id})}#{anchor}"


def _get_action(access, action_id) -> PlanAction:
    action = (
        PlanAction.objects.filter(diagnostic=access.diagnostic, public_id=action_id)
        .select_related("recommendation", "updated_by")
        .first()
    )
    if action is None:
        raise Http404
    return action


@require_http_methods(["GET", "POST"])
def plan_action_edit(request, public_id, action_id):
    access = get_diagnostic_access(request.user, public_id)
    access.require_editor()
    action = _get_action(access, action_id)
    conflict = None
    if request.method == "POST":
        form = PlanActionForm(request.POST, catalogue_id=access.diagnostic.catalogue_id)
        if form.is_valid():
            try:
                plan_service.update_action(
                    action=action,
                    by=request.user,
                    values=form.values,
                    base_revision=form.cleaned_data.get("revision") or 0,
                )
            except plan_service.PlanConflict as error:
                conflict = error.action
                data = request.POST.copy()
                data["revision"] = conflict.revision
                form = PlanActionForm(data, catalogue_id=access.diagnostic.catalogue_id)
                form.is_valid()
            else:
                messages.success(request, _("Action enregistrée."))
                # An explicit anchor: a fragment the person followed on this page (#id_title,
                # from the error summary) would otherwise survive the redirect.
                return HttpResponseRedirect(_plan_url(public_id, f"action-{action.public_id}"))
    else:
        form = PlanActionForm(
            initial=initial_from(action), catalogue_id=access.diagnostic.catalogue_id
        )
    status = 409 if conflict else 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "diagnostics/plan_edit.html",
        {
            "access": access,
            "diagnostic": access.diagnostic,
            "action": action,
            "form": form,
            "conflict": conflict,
        },
        status=status,
    )


@require_POST
def plan_action_toggle(request, public_id, action_id):
    """Dismiss an action of the plan, or restore a dismissed one."""
    access = get_diagnostic_access(request.user, public_id)
    access.require_editor()
    action = _get_action(access, action_id)
    dismiss = request.POST.get("decision") == "ecarter"
    plan_service.update_action(
        action=action, by=request.user, values={"dismissed": dismiss}, base_revision=action.revision
    )
    messages.success(request, _("Action écartée.") if dismiss else _("Action rétablie."))
    return redirect("diagnostic_plan", public_id=public_id)


@require_safe
def plan_action_history(request, public_id, action_id):
    access = get_diagnostic_access(request.user, public_id)
    action = _get_action(access, action_id)
    changes = PlanActionChange.objects.filter(action=action).select_related("changed_by")[:200]
    recommendations = {
        r.pk: f"{r.number}. {r.short_title}"
        for r in access.diagnostic.catalogue.recommendations.all()
    }
    rows = [
        {
            "change": change,
            "diffs": describe_action_change(change.old_state, change.new_state, recommendations),
            "created": change.old_state is None,
        }
        for change in changes
    ]
    return render(
        request,
        "diagnostics/plan_history.html",
        {"access": access, "diagnostic": access.diagnostic, "action": action, "rows": rows},
    )
