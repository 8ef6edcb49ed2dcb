"""The « Plan du site » part of a logged-in person: their collectivités, each with its diagnostics
not archived. A template tag, so that the public page's view (aeict.views) needs no app."""

from django import template
from django.db.models import Prefetch

from accounts.enums import Role
from accounts.models import Membership
from diagnostics.models import Diagnostic

register = template.Library()


@register.simple_tag
def site_map_collectivites(user) -> list[dict]:
    """Only the collectivités ``user`` is a member of: three queries, however many there are."""
    memberships = (
        Membership.objects.for_user(user)
        .select_related("collectivite")
        .prefetch_related(
            Prefetch(
                "collectivite__diagnostics",
                queryset=Diagnostic.objects.filter(archived_at__isnull=True).order_by(
                    "-year", "-created_at"
                ),
            )
        )
        .order_by("collectivite__name")
    )
    return [
        {
            "collectivite": m.collectivite,
            "is_referent": m.role == Role.REFERENT,
            "diagnostics": list(m.collectivite.diagnostics.all()),
        }
        for m in memberships
    ]
