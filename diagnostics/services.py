"""The life of a diagnostic: creation, submission, reopening."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import Collectivite, User
from diagnostics.catalogue import catalogue_data
from diagnostics.enums import DiagnosticStatus
from diagnostics.models import Diagnostic, RecommendationScore
from diagnostics.scoring import DiagnosticResult
from diagnostics.selectors import answers_by_question, missing_required, score_answers
from diagnostics.signals import diagnostic_reopened, diagnostic_submitted
from recommendations.models import CatalogueVersion, Question


class NoPublishedCatalogue(Exception):
    pass


class AlreadySubmitted(Exception):
    """The diagnostic is already submitted."""


class NotSubmitted(Exception):
    """Only a submitted diagnostic can be reopened."""


class MissingRequiredAnswers(Exception):
    """Required questions are still unanswered: the diagnostic cannot be submitted."""

    def __init__(self, questions: list[Question]):
        super().__init__(f"{len(questions)} required question(s) unanswered")
        self.questions = questions


@transaction.atomic
def create_diagnostic(*, collectivite: Collectivite, title: str, by: User) -> Diagnostic:
    catalogue = CatalogueVersion.objects.latest_published()
    if catalogue is None:
        raise NoPublishedCatalogue
    return Diagnostic.objects.create(
        collectivite=collectivite, catalogue=catalogue, title=title, created_by=by
    )


def _lock_with_siblings(diagnostic: Diagnostic) -> tuple[Diagnostic, list[Diagnostic]]:
    """Lock the diagnostic and the others of its collectivité on the same catalogue, in pk order.

    Whoever submits or reopens one of them waits for the others: the latest submitted one, which
    peers are compared with, is decided by one transaction at a time.
    """
    group = list(
        Diagnostic.objects.select_for_update()
        .filter(collectivite_id=diagnostic.collectivite_id, catalogue_id=diagnostic.catalogue_id)
        .order_by("pk")
    )
    [locked] = [d for d in group if d.pk == diagnostic.pk]
    return locked, group


def _submission_order(diagnostic: Diagnostic) -> tuple:
    # A submitted diagnostic without a date (only an imported one could be) counts as oldest.
    return (diagnostic.submitted_at is not None, diagnostic.submitted_at, diagnostic.pk)


def _flag_latest_submitted(group: Iterable[Diagnostic]) -> None:
    """Flag the latest submitted diagnostic of one collectivité and catalogue, and only it."""
    group = list(group)
    latest = max((d for d in group if d.is_submitted), key=_submission_order, default=None)
    stale = [d.pk for d in group if d.is_latest_submitted and d is not latest]
    # Unflag first: the unique constraint allows one flagged diagnostic at any moment.
    if stale:
        Diagnostic.objects.filter(pk__in=stale).update(is_latest_submitted=False)
    if latest is not None and not latest.is_latest_submitted:
        Diagnostic.objects.filter(pk=latest.pk).update(is_latest_submitted=True)
    for d in group:
        d.is_latest_submitted = d is latest


def flag_latest_submitted(*, collectivite: Collectivite) -> None:
    """Flag the latest submitted diagnostic on each catalogue, for a collectivité whose
    diagnostics were written directly (the import of a backup)."""
    groups: dict[int, list[Diagnostic]] = {}
    for d in (
        Diagnostic.objects.select_for_update().filter(collectivite=collectivite).order_by("pk")
    ):
        groups.setdefault(d.catalogue_id, []).append(d)
    for group in groups.values():
        _flag_latest_submitted(group)


def _store_scores(diagnostic: Diagnostic, result: DiagnosticResult) -> None:
    """Keep the scores computed at submission, so comparisons never recompute from answers."""
    diagnostic.recommendation_scores.all().delete()
    RecommendationScore.objects.bulk_create(
        RecommendationScore(
            diagnostic=diagnostic,
            number=rec.number,
            score=float(rec.score) if rec.score is not None else None,
        )
        for rec in result.recommendations
    )
    diagnostic.overall_score = float(result.overall) if result.overall is not None else None
    diagnostic.method_version = result.method_version


@transaction.atomic
def submit_diagnostic(*, diagnostic: Diagnostic, by: User | None) -> Diagnostic:
    """Score the answers, store the scores and make the diagnostic read-only.

    Raises AlreadySubmitted, or MissingRequiredAnswers with the questions to answer first. The
    answers are read under the lock that save_answer takes too: each one is in, or refused.
    """
    diagnostic, group = _lock_with_siblings(diagnostic)
    if diagnostic.is_submitted:
        raise AlreadySubmitted
    data = catalogue_data(diagnostic.catalogue_id)
    answers = answers_by_question(diagnostic)
    missing = missing_required(data, answers)
    if missing:
        raise MissingRequiredAnswers(missing)
    _store_scores(diagnostic, score_answers(data, answers))
    diagnostic.status = DiagnosticStatus.SUBMITTED
    diagnostic.submitted_at = timezone.now()
    diagnostic.submitted_by = by
    diagnostic.save(
        update_fields=["status", "submitted_at", "submitted_by", "overall_score", "method_version"]
    )
    _flag_latest_submitted(group)
    transaction.on_commit(lambda: _tell(diagnostic_submitted, diagnostic=diagnostic, by=by))
    return diagnostic


@transaction.atomic
def reopen_diagnostic(*, diagnostic: Diagnostic, by: User | None) -> Diagnostic:
    """Make a submitted diagnostic editable again; its stored scores stay until the next
    submission. Raises NotSubmitted."""
    diagnostic, group = _lock_with_siblings(diagnostic)
    if not diagnostic.is_submitted:
        raise NotSubmitted
    diagnostic.status = DiagnosticStatus.IN_PROGRESS
    diagnostic.submitted_at = None
    diagnostic.submitted_by = None
    diagnostic.reopened_at = timezone.now()
    diagnostic.reopened_by = by
    diagnostic.save(
        update_fields=["status", "submitted_at", "submitted_by", "reopened_at", "reopened_by"]
    )
    _flag_latest_submitted(group)
    transaction.on_commit(lambda: _tell(diagnostic_reopened, diagnostic=diagnostic, by=by))
    return diagnostic


def _tell(signal, *, diagnostic: Diagnostic, by: User | None) -> None:
    signal.send(sender=Diagnostic, diagnostic_id=diagnostic.pk, by_id=by.pk if by else None)
