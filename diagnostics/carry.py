"""Starting a diagnostic from the collectivité's latest submitted one: its answers, to confirm, and
the actions of its plan that are not done. Called by create_diagnostic, inside its transaction."""

from dataclasses import dataclass, field

from django.db.models import F
from django.utils import timezone

from accounts.models import Collectivite, User
from diagnostics.catalogue import CatalogueData, catalogue_data
from diagnostics.enums import ActionStatus, AnswerChangeKind, DiagnosticStatus
from diagnostics.evidence.services import copy_evidence
from diagnostics.models import (
    Answer,
    AnswerChange,
    Diagnostic,
    PlanAction,
    PlanActionChange,
    QuestionComment,
)
from recommendations.enums import OPTION_KINDS, QuestionKind
from recommendations.models import Question

# Actions that stay in the plan of the year they were done in.
FINISHED_ACTION_STATUSES = frozenset({ActionStatus.DONE})


def carry_source(collectivite: Collectivite) -> Diagnostic | None:
    """The diagnostic a new one of ``collectivite`` may start from: its latest submitted one.

    Only ever looked up from the collectivité itself, so another's answers can't be carried."""
    return (
        Diagnostic.objects.for_collectivite(collectivite)
        .submitted()
        .order_by(F("year").desc(nulls_last=True), F("submitted_at").desc(nulls_last=True), "-pk")
        .first()
    )


@dataclass
class CarryResult:
    answers: int = 0
    actions: int = 0
    evidence: int = 0
    comments: int = 0
    uncarried_questions: list[str] = field(default_factory=list)


def _option_signature(data: CatalogueData, question: Question) -> list[tuple]:
    return [(o.label, o.score) for o in data.options_by_question.get(question.pk, [])]


def _value_mapper(source: CatalogueData, old: Question, target: CatalogueData, new: Question):
    """A function turning ``old``'s stored values into ``new``'s, or None when the question is not
    the same: another kind or unit or, for kinds with options, other options (labels, scores,
    order). An answer « Non concerné » is not carried either where the new question no longer
    allows it."""
    if old.kind != new.kind or old.unit != new.unit:
        return None
    if new.kind not in OPTION_KINDS:
        return lambda value: value
    old_options = source.options_by_question.get(old.pk, [])
    if _option_signature(source, old) != _option_signature(target, new):
        return None
    if new.kind == QuestionKind.SCALE:
        # A level is stored as its rank, the same in both versions.
        return lambda value: value
    new_options = target.options_by_question.get(new.pk, [])
    by_old_id = {o.pk: n.pk for o, n in zip(old_options, new_options, strict=True)}
    if new.kind == QuestionKind.MULTI:
        return lambda value: sorted(by_old_id[v] for v in value if v in by_old_id) or None
    return by_old_id.get


def carry_over(*, source: Diagnostic, target: Diagnostic, by: User) -> CarryResult:
    """Copy ``source``'s answers into the new ``target``, to be confirmed, and the actions of its
    plan not done, with their history. A few bulk queries, whatever the number of answers."""
    result = CarryResult()
    year = source.year
    now = timezone.now()
    source_data = catalogue_data(source.catalogue_id)
    target_data = (
        source_data
        if target.catalogue_id == source.catalogue_id
        else catalogue_data(target.catalogue_id)
    )
    source_questions = {q.code: q for q in source_data.questions}
    old_answers = {
        a.question_id: a
        for a in Answer.objects.filter(diagnostic=source)
        if a.is_given or a.comment
    }
    new_answers = []
    for question in target_data.questions:
        old_question = source_questions.get(question.code)
        old = old_answers.get(old_question.pk) if old_question else None
        if old is None:
            continue
        mapper = _value_mapper(source_data, old_question, target_data, question)
        if mapper is None or (old.not_applicable and not question.allows_not_applicable):
            result.uncarried_questions.append(question.code)
            continue
        value = None if old.value is None else mapper(old.value)
        not_applicable = old.not_applicable
        new_answers.append(
            Answer(
                diagnostic=target,
                question=question,
                value=None if not_applicable or old.dont_know else value,
                not_applicable=not_applicable,
                dont_know=old.dont_know and not not_applicable,
                comment=old.comment,
                revision=1,
                updated_by=by,
                updated_at=now,
                carried_from=old,
                carried_from_year=year,
                needs_confirmation=True,
            )
        )
    created = Answer.objects.bulk_create(new_answers)
    if not all(a.pk for a in created):
        # Backends that don't return ids on bulk inserts: read them back, in one query.
        ids = dict(Answer.objects.filter(diagnostic=target).values_list("question_id", "pk"))
        for answer in created:
            answer.pk = ids[answer.question_id]
    AnswerChange.objects.bulk_create(
        AnswerChange(
            answer=answer,
            revision=1,
            changed_by=by,
            changed_at=now,
            old_state=None,
            new_state={
                "value": answer.value,
                "not_applicable": answer.not_applicable,
                "dont_know": answer.dont_know,
                "comment": answer.comment,
            },
            kind=AnswerChangeKind.CARRIED,
        )
        for answer in created
    )
    result.answers = len(created)
    # Evidence follows the question, unless the question changed so much that its answer was not
    # carried (its evidence may no longer prove anything); files are copied (see copy_evidence).
    carried_questions = {
        source_questions[q.code].pk: q
        for q in target_data.questions
        if q.code in source_questions and q.code not in result.uncarried_questions
    }
    result.evidence = copy_evidence(
        source=source, target=target, questions=carried_questions, year=year
    )
    result.comments = _carry_comments(
        source=source, target=target, source_data=source_data, target_data=target_data
    )
    result.actions = _carry_plan(source=source, target=target, target_data=target_data, year=year)
    target.carried_from = source
    target.carried_from_year = year
    target.uncarried_questions = result.uncarried_questions
    fields = ["carried_from", "carried_from_year", "uncarried_questions"]
    if created:
        target.status = DiagnosticStatus.IN_PROGRESS
        fields.append("status")
    target.save(update_fields=fields)
    return result


def _carry_plan(
    *, source: Diagnostic, target: Diagnostic, target_data: CatalogueData, year: int | None
) -> int:
    same_catalogue = source.catalogue_id == target.catalogue_id
    recs = {r.number: r for r in target_data.recommendations}
    old_actions = list(
        PlanAction.objects.filter(diagnostic=source)
        .exclude(status__in=FINISHED_ACTION_STATUSES)
        .select_related("recommendation")
        .prefetch_related("changes")
    )
    pairs = []
    for old in old_actions:
        rec = recs.get(old.recommendation.number)
        if rec is None:
            continue
        new = PlanAction(
            diagnostic=target,
            recommendation=rec,
            # A suggested action belongs to one catalogue version.
            suggested_action_id=old.suggested_action_id if same_catalogue else None,
            title=old.title,
            description=old.description,
            owner=old.owner,
            deadline_date=old.deadline_date,
            deadline_quarter=old.deadline_quarter,
            budget_amount=old.budget_amount,
            budget_line=old.budget_line,
            status=old.status,
            priority=old.priority,
            position=old.position,
            dismissed=old.dismissed,
            revision=old.revision,
            created_by_id=old.created_by_id,
            updated_by_id=old.updated_by_id,
            updated_at=old.updated_at,
            carried_from=old,
            carried_from_year=year,
        )
        pairs.append((old, new))
    created = PlanAction.objects.bulk_create([new for _old, new in pairs])
    if not all(a.pk for a in created):
        ids = dict(
            PlanAction.objects.filter(diagnostic=target).values_list("carried_from_id", "pk")
        )
        for old, new in pairs:
            new.pk = ids[old.pk]
    # The history names recommendations by id, which differ between catalogue versions.
    rec_ids = {old.recommendation_id: new.recommendation_id for old, new in pairs}

    def state(value: dict | None) -> dict | None:
        if value is None or same_catalogue or "recommendation_id" not in value:
            return value
        old_id = value["recommendation_id"]
        return {**value, "recommendation_id": rec_ids.get(old_id, old_id)}

    PlanActionChange.objects.bulk_create(
        PlanActionChange(
            action=new,
            revision=change.revision,
            changed_by_id=change.changed_by_id,
            changed_at=change.changed_at,
            old_state=state(change.old_state),
            new_state=state(change.new_state),
        )
        for old, new in pairs
        for change in old.changes.all()
    )
    return len(created)


def _carry_comments(
    *,
    source: Diagnostic,
    target: Diagnostic,
    source_data: CatalogueData,
    target_data: CatalogueData,
) -> int:
    """The threads of the questions the new catalogue still has (same code), as they were: their
    authors and dates say when they were written."""
    codes = {q.pk: q.code for q in source_data.questions}
    new_ids = {q.code: q.pk for q in target_data.questions}
    comments = [
        QuestionComment(
            diagnostic=target,
            question_id=new_ids[codes[c.question_id]],
            author_id=c.author_id,
            text=c.text,
            created_at=c.created_at,
        )
        for c in QuestionComment.objects.filter(diagnostic=source).order_by("created_at", "pk")
        if codes.get(c.question_id) in new_ids
    ]
    QuestionComment.objects.bulk_create(comments)
    return len(comments)
