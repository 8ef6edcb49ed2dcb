"""Reading evidence for other pages."""

from django.db.models import Count

from diagnostics.models import Diagnostic, Evidence


def evidence_counts(diagnostic: Diagnostic) -> dict[str, int]:
    """The number of links and files of each question of ``diagnostic``, by question code."""
    return dict(
        Evidence.objects.for_diagnostic(diagnostic)
        .values_list("question__code")
        .annotate(n=Count("pk"))
        .order_by()
    )
