"""Who answers what: the référent assigns a recommendation, or one question, of a diagnostic to a
member; each assignment's progress; the day's reminder to assignees with unanswered questions."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.enums import EDITOR_ROLES, Role
from accounts.models import Membership, User
from diagnostics.catalogue import CatalogueData, catalogue_data
from diagnostics.enums import DiagnosticStatus
from diagnostics.models import Answer, Assignment, Diagnostic, ReminderSent
from diagnostics.selectors import collectivite_kind, not_asked
from diagnostics.signals import assignees_reminded
from recommendations.models import Question


class AssignmentRefused(Exception):
    """Base of the refusals below; the views turn each into French."""


class NotReferent(AssignmentRefused):
    """Only the collectivité's référent assigns, and asks for reminders."""


class NotAssignable(AssignmentRefused):
    """The person is not an agent or a référent of the diagnostic's collectivité."""


class DiagnosticClosed(AssignmentRefused):
    """The diagnostic is submitted (or archived): nothing is left to answer."""


class UnknownTarget(AssignmentRefused):
    """No such recommendation, or the question is not one of the recommendation's."""


class AlreadyRemindedToday(AssignmentRefused):
    """The diagnostic's assignees were already reminded today."""


def _role(diagnostic: Diagnostic, user: User | None) -> str | None:
    if user is None:
        return None
    return (
        Membership.objects.filter(collectivite_id=diagnostic.collectivite_id, user=user)
        .values_list("role", flat=True)
        .first()
    )


def _check_open(diagnostic: Diagnostic) -> None:
    status, archived_at = (
        Diagnostic.objects.select_for_update(of=("self",))
        .values_list("status", "archived_at")
        .get(pk=diagnostic.pk)
    )
    if status == DiagnosticStatus.SUBMITTED or archived_at is not None:
        raise DiagnosticClosed


def _check_target(diagnostic: Diagnostic, number: int, question: Question | None) -> None:
    data = catalogue_data(diagnostic.catalogue_id)
    if data.recommendation(number) is None:
        raise UnknownTarget
    if question is not None and question not in data.questions_by_rec[number]:
        raise UnknownTarget


@transaction.atomic
def assign(
    *,
    diagnostic: Diagnostic,
    by: User,
    number: int,
    assignee: User | None,
    question: Question | None = None,
) -> Assignment | None:
    """Give recommendation ``number`` (or its ``question``) to ``assignee``, an agent or référent
    of the diagnostic's collectivité, replacing whoever had it; None takes it back. Returns the
    assignment (None when taken back)."""
    if _role(diagnostic, by) != Role.REFERENT:
        raise NotReferent
    _check_open(diagnostic)
    _check_target(diagnostic, number, question)
    current = Assignment.objects.select_for_update(of=("self",)).filter(
        diagnostic=diagnostic, recommendation_number=number, question=question
    )
    if assignee is None:
        current.delete()
        return None
    if _role(diagnostic, assignee) not in EDITOR_ROLES:
        raise NotAssignable
    assignment = current.first()
    if assignment is None:
        assignment = Assignment(
            diagnostic=diagnostic, recommendation_number=number, question=question
        )
    elif assignment.assignee_id == assignee.pk:
        return assignment
    assignment.assignee = assignee
    assignment.assigned_by = by
    assignment.assigned_at = timezone.now()
    assignment.save()
    return assignment


def assignable_members(diagnostic: Diagnostic) -> list[Membership]:
    """The members who can be given questions: the collectivité's agents and référents."""
    return list(
        Membership.objects.filter(collectivite_id=diagnostic.collectivite_id, role__in=EDITOR_ROLES)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


@dataclass(frozen=True)
class Progress:
    """Of the questions asked of the collectivité among those of an assignment."""

    answered: int
    asked: int
    first_unanswered: Question | None

    @property
    def done(self) -> bool:
        return self.answered == self.asked

    @property
    def unanswered(self) -> int:
        return self.asked - self.answered


def progress_of(
    questions: list[Question], answers: dict[int, Answer], skipped: frozenset[int]
) -> Progress:
    asked = [q for q in questions if q.pk not in skipped]
    missing = [q for q in asked if not (q.pk in answers and answers[q.pk].is_given)]
    return Progress(len(asked) - len(missing), len(asked), missing[0] if missing else None)


def questions_of(data: CatalogueData, assignment: Assignment) -> list[Question]:
    questions = data.questions_by_rec.get(assignment.recommendation_number, [])
    if assignment.question_id is None:
        return list(questions)
    return [q for q in questions if q.pk == assignment.question_id]


@dataclass
class AssignmentProgress:
    assignment: Assignment
    recommendation: object
    question: Question | None
    progress: Progress


def assignments_progress(
    diagnostic: Diagnostic,
    data: CatalogueData,
    answers: dict[int, Answer],
    assignments: list[Assignment],
) -> list[AssignmentProgress]:
    """Each assignment with the progress of its questions (not-asked questions left out)."""
    skipped = not_asked(data, answers, collectivite_kind=collectivite_kind(diagnostic, data))
    rows = []
    for assignment in assignments:
        questions = questions_of(data, assignment)
        rows.append(
            AssignmentProgress(
                assignment=assignment,
                recommendation=data.recommendation(assignment.recommendation_number),
                question=questions[0] if assignment.question_id and questions else None,
                progress=progress_of(questions, answers, skipped),
            )
        )
    return rows


def open_diagnostics():
    return Diagnostic.objects.exclude(status=DiagnosticStatus.SUBMITTED).filter(
        archived_at__isnull=True
    )


def my_assignments(user: User) -> list[tuple[Diagnostic, list[AssignmentProgress]]]:
    """The assignments of ``user`` in the open diagnostics of their collectivités, grouped by
    diagnostic, with their progress: three queries whatever their number."""
    assignments = list(
        Assignment.objects.filter(
            assignee=user,
            diagnostic__in=open_diagnostics().for_user(user),
            # Still an agent or référent there (a role can change after the assignment).
            diagnostic__collectivite__memberships__user=user,
            diagnostic__collectivite__memberships__role__in=EDITOR_ROLES,
        )
        .select_related("diagnostic__collectivite")
        .order_by("diagnostic__collectivite__name", "-diagnostic__year", "recommendation_number")
    )
    by_diagnostic: dict[int, list[Assignment]] = {}
    diagnostics: dict[int, Diagnostic] = {}
    for assignment in assignments:
        diagnostics.setdefault(assignment.diagnostic_id, assignment.diagnostic)
        by_diagnostic.setdefault(assignment.diagnostic_id, []).append(assignment)
    answers: dict[int, dict[int, Answer]] = {pk: {} for pk in diagnostics}
    for answer in Answer.objects.filter(diagnostic_id__in=list(diagnostics)):
        answers[answer.diagnostic_id][answer.question_id] = answer
    result = []
    for pk, diagnostic in diagnostics.items():
        data = catalogue_data(diagnostic.catalogue_id)
        rows = assignments_progress(diagnostic, data, answers[pk], by_diagnostic[pk])
        rows.sort(key=lambda r: (r.assignment.recommendation_number, _position(r.question)))
        result.append((diagnostic, rows))
    return result


def _position(question: Question | None) -> int:
    return -1 if question is None else question.position


def unanswered_by_assignee(diagnostic: Diagnostic) -> dict[int, int]:
    """For each assignee (user id) still an agent or référent of the collectivité, the number of
    questions assigned to them and asked that have no answer (a question counted once)."""
    data = catalogue_data(diagnostic.catalogue_id)
    assignments = list(
        Assignment.objects.filter(
            diagnostic=diagnostic,
            assignee__memberships__collectivite_id=diagnostic.collectivite_id,
            assignee__memberships__role__in=EDITOR_ROLES,
        )
    )
    answers = {a.question_id: a for a in Answer.objects.filter(diagnostic=diagnostic)}
    skipped = not_asked(data, answers, collectivite_kind=collectivite_kind(diagnostic, data))
    pending: dict[int, set[int]] = {}
    for assignment in assignments:
        for question in questions_of(data, assignment):
            if question.pk in skipped or (question.pk in answers and answers[question.pk].is_given):
                continue
            pending.setdefault(assignment.assignee_id, set()).add(question.pk)
    return {user_id: len(ids) for user_id, ids in pending.items() if ids}


def remind_assignees(*, diagnostic: Diagnostic, by: User | None) -> ReminderSent:
    """Record today's reminder of the diagnostic's assignees and, on commit, have the worker mail
    those with unanswered questions. At most one a day per diagnostic: raises
    AlreadyRemindedToday after the first, whoever sent it (the référent, or the scheduled
    command with ``by`` None). Raises NotReferent for anyone else, DiagnosticClosed once it is
    submitted or archived."""
    with transaction.atomic():
        if by is not None and _role(diagnostic, by) != Role.REFERENT:
            raise NotReferent
        _check_open(diagnostic)
        try:
            with transaction.atomic():
                reminder = ReminderSent.objects.create(
                    diagnostic=diagnostic, day=timezone.localdate(), sent_by=by
                )
        except IntegrityError:
            raise AlreadyRemindedToday from None
        transaction.on_commit(
            lambda: assignees_reminded.send(
                sender=Diagnostic, diagnostic_id=diagnostic.pk, by_id=by.pk if by else None
            )
        )
    return reminder


def reminded_today(diagnostic: Diagnostic) -> bool:
    return ReminderSent.objects.filter(diagnostic=diagnostic, day=timezone.localdate()).exists()
