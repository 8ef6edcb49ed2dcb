"""The life of a diagnostic: creation, renaming, submission, reopening, archiving, deletion.

Each change locks what it changes, checks, writes and records a DiagnosticEvent (who, when, why).
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Collectivite, User
from diagnostics.carry import carry_over
from diagnostics.catalogue import catalogue_data
from diagnostics.enums import DiagnosticEventKind, DiagnosticStatus
from diagnostics.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Diagnostic,
    DiagnosticEvent,
    RecommendationScore,
)
from diagnostics.scoring import DiagnosticResult
from diagnostics.selectors import (
    answers_by_question,
    collectivite_kind,
    missing_required,
    score_answers,
    unconfirmed_questions,
)
from diagnostics.signals import diagnostic_opened, diagnostic_reopened, diagnostic_submitted
from recommendations.models import CatalogueVersion, Question


class NoPublishedCatalogue(Exception):
    pass


class AlreadySubmitted(Exception):
    """The diagnostic is already submitted."""


class NotSubmitted(Exception):
    """Only a submitted diagnostic can be reopened."""


class YearTaken(Exception):
    """The collectivité already has a diagnostic for this year."""

    def __init__(self, existing: Diagnostic):
        super().__init__(f"year {existing.year} is taken by diagnostic {existing.pk}")
        self.existing = existing


class InvalidYear(ValueError):
    """The year is outside the range a diagnostic may review."""


class SubmittedDiagnosticKept(Exception):
    """A submitted diagnostic is never deleted (it may be archived)."""


class NotArchivable(Exception):
    """Only a submitted diagnostic is archived."""


class InvalidCarrySource(ValueError):
    """A diagnostic starts only from a submitted diagnostic of its own collectivité."""


class UnconfirmedAnswers(Exception):
    """Answers carried over from the previous diagnostic are not confirmed yet."""

    def __init__(self, questions: list[Question]):
        super().__init__(f"{len(questions)} carried answer(s) to confirm")
        self.questions = questions


class ReasonRequired(ValueError):
    """Reopening needs a reason, recorded in the history."""


REASON_MAX_LENGTH = 2000


class MissingRequiredAnswers(Exception):
    """Required questions are still unanswered: the diagnostic cannot be submitted."""

    def __init__(self, questions: list[Question]):
        super().__init__(f"{len(questions)} required question(s) unanswered")
        self.questions = questions


def _record(
    diagnostic: Diagnostic, kind: DiagnosticEventKind, by: User | None, **fields
) -> DiagnosticEvent:
    return DiagnosticEvent.objects.create(
        diagnostic=diagnostic,
        collectivite_id=diagnostic.collectivite_id,
        kind=kind,
        actor=by,
        title=diagnostic.title,
        year=diagnostic.year,
        **fields,
    )


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidYear(year)


def _lock_collectivite(collectivite_id: int) -> None:
    """Serialise the changes of years within one collectivité (the unique constraint is the last
    guard; this lock makes the refusal a YearTaken rather than an IntegrityError)."""
    Collectivite.objects.select_for_update().filter(pk=collectivite_id).first()


def _holder_of(collectivite_id: int, year: int, *, exclude: int | None = None):
    holders = Diagnostic.objects.filter(collectivite_id=collectivite_id, year=year)
    if exclude is not None:
        holders = holders.exclude(pk=exclude)
    return holders.first()


def first_free_year(taken: Iterable[int | None], *, start: int | None = None) -> int | None:
    """The first year from ``start`` (this year by default) that is not ``taken``."""
    taken = set(taken)
    year = start or timezone.localdate().year
    while year <= LAST_YEAR:
        if year not in taken:
            return year
        year += 1
    return None


def free_year(collectivite: Collectivite) -> int | None:
    """The first year from this year on for which the collectivité has no diagnostic."""
    return first_free_year(
        Diagnostic.objects.filter(collectivite=collectivite).values_list("year", flat=True)
    )


@transaction.atomic
def create_diagnostic(
    *,
    collectivite: Collectivite,
    title: str,
    by: User,
    year: int | None = None,
    carry_from: Diagnostic | None = None,
) -> Diagnostic:
    """Create a diagnostic for ``year`` (the first free one from this year by default), empty or
    starting from ``carry_from``, a submitted diagnostic of the same collectivité (see
    diagnostics.carry: its answers are carried over to be confirmed, its plan's open actions too).

    Raises NoPublishedCatalogue, InvalidYear, YearTaken with the diagnostic that has the year, or
    InvalidCarrySource.
    """
    catalogue = CatalogueVersion.objects.latest_published()
    if catalogue is None:
        raise NoPublishedCatalogue
    _lock_collectivite(collectivite.pk)
    if year is None:
        year = free_year(collectivite)
        if year is None:
            raise InvalidYear(year)
    _check_year(year)
    existing = _holder_of(collectivite.pk, year)
    if existing is not None:
        raise YearTaken(existing)
    if carry_from is not None:
        carry_from = (
            Diagnostic.objects.for_collectivite(collectivite)
            .submitted()
            .filter(pk=carry_from.pk)
            .first()
        )
        if carry_from is None:
            raise InvalidCarrySource
    try:
        with transaction.atomic():
            diagnostic = Diagnostic.objects.create(
                collectivite=collectivite,
                catalogue=catalogue,
                title=title,
                year=year,
                created_by=by,
            )
    except IntegrityError:
        raise YearTaken(_holder_of(collectivite.pk, year)) from None
    details = ""
    if carry_from is not None:
        carried = carry_over(source=carry_from, target=diagnostic, by=by)
        details = _(
            "Repris du diagnostic %(year)s : réponses reprises : %(answers)s, "
            "actions du plan reprises : %(actions)s."
        ) % {
            "year": carry_from.year or _("précédent"),
            "answers": carried.answers,
            "actions": carried.actions,
        }
    _record(diagnostic, DiagnosticEventKind.CREATED, by, details=details)
    _tell(diagnostic_opened, diagnostic=diagnostic, by=by)
    return diagnostic


def _lock(diagnostic: Diagnostic) -> Diagnostic:
    return Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)


@transaction.atomic
def rename_diagnostic(
    *, diagnostic: Diagnostic, title: str, year: int | None, by: User
) -> Diagnostic:
    """Change a diagnostic's title and year; the year only to one no other diagnostic has.

    A diagnostic without a year (made before years existed) may keep none. Raises InvalidYear or
    YearTaken.
    """
    _lock_collectivite(diagnostic.collectivite_id)
    diagnostic = _lock(diagnostic)
    if year is None and diagnostic.year is not None:
        raise InvalidYear(year)
    if year is not None and year != diagnostic.year:
        _check_year(year)
        existing = _holder_of(diagnostic.collectivite_id, year, exclude=diagnostic.pk)
        if existing is not None:
            raise YearTaken(existing)
    if (title, year) == (diagnostic.title, diagnostic.year):
        return diagnostic
    before = _("« %(title)s » (%(year)s)") % {
        "title": diagnostic.title,
        "year": diagnostic.year or _("année non précisée"),
    }
    diagnostic.title = title
    diagnostic.year = year
    diagnostic.save(update_fields=["title", "year"])
    _record(
        diagnostic,
        DiagnosticEventKind.RENAMED,
        by,
        details=_("Avant : %(before)s") % {"before": before},
    )
    return diagnostic


@transaction.atomic
def delete_diagnostic(*, diagnostic: Diagnostic, by: User) -> None:
    """Delete a draft or in-progress diagnostic with its answers and plan; the deletion stays in
    the collectivité's history. Raises SubmittedDiagnosticKept."""
    diagnostic, _group = _lock_with_siblings(diagnostic)
    if diagnostic.is_submitted:
        raise SubmittedDiagnosticKept
    _record(diagnostic, DiagnosticEventKind.DELETED, by)
    diagnostic.delete()


@transaction.atomic
def archive_diagnostic(*, diagnostic: Diagnostic, by: User, archived: bool = True) -> Diagnostic:
    """Archive (or bring back) a submitted diagnostic: it leaves the dashboard's main list and
    nothing else changes. Raises NotArchivable."""
    diagnostic, _group = _lock_with_siblings(diagnostic)
    if archived and not diagnostic.is_submitted:
        raise NotArchivable
    if diagnostic.is_archived == archived:
        return diagnostic
    diagnostic.archived_at = timezone.now() if archived else None
    diagnostic.save(update_fields=["archived_at"])
    kind = DiagnosticEventKind.ARCHIVED if archived else DiagnosticEventKind.UNARCHIVED
    _record(diagnostic, kind, by)
    return diagnostic


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
    locked = next((d for d in group if d.pk == diagnostic.pk), None)
    if locked is None:
        # Deleted by someone else while this request waited for the lock.
        raise Diagnostic.DoesNotExist
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

    Raises AlreadySubmitted, MissingRequiredAnswers with the questions to answer first, or
    UnconfirmedAnswers with those whose carried-over answer is still to confirm. The
    answers are read under the lock that save_answer takes too: each one is in, or refused.
    """
    diagnostic, group = _lock_with_siblings(diagnostic)
    if diagnostic.is_submitted:
        raise AlreadySubmitted
    data = catalogue_data(diagnostic.catalogue_id)
    answers = answers_by_question(diagnostic)
    missing = missing_required(data, answers, collectivite_kind=collectivite_kind(diagnostic, data))
    if missing:
        raise MissingRequiredAnswers(missing)
    unconfirmed = unconfirmed_questions(data, answers)
    if unconfirmed:
        raise UnconfirmedAnswers(unconfirmed)
    _store_scores(diagnostic, score_answers(data, answers, diagnostic=diagnostic))
    diagnostic.status = DiagnosticStatus.SUBMITTED
    diagnostic.submitted_at = timezone.now()
    diagnostic.submitted_by = by
    diagnostic.save(
        update_fields=["status", "submitted_at", "submitted_by", "overall_score", "method_version"]
    )
    _flag_latest_submitted(group)
    _record(diagnostic, DiagnosticEventKind.SUBMITTED, by, created_at=diagnostic.submitted_at)
    transaction.on_commit(lambda: _tell(diagnostic_submitted, diagnostic=diagnostic, by=by))
    return diagnostic


@transaction.atomic
def reopen_diagnostic(*, diagnostic: Diagnostic, by: User | None, reason: str) -> Diagnostic:
    """Make a submitted diagnostic editable again, for the reason recorded in its history; its
    stored scores stay until the next submission. Raises ReasonRequired or NotSubmitted."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise ReasonRequired
    diagnostic, group = _lock_with_siblings(diagnostic)
    if not diagnostic.is_submitted:
        raise NotSubmitted
    diagnostic.status = DiagnosticStatus.IN_PROGRESS
    diagnostic.submitted_at = None
    diagnostic.submitted_by = None
    diagnostic.reopened_at = timezone.now()
    diagnostic.reopened_by = by
    # A reopened diagnostic is being worked on again: back on the dashboard.
    diagnostic.archived_at = None
    diagnostic.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "reopened_at",
            "reopened_by",
            "archived_at",
        ]
    )
    _flag_latest_submitted(group)
    _tell(diagnostic_opened, diagnostic=diagnostic, by=by)
    _record(
        diagnostic,
        DiagnosticEventKind.REOPENED,
        by,
        reason=reason,
        created_at=diagnostic.reopened_at,
    )
    transaction.on_commit(lambda: _tell(diagnostic_reopened, diagnostic=diagnostic, by=by))
    return diagnostic


def _tell(signal, *, diagnostic: Diagnostic, by: User | None) -> None:
    signal.send(sender=Diagnostic, diagnostic_id=diagnostic.pk, by_id=by.pk if by else None)
