"""Saving answers with optimistic concurrency by revision and a history entry for every change,
and describing them in words (reads of answers: diagnostics/selectors.py)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from aeict.compiled import insert_row, update_row
from diagnostics.enums import AnswerChangeKind, AnswerSource, DiagnosticStatus
from diagnostics.models import Answer, AnswerChange, Diagnostic
from diagnostics.question_kinds import kind_of
from recommendations.models import Question

EMPTY_STATE = {"value": None, "not_applicable": False, "dont_know": False, "comment": ""}
# What a save writes; the answer's diagnostic and question never change.
ANSWER_STATE_FIELDS = [
    "value",
    "not_applicable",
    "dont_know",
    "comment",
    "revision",
    "updated_by",
    "updated_at",
]
CONFIRMATION_FIELDS = ["needs_confirmation", "confirmed_at", "confirmed_by"]


class DiagnosticLocked(Exception):
    """The diagnostic is submitted: its answers are read-only."""


@dataclass
class AnswerConflict(Exception):
    """Someone else changed the answer since the revision the client started from."""

    answer: Answer


class AnswerFromBudget(Exception):
    """The answer is derived from the budget's figures (budget.feed): it changes with them, not
    in the questionnaire."""


class InvalidAnswerState(ValueError):
    """An answer that says two exclusive things: a value with « Non concerné » or « Je ne sais
    pas », or both of those. The forms refuse it with a message on the field first."""


def make_state(*, value, not_applicable: bool, comment: str, dont_know: bool = False) -> dict:
    """The stored form of an answer; JSON-friendly and comparable. Raises InvalidAnswerState
    when it holds a value with « Non concerné » or « Je ne sais pas », or both of them."""
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    elif isinstance(value, (list, tuple, set, frozenset)):
        value = sorted(value) or None
    elif isinstance(value, str) and not value.strip():
        value = None
    if sum((value is not None, bool(not_applicable), bool(dont_know))) > 1:
        raise InvalidAnswerState
    return {
        "value": value,
        "not_applicable": bool(not_applicable),
        "dont_know": bool(dont_know),
        "comment": comment or "",
    }


def normalized_state(state: dict | None) -> dict | None:
    """A stored state with every key: history written before « Je ne sais pas » lacks it."""
    if state is None:
        return None
    return {**EMPTY_STATE, **state}


def state_of(answer: Answer | None) -> dict:
    if answer is None:
        return dict(EMPTY_STATE)
    return {
        "value": answer.value,
        "not_applicable": answer.not_applicable,
        "dont_know": answer.dont_know,
        "comment": answer.comment,
    }


def _state_at(answer: Answer, revision: int) -> dict | None:
    if revision == 0:
        return dict(EMPTY_STATE)
    change = AnswerChange.objects.filter(answer=answer, revision=revision).first()
    return normalized_state(change.new_state) if change else None


def _locked_answer(diagnostic: Diagnostic, question: Question) -> Answer:
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(diagnostic=diagnostic, question=question)
        .first()
    )
    if answer is not None:
        return answer
    return _new_answer(diagnostic, question)


def _new_answer(diagnostic: Diagnostic, question: Question) -> Answer:
    """A new empty answer, or the one another save created first, locked either way."""
    try:
        with transaction.atomic():
            return Answer.objects.create(diagnostic=diagnostic, question=question)
    except IntegrityError:
        # Another save created it first: lock that one.
        return (
            Answer.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(diagnostic=diagnostic, question=question)
        )


def save_answer(
    *,
    diagnostic: Diagnostic,
    question: Question,
    by: User,
    state: dict,
    base_revision: int,
    diagnostic_locked: bool = False,
    locked_answers: dict[int, Answer] | None = None,
) -> tuple[Answer | None, bool]:
    """Store ``state`` if nobody changed the answer since ``base_revision``.

    Returns (answer, changed); answer is None when an empty answer was never given. Raises
    AnswerConflict when another person changed it in between and this save would overwrite a
    different value, DiagnosticLocked once submitted, InvalidAnswerState for a value given with
    « Non concerné » or « Je ne sais pas », AnswerFromBudget when the budget's figures give it.

    ``diagnostic_locked`` says the caller already locked the diagnostic's row in the transaction
    it has open, and read ``diagnostic.status`` then (get_diagnostic_access(..., lock=True)): the
    save joins that transaction without a savepoint, and an error rolls the whole of it back.
    ``locked_answers`` (with ``diagnostic_locked``): answers by question id that the caller read
    in that transaction with select_for_update and their ``updated_by``, the question's own among
    them if it exists (answers_by_question(..., lock=True)); the save then reads it no more.
    """
    if locked_answers is not None and not diagnostic_locked:
        raise ValueError("locked_answers needs the diagnostic locked by the caller")
    state = normalized_state(state)
    if sum((state["value"] is not None, state["not_applicable"], state["dont_know"])) > 1:
        raise InvalidAnswerState
    with transaction.atomic(savepoint=not diagnostic_locked):
        return _save_answer(
            diagnostic=diagnostic,
            question=question,
            by=by,
            state=state,
            base_revision=base_revision,
            diagnostic_locked=diagnostic_locked,
            locked_answers=locked_answers,
        )


def _save_answer(
    *, diagnostic, question, by, state, base_revision, diagnostic_locked, locked_answers
):
    if diagnostic_locked:
        status = diagnostic.status
    else:
        status = (
            Diagnostic.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=diagnostic.pk)
        )
    if status == DiagnosticStatus.SUBMITTED:
        raise DiagnosticLocked
    if locked_answers is not None:
        answer = locked_answers.get(question.pk)
        if answer is None:
            if state == EMPTY_STATE:
                return None, False
            answer = _new_answer(diagnostic, question)
    else:
        if (
            state == EMPTY_STATE
            and not Answer.objects.filter(diagnostic=diagnostic, question=question).exists()
        ):
            return None, False
        answer = _locked_answer(diagnostic, question)
    if answer.source == AnswerSource.BUDGET:
        raise AnswerFromBudget
    current = state_of(answer)
    if current == state:
        return answer, False
    if answer.revision != base_revision:
        if _state_at(answer, base_revision) == state:
            # This person left the answer as they found it: keep the newer one.
            return answer, False
        raise AnswerConflict(answer)
    answer.value = state["value"]
    answer.not_applicable = state["not_applicable"]
    answer.dont_know = state["dont_know"]
    answer.comment = state["comment"]
    answer.revision += 1
    answer.updated_by = by
    answer.updated_at = timezone.now()
    fields = ANSWER_STATE_FIELDS
    if answer.needs_confirmation:
        # Changing a carried-over answer confirms it.
        _confirm(answer, by)
        fields = ANSWER_STATE_FIELDS + CONFIRMATION_FIELDS
    # The hot path of autosave: both rows written by statements built once (aeict.compiled).
    if not update_row(answer, fields):
        raise DatabaseError("the answer being saved has gone")
    insert_row(
        AnswerChange(
            answer=answer,
            revision=answer.revision,
            changed_by=by,
            changed_at=answer.updated_at,
            old_state=current,
            new_state=state,
        )
    )
    if status == DiagnosticStatus.DRAFT:
        Diagnostic.objects.filter(pk=diagnostic.pk).update(status=DiagnosticStatus.IN_PROGRESS)
        diagnostic.status = DiagnosticStatus.IN_PROGRESS
    return answer, True


def _confirm(answer: Answer, by: User) -> None:
    answer.needs_confirmation = False
    answer.confirmed_at = answer.updated_at
    answer.confirmed_by = by


@transaction.atomic
def confirm_carried_answers(
    *, diagnostic: Diagnostic, by: User, questions: list[Question]
) -> list[Answer]:
    """Confirm, as they are, the carried-over answers of ``questions`` still to confirm (one
    question's, or a whole recommendation's after reviewing it); returns those confirmed.

    Each gets a new revision and a history entry. Raises DiagnosticLocked once submitted."""
    status = (
        Diagnostic.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=diagnostic.pk)
    )
    if status == DiagnosticStatus.SUBMITTED:
        raise DiagnosticLocked
    answers = list(
        Answer.objects.select_for_update().filter(
            diagnostic=diagnostic,
            question_id__in=[q.pk for q in questions],
            needs_confirmation=True,
        )
    )
    now = timezone.now()
    for answer in answers:
        answer.revision += 1
        answer.updated_by = by
        answer.updated_at = now
        _confirm(answer, by)
    Answer.objects.bulk_update(answers, ANSWER_STATE_FIELDS + CONFIRMATION_FIELDS)
    AnswerChange.objects.bulk_create(
        AnswerChange(
            answer=answer,
            revision=answer.revision,
            changed_by=by,
            changed_at=now,
            old_state=state_of(answer),
            new_state=state_of(answer),
            kind=AnswerChangeKind.CONFIRMED,
        )
        for answer in answers
    )
    return answers


def describe_value(question: Question, value, options_by_id: dict) -> str:
    """The answer as a person reads it."""
    if value is None or value == []:
        return _("Sans réponse")
    return kind_of(question).describe(question, value, options_by_id)


def describe_state(question: Question, state: dict | None, options_by_id: dict) -> str:
    if not state:
        return _("Sans réponse")
    if state.get("not_applicable"):
        text = _("Non concerné")
    elif state.get("dont_know"):
        text = _("Je ne sais pas")
    else:
        text = describe_value(question, state.get("value"), options_by_id)
    if state.get("comment"):
        text += " — " + _("commentaire : « %(comment)s »") % {"comment": state["comment"]}
    return text
