"""The action plan: accept proposed actions, add, edit, dismiss and restore, with history."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from diagnostics.deadlines import deadline_sort_key
from diagnostics.models import PRIORITY_ORDER, Diagnostic, PlanAction, PlanActionChange
from diagnostics.plan.fields import action_state
from diagnostics.results.report import Report, default_priority
from recommendations.models import SuggestedAction


class PlanConflict(Exception):
    def __init__(self, action: PlanAction):
        self.action = action
        super().__init__("plan action changed meanwhile")


def _record(action: PlanAction, *, by: User | None, old: dict | None) -> None:
    PlanActionChange.objects.create(
        action=action,
        revision=action.revision,
        changed_by=by,
        changed_at=action.updated_at,
        old_state=old,
        new_state=action_state(action),
    )


@dataclass
class Proposal:
    suggested: SuggestedAction
    priority: str


def proposals(report: Report, plan: list[PlanAction]) -> list[Proposal]:
    """Proposed actions (SCORING.md) that are neither in the plan nor dismissed, by priority."""
    taken = {a.suggested_action_id for a in plan if a.suggested_action_id}
    return [
        Proposal(suggested=action, priority=default_priority(report, section.number))
        for section, action in report.proposed_actions
        if action.pk not in taken
    ]


def plan_actions(diagnostic: Diagnostic) -> list[PlanAction]:
    actions = list(
        PlanAction.objects.filter(diagnostic=diagnostic).select_related(
            "recommendation", "updated_by"
        )
    )
    # By priority, then by deadline (the nearest first, none last), then in the order added.
    actions.sort(
        key=lambda a: (
            PRIORITY_ORDER.get(a.priority, 9),
            deadline_sort_key(a.deadline_date, a.deadline_quarter),
            a.position,
            a.pk,
        )
    )
    return actions


def _next_position(diagnostic: Diagnostic) -> int:
    top = PlanAction.objects.filter(diagnostic=diagnostic).aggregate(m=Max("position"))["m"]
    return (top or 0) + 1


@transaction.atomic
def accept_proposals(
    *, diagnostic: Diagnostic, items: list[Proposal], by: User, dismissed: bool = False
) -> list[PlanAction]:
    """Copy proposed actions into the plan (or record them as dismissed)."""
    position = _next_position(diagnostic)
    existing = set(
        PlanAction.objects.filter(
            diagnostic=diagnostic, suggested_action__in=[p.suggested for p in items]
        ).values_list("suggested_action_id", flat=True)
    )
    created = []
    now = timezone.now()
    for offset, proposal in enumerate(items):
        suggested = proposal.suggested
        if suggested.pk in existing:
            continue
        action = PlanAction.objects.create(
            diagnostic=diagnostic,
            recommendation_id=suggested.recommendation_id,
            suggested_action=suggested,
            title=suggested.title,
            description=suggested.description,
            owner=suggested.owner_service,
            priority=proposal.priority,
            position=position + offset,
            dismissed=dismissed,
            created_by=by,
            updated_by=by,
            updated_at=now,
        )
        _record(action, by=by, old=None)
        created.append(action)
    return created


@transaction.atomic
def propose_again(*, action: PlanAction) -> bool:
    """Undo the dismissal of a proposed action: back among the proposals, as if never decided.

    Only while the action is nothing more than that dismissal (dismissed from the proposals and
    never changed since); otherwise it is restored from the list of dismissed actions.
    """
    undone = (
        PlanAction.objects.select_for_update(of=("self",))
        .filter(pk=action.pk, dismissed=True, suggested_action__isnull=False, revision=1)
        .first()
    )
    if undone is None:
        return False
    undone.delete()  # with its one history entry, the dismissal
    return True


@transaction.atomic
def add_action(*, diagnostic: Diagnostic, by: User, values: dict) -> PlanAction:
    action = PlanAction(
        diagnostic=diagnostic,
        position=_next_position(diagnostic),
        created_by=by,
        updated_by=by,
        updated_at=timezone.now(),
        **values,
    )
    action.save()
    _record(action, by=by, old=None)
    return action


@transaction.atomic
def update_action(*, action: PlanAction, by: User, values: dict, base_revision: int) -> bool:
    """Apply ``values``; PlanConflict if someone else saved since ``base_revision``."""
    locked = PlanAction.objects.select_for_update().get(pk=action.pk)
    old = action_state(locked)
    for name, value in values.items():
        setattr(locked, name, value)
    new = action_state(locked)
    if new == old:
        return False
    if locked.revision != base_revision:
        raise PlanConflict(PlanAction.objects.select_related("updated_by").get(pk=action.pk))
    locked.revision += 1
    locked.updated_by = by
    locked.updated_at = timezone.now()
    locked.save()
    _record(locked, by=by, old=old)
    return True


@dataclass(frozen=True)
class BudgetTotals:
    """The budgets of a plan's actions: in all and by priority, with how many actions have none."""

    overall: Decimal
    by_priority: list[tuple[str, Decimal, int]]  # (priority label, total, actions)
    without_budget: int


def budget_totals(actions: list[PlanAction]) -> BudgetTotals:
    totals: dict[str, list] = {}
    for action in actions:
        entry = totals.setdefault(action.priority, [action.get_priority_display(), Decimal(0), 0])
        entry[1] += action.budget_amount or Decimal(0)
        entry[2] += 1
    ordered = sorted(totals.items(), key=lambda item: PRIORITY_ORDER.get(item[0], 9))
    return BudgetTotals(
        overall=sum((entry[1] for _key, entry in ordered), Decimal(0)),
        by_priority=[tuple(entry) for _key, entry in ordered],
        without_budget=sum(1 for a in actions if a.budget_amount is None),
    )
