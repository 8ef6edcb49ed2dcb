"""The header's « Observatoire » link, shown to the holders of the observatory's permission."""

from django import template
from django.contrib.auth.models import Permission
from django.db.models import Q

register = template.Library()


@register.simple_tag
def can_observe(user) -> bool:
    """Whether ``user`` holds ``observatory.view_observatory``, in one query.

    ``user.has_perm`` would load every permission of the user and of their groups (two queries)
    on every page, for one link; this asks the one question. Superusers hold every permission and
    an inactive account none, as Django's ModelBackend says.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_perm_cache", None)
    if cached is not None:
        return "observatory.view_observatory" in cached
    return Permission.objects.filter(
        Q(user=user) | Q(group__user=user),
        codename="view_observatory",
        content_type__app_label="observatory",
    ).exists()
