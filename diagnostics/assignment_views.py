"""Who answers what: assigning from the overview, « Mes questions », the référent's reminder."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Membership
from diagnostics.access import get_diagnostic_access
from diagnostics.assignments import (
    AlreadyRemindedToday,
    DiagnosticClosed,
    NotAssignable,
    NotReferent,
    UnknownTarget,
    assign,
    my_assignments,
    remind_assignees,
    unanswered_by_assignee,
)
from diagnostics.catalogue import catalogue_data

ASSIGNMENTS_ANCHOR = "#assignations"


def _overview(public_id) -> str:
    return reverse("diagnostic_overview", args=[public_id]) + ASSIGNMENTS_ANCHOR


@require_POST
def assign_view(request, public_id):
    """One recommendation's form of the overview: the whole recommendation or one of its
    questions (« cible »), to a member or to nobody (« personne »)."""
    access = get_diagnostic_access(request.user, public_id)
    access.require_referent()
    diagnostic = access.diagnostic
    data = catalogue_data(diagnostic.catalogue_id)
    try:
        number = int(request.POST.get("preconisation", ""))
    except ValueError:
        number = None
    rec = data.recommendation(number) if number is not None else None
    code = request.POST.get("cible", "")
    question = data.question_by_code(code) if code else None
    if rec is None or (code and question is None):
        messages.error(request, _("Choisissez une préconisation ou une question du diagnostic."))
        return redirect(_overview(public_id))
    person = request.POST.get("personne", "")
    assignee = None
    if person:
        # Looked up in this collectivité only: anyone else is « not a member » here.
        membership = (
            Membership.objects.filter(collectivite_id=diagnostic.collectivite_id, public_id=person)
            .select_related("user")
            .first()
            if _is_uuid(person)
            else None
        )
        if membership is None:
            messages.error(request, _("Cette personne n’est pas membre de la collectivité."))
            return redirect(_overview(public_id))
        assignee = membership.user
    target = (
        _("la question %(code)s") % {"code": question.code}
        if question
        else _("la préconisation %(n)s") % {"n": rec.number}
    )
    try:
        assign(
            diagnostic=diagnostic,
            by=request.user,
            number=rec.number,
            question=question,
            assignee=assignee,
        )
    except NotReferent:
        raise Http404 from None  # a référent no longer
    except NotAssignable:
        messages.error(
            request,
            _("Seuls les agents et les référents AEICT peuvent se voir assigner des questions."),
        )
    except UnknownTarget:
        messages.error(
            request,
            _("La question %(code)s n’appartient pas à la préconisation %(n)s.")
            % {"code": code, "n": rec.number},
        )
    except DiagnosticClosed:
        messages.error(request, _("Ce diagnostic est soumis : il n’y a plus rien à assigner."))
    else:
        if assignee is None:
            messages.success(
                request, _("Plus personne n’est assigné à %(target)s.") % {"target": target}
            )
        else:
            messages.success(
                request,
                _("%(target)s est assignée à %(name)s.")
                % {"target": target[:1].upper() + target[1:], "name": assignee.display_name},
            )
    return redirect(_overview(public_id))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@require_POST
def remind_view(request, public_id):
    access = get_diagnostic_access(request.user, public_id)
    access.require_referent()
    diagnostic = access.diagnostic
    if not unanswered_by_assignee(diagnostic):
        messages.info(request, _("Aucune question assignée n’attend de réponse : aucun rappel."))
        return redirect(_overview(public_id))
    try:
        remind_assignees(diagnostic=diagnostic, by=request.user)
    except NotReferent:
        raise Http404 from None
    except AlreadyRemindedToday:
        messages.error(
            request,
            _("Un rappel a déjà été envoyé aujourd’hui pour ce diagnostic : réessayez demain."),
        )
    except DiagnosticClosed:
        messages.error(request, _("Ce diagnostic est soumis : il n’y a plus rien à rappeler."))
    else:
        messages.success(
            request,
            _(
                "Rappel envoyé : chaque personne dont des questions assignées restent sans "
                "réponse reçoit un courriel (si elle ne l’a pas désactivé)."
            ),
        )
    return redirect(_overview(public_id))


@require_safe
def my_questions(request):
    groups = []
    for diagnostic, rows in my_assignments(request.user):
        for row in rows:
            first = row.progress.first_unanswered
            anchor = (
                f"#q-{first.code}" if first else (f"#q-{row.question.code}" if row.question else "")
            )
            row.url = (
                reverse(
                    "diagnostic_recommendation",
                    args=[diagnostic.public_id, row.assignment.recommendation_number],
                )
                + anchor
            )
        groups.append({"diagnostic": diagnostic, "rows": rows})
    return render(request, "diagnostics/my_questions.html", {"groups": groups})
