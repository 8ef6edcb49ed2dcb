"""The short thread of comments under each question of a diagnostic: who wrote what, and when."""

from django.db import transaction

from accounts.models import User
from diagnostics.enums import DiagnosticStatus
from diagnostics.models import Diagnostic, QuestionComment
from diagnostics.questionnaire.answers import DiagnosticLocked
from recommendations.models import Question

MAX_COMMENT = QuestionComment._meta.get_field("text").max_length


class InvalidComment(ValueError):
    """An empty comment, or one longer than MAX_COMMENT (the form says so first)."""


@transaction.atomic
def add_comment(
    *, diagnostic: Diagnostic, question: Question, by: User, text: str
) -> QuestionComment:
    """Add ``by``'s comment to the question's thread. Raises DiagnosticLocked once submitted,
    InvalidComment when empty or too long. The caller has checked that ``by`` may answer."""
    text = (text or "").strip()
    if not text or len(text) > MAX_COMMENT:
        raise InvalidComment
    status = (
        Diagnostic.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=diagnostic.pk)
    )
    if status == DiagnosticStatus.SUBMITTED:
        raise DiagnosticLocked
    return QuestionComment.objects.create(
        diagnostic=diagnostic, question=question, author=by, text=text
    )


def threads(diagnostic: Diagnostic, questions=None) -> dict[int, list[QuestionComment]]:
    """The comments of the diagnostic's questions (all, or those of ``questions``), oldest first,
    by question id: one query."""
    comments = QuestionComment.objects.filter(diagnostic_id=diagnostic.pk).select_related("author")
    if questions is not None:
        comments = comments.filter(question_id__in=[q.pk for q in questions])
    found: dict[int, list[QuestionComment]] = {}
    for comment in comments:
        found.setdefault(comment.question_id, []).append(comment)
    return found
