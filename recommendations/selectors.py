"""Reads of the catalogue."""

from django.db.models import Count, Q

from recommendations.enums import SCORED_KINDS
from recommendations.models import CatalogueVersion, Recommendation


def catalogue_overview(version: CatalogueVersion):
    """The recommendations of a version with their question counts, in one query."""
    return list(
        Recommendation.objects.filter(catalogue=version)
        .annotate(
            question_count=Count("questions"),
            scored_count=Count("questions", filter=Q(questions__kind__in=SCORED_KINDS)),
        )
        .order_by("number")
    )
