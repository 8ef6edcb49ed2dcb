"""The life of a diagnostic: creation, submission, reopening."""

from django.db import transaction
from django.utils import timezone

from accounts.models import Collectivite, User
from diagnostics.enums import DiagnosticStatus
from diagnostics.models import Diagnostic, RecommendationScore
from recommendations.models import CatalogueVersion


class NoPublishedCatalogue(Exception):
    pass


@transaction.atomic
def create_diagnostic(*, collectivite: Collectivite, title: str, by: User) -> Diagnostic:
    catalogue = CatalogueVersion.objects.latest_published()
    if catalogue is None:
        raise NoPublishedCatalogue
    return Diagnostic.objects.create(
        collectivite=collectivite, catalogue=catalogue, title=title, created_by=by
    )


@transaction.atomic
def store_scores(*, diagnostic: Diagnostic, result) -> None:
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
def submit_diagnostic(*, diagnostic: Diagnostic, by: User, result) -> None:
    diagnostic = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    store_scores(diagnostic=diagnostic, result=result)
    diagnostic.status = DiagnosticStatus.SUBMITTED
    diagnostic.submitted_at = timezone.now()
    diagnostic.submitted_by = by
    diagnostic.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "overall_score",
            "method_version",
        ]
    )


@transaction.atomic
def reopen_diagnostic(*, diagnostic: Diagnostic) -> None:
    diagnostic = Diagnostic.objects.select_for_update().get(pk=diagnostic.pk)
    diagnostic.status = DiagnosticStatus.IN_PROGRESS
    diagnostic.submitted_at = None
    diagnostic.submitted_by = None
    diagnostic.save(update_fields=["status", "submitted_at", "submitted_by"])
