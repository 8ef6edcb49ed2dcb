"""Display filters for the templates: the formatting functions of diagnostics.formatting."""

from django import template

from aeict.accessibility_audit import current_audit
from diagnostics import formatting

register = template.Library()
register.filter("percent", formatting.percent)
register.filter("score", formatting.score)
register.filter("points", formatting.points)
register.filter("long_datetime", formatting.long_datetime)
register.filter("long_date", formatting.long_date)
register.filter("signed_points", formatting.signed_points)


@register.simple_tag
def accessibility_status() -> str:
    """« totalement / partiellement / non conforme », from the audit grid (footer of every page)."""
    return current_audit().status
