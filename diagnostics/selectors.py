"""Reads of a diagnostic's answers as the scoring method sees them: shared by the questionnaire,
the submission service, the results and the reports."""

from dataclasses import dataclass

from django.db import connection

from accounts.models import User
from aeict.compiled import CompiledQuery, Placeholder, Placeholders
from diagnostics import scoring
from diagnostics.catalogue import CatalogueData
from diagnostics.models import Answer, Diagnostic
from diagnostics.question_kinds import kind_of
from recommendations.models import Question


def answers_by_question(
    diagnostic: Diagnostic, questions=None, *, lock: bool = False
) -> dict[int, Answer]:
    """The diagnostic's answers by question id: all of them, or those of ``questions``. With
    ``lock``, their rows stay locked until the end of the current transaction (their authors,
    read along, are not locked). Those of given ``questions`` (the questionnaire's pages and
    autosave) are read by the same query compiled once per process (aeict.compiled)."""
    if questions is None:
        return {a.question_id: a for a in _answers(diagnostic.pk, lock=lock)}
    ids = [q.pk for q in questions]
    if not ids:
        return {}
    rows = _COMPILED_ANSWERS[lock].rows(diagnostic_id=diagnostic.pk, question_ids=ids)
    answers = {}
    for row in rows:
        answer = Answer.from_db(connection.alias, _ANSWER_COLUMNS, row[: len(_ANSWER_COLUMNS)])
        # As select_related leaves it: the author, or None, already there.
        author = None
        if answer.updated_by_id is not None:
            author = User.from_db(connection.alias, _AUTHOR_COLUMNS, row[len(_ANSWER_COLUMNS) :])
        answer.updated_by = author
        answers[answer.question_id] = answer
    return answers


def _answers(diagnostic_id, question_ids=None, *, lock: bool = False):
    answers = Answer.objects.filter(diagnostic_id=diagnostic_id).select_related("updated_by")
    if lock:
        answers = answers.select_for_update(of=("self",))
    if question_ids is not None:
        answers = answers.filter(question_id__in=question_ids)
    return answers


_ANSWER_COLUMNS = [f.attname for f in Answer._meta.concrete_fields]
_AUTHOR_COLUMNS = [f.attname for f in User._meta.concrete_fields]


def _compiled_answers(lock: bool) -> CompiledQuery:
    def build(diagnostic_id, question_ids):
        answers = _answers(diagnostic_id, question_ids, lock=lock)
        authors = [f"updated_by__{column}" for column in _AUTHOR_COLUMNS]
        return answers.values_list(*_ANSWER_COLUMNS, *authors)

    return CompiledQuery(
        build,
        diagnostic_id=Placeholder(Diagnostic._meta.pk, -7_340_033),
        question_ids=Placeholders(Question._meta.pk, -8_000_000),
    )


_COMPILED_ANSWERS = {lock: _compiled_answers(lock) for lock in (False, True)}


def answer_data(answer: Answer, question: Question) -> scoring.AnswerData:
    value = answer.value
    if value is not None:
        value = kind_of(question).scoring_value(value)
    return scoring.AnswerData(
        not_applicable=answer.not_applicable, value=value, dont_know=answer.dont_know
    )


def scoring_method(diagnostic: Diagnostic) -> str:
    """The method version a diagnostic is scored with: a submitted diagnostic keeps the one its
    stored scores were computed with (none recorded: the first); any other uses today's."""
    if diagnostic.is_submitted:
        if not diagnostic.method_version:
            return "1"
        if diagnostic.method_version in scoring.METHOD_VERSIONS:
            return diagnostic.method_version
    return scoring.METHOD_VERSION


def score_answers(
    data: CatalogueData, answers: dict[int, Answer], *, diagnostic: Diagnostic | None = None
) -> scoring.DiagnosticResult:
    """Score a diagnostic's answers. With the diagnostic, for its collectivité's kind (the
    applicability rules) and with its method version; without, as today's method for a
    collectivité of unknown kind."""
    kind, method = None, scoring.METHOD_VERSION
    if diagnostic is not None:
        kind, method = collectivite_kind(diagnostic, data), scoring_method(diagnostic)
    return scoring.score_diagnostic(
        data.spec(), _answer_data(data, answers), collectivite_kind=kind, method_version=method
    )


def _answer_data(data: CatalogueData, answers: dict[int, Answer]) -> dict[int, scoring.AnswerData]:
    questions = data.questions_by_id
    return {qid: answer_data(a, questions[qid]) for qid, a in answers.items() if qid in questions}


def collectivite_kind(diagnostic: Diagnostic, data: CatalogueData) -> str | None:
    """The kind of the diagnostic's collectivité, as applicability rules need it: read only when
    the catalogue has rules (get_diagnostic_access annotates it, so the pages pay no query)."""
    if not data.has_rules:
        return None
    kind = getattr(diagnostic, "collectivite_kind", None)
    return kind if kind is not None else diagnostic.collectivite.kind


def not_asked(
    data: CatalogueData, answers: dict[int, Answer], *, collectivite_kind: str | None
) -> frozenset[int]:
    """The ids of the questions not asked of the collectivité, given its answers (method v2)."""
    if not data.has_rules:
        return frozenset()
    return data.not_asked(collectivite_kind=collectivite_kind, answers=_answer_data(data, answers))


def missing_required(
    data: CatalogueData, answers: dict[int, Answer], *, collectivite_kind: str | None = None
) -> list[Question]:
    """The required questions asked of the collectivité and still without an answer."""
    skipped = not_asked(data, answers, collectivite_kind=collectivite_kind)
    return [
        q
        for q in data.questions
        if q.required and q.pk not in skipped and not (q.pk in answers and answers[q.pk].is_given)
    ]


def unconfirmed_questions(data: CatalogueData, answers: dict[int, Answer]) -> list[Question]:
    """The questions whose answer, carried over from the previous diagnostic, is to confirm."""
    return [q for q in data.questions if q.pk in answers and answers[q.pk].needs_confirmation]


@dataclass(frozen=True)
class ResumePoint:
    """Where someone filling the questionnaire picks it up again."""

    question: Question
    recommendation_number: int
    position: int  # the question's rank in its recommendation, from 1


def resume_point(
    data: CatalogueData, answers: dict[int, Answer], *, collectivite_kind: str | None = None
) -> ResumePoint | None:
    """The first unanswered required question in catalogue order (recommendation, then position
    in it); failing that the first unanswered optional one; None once every question has its
    answer. The same point for every member: it follows the answers, not who gave them."""
    fallback = None
    skipped = not_asked(data, answers, collectivite_kind=collectivite_kind)
    for rec in data.recommendations:
        for position, question in enumerate(data.questions_by_rec[rec.number], start=1):
            if question.pk in skipped or (question.pk in answers and answers[question.pk].is_given):
                continue
            point = ResumePoint(question, rec.number, position)
            if question.required:
                return point
            fallback = fallback or point
    return fallback
