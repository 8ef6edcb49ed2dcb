"""The action plan of a diagnostic: read by every member, edited by agents and référents."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from diagnostics.access import get_diagnostic_access
from diagnostics.enums import ActionPriority, ActionStatus
from diagnostics.models import PlanAction, PlanActionChange
from diagnostics.plan import services as plan_service
from diagnostics.plan.exports import plan_csv, plan_xlsx
from diagnostics.plan.fields import describe_action_change
from diagnostics.plan.forms import PlanActionForm, initial_from
from diagnostics.results.report import build_report
from partnerships.finder import finder_url

NO_OWNER = "-"  # the owner filter's value for the actions without an owner


class PlanFilterForm(forms.Form):
    """The plan's filters, read from the query string (they work without JavaScript)."""

    statut = forms.ChoiceField(
        label=gettext_lazy("Statut"),
        required=False,
        choices=[("", gettext_lazy("Tous")), *ActionStatus.choices],
        error_messages={"invalid_choice": gettext_lazy("Ce statut n’existe pas : filtre ignoré.")},
    )
    porteur = forms.ChoiceField(
        label=gettext_lazy("Porteur"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Ce porteur n’a pas d’action : filtre ignoré.")
        },
    )
    priorite = forms.ChoiceField(
        label=gettext_lazy("Priorité"),
        required=False,
        choices=[("", gettext_lazy("Toutes")), *ActionPriority.choices],
        error_messages={
            "invalid_choice": gettext_lazy("Cette priorité n’existe pas : filtre ignoré.")
        },
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        owners = sorted({a.owner for a in actions if a.owner}, key=str.casefold)
        choices = [("", _("Tous"))] + [(owner, owner) for owner in owners]
        if any(not a.owner for a in actions):
            choices.append((NO_OWNER, _("Sans porteur")))
        self.fields["porteur"].choices = choices

    def apply(self, actions: list[PlanAction]) -> list[PlanAction]:
        """The actions that match the valid filters; an invalid one is ignored (and told)."""
        self.is_valid()
        wanted = {
            name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors
        }
        if wanted.get("statut"):
            actions = [a for a in actions if a.status == wanted["statut"]]
        if wanted.get("priorite"):
            actions = [a for a in actions if a.priority == wanted["priorite"]]
        owner = wanted.get("porteur")
        if owner:
            actions = [a for a in actions if a.owner == ("" if owner == NO_OWNER else owner)]
        return actions

    @property
    def active(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


def _plan_actions(access, query) -> tuple[list[PlanAction], list[PlanAction], PlanFilterForm]:
    """The plan's kept actions (filtered by ``query``), all its actions, and the filters."""
    actions = plan_service.plan_actions(access.diagnostic)
    kept = [a for a in actions if not a.dismissed]
    filters = PlanFilterForm(query, actions=kept)
    return filters.apply(kept), actions, filters


def _plan_context(access, query=None):
    diagnostic = access.diagnostic
    report = build_report(diagnostic, with_comparisons=False)
    shown, actions, filters = _plan_actions(access, query or {})
    return {
        "access": access,
        "diagnostic": diagnostic,
        "report": report,
        "actions": shown,
        "kept_count": sum(1 for a in actions if not a.dismissed),
        "filters": filters,
        "totals": plan_service.budget_totals(shown),
        "dismissed": [a for a in actions if a.dismissed],
        "proposals": plan_service.proposals(report, actions),
        # Read only where a proposal of recommendation 10 (mutualisation) shows it.
        "finder_url": lazy(finder_url, str)(diagnostic.collectivite),
    }


@require_safe
def plan(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    context = _plan_context(access, request.GET)
    # A dismissal just made offers to undo it, once.
    undo = request.session.pop(UNDO_KEY, None)
    if undo and undo.get("diagnostic") == str(access.diagnostic.public_id):
        context["undo"] = next(
            (a for a in context["dismissed"] if str(a.public_id) == undo.get("action")), None
        )
        context["undo_proposal"] = bool(undo.get("proposal"))
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
    back_to_proposals = bool(wanted) and request.POST.get("retour") == "proposees"
    created = plan_service.accept_proposals(
        diagnostic=access.diagnostic, items=items, by=request.user, dismissed=dismiss
    )
    if dismiss and wanted and created:
        # Told by the plan page itself, with « Annuler » to propose it again (see ``plan``).
        request.session[UNDO_KEY] = {
            "diagnostic": str(access.diagnostic.public_id),
            "action": str(created[0].public_id),
            "proposal": True,
        }
        url = reverse("diagnostic_plan", kwargs={"public_id": public_id})
        return HttpResponseRedirect(f"{url}#action-annulation")
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
        if wanted and len(created) == 1 and not back_to_proposals:
            return _to_action(public_id, created[0])
    if back_to_proposals:
        # Taken from the plan page's list: back to that list, to go on through it.
        url = reverse("diagnostic_plan", kwargs={"public_id": public_id})
        return HttpResponseRedirect(f"{url}#proposees")
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
        return _to_action(public_id, action)
    context = _plan_context(access)
    context["form"] = form
    return render(request, "diagnostics/plan.html", context, status=400)


UNDO_KEY = "plan_undo"


def _to_action(public_id, action) -> HttpResponseRedirect:
    """Back to the plan, at the action's place (a new fragment replaces any stale one)."""
    url = reverse("diagnostic_plan", kwargs={"public_id": public_id})
    return HttpResponseRedirect(f"{url}#action-{action.public_id}")


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
                told = _("Action « %(title)s » enregistrée.")
                messages.success(request, told % {"title": form.values["title"]})
                return _to_action(public_id, action)
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
    if request.POST.get("decision") == "reproposer":
        # « Annuler » just after dismissing a proposed action: it is proposed again.
        request.session.pop(UNDO_KEY, None)
        url = reverse("diagnostic_plan", kwargs={"public_id": public_id})
        if plan_service.propose_again(action=action):
            told = _("Action « %(title)s » de nouveau proposée.")
            messages.success(request, told % {"title": action.title})
            return HttpResponseRedirect(f"{url}#proposees")
        messages.info(
            request,
            _(
                "L’action « %(title)s » a changé depuis qu’elle a été écartée : "
                "rétablissez-la depuis la liste des actions écartées."
            )
            % {"title": action.title},
        )
        return HttpResponseRedirect(f"{url}#ecartees")
    dismiss = request.POST.get("decision") == "ecarter"
    plan_service.update_action(
        action=action, by=request.user, values={"dismissed": dismiss}, base_revision=action.revision
    )
    if dismiss:
        # Told by the plan page itself, with its « Annuler » button (see ``plan``).
        request.session[UNDO_KEY] = {
            "diagnostic": str(access.diagnostic.public_id),
            "action": str(action.public_id),
        }
        url = reverse("diagnostic_plan", kwargs={"public_id": public_id})
        return HttpResponseRedirect(f"{url}#action-annulation")
    request.session.pop(UNDO_KEY, None)
    messages.success(request, _("Action « %(title)s » rétablie.") % {"title": action.title})
    return _to_action(public_id, action)


@require_safe
def plan_action_history(request, public_id, action_id):
    access = get_diagnostic_access(request.user, public_id)
    action = _get_action(access, action_id)
    changes = PlanActionChange.objects.filter(action=action).select_related("changed_by")[:200]
    recommendations = {
        r.pk: f"{r.number}. {r.localized('short_title')}"
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


def _export_actions(access, query) -> list[PlanAction]:
    return _plan_actions(access, query)[0]


@require_safe
def plan_export_csv(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    response = HttpResponse(
        plan_csv(_export_actions(access, request.GET)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="plan-action.csv"'
    return response


@require_safe
def plan_export_xlsx(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    content = plan_xlsx(
        _export_actions(access, request.GET),
        title=f"{access.diagnostic.title} — {access.diagnostic.collectivite.name}",
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="plan-action.xlsx"'
    return response
