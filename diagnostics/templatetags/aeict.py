"""Display filters for the templates: the formatting functions of diagnostics.formatting."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

from aeict.accessibility_audit import current_audit
from aeict.languages import current_language
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


@register.simple_tag
def page_language() -> str:
    """The active language, for <html lang> (« fr », « en »)."""
    return current_language()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The header's language switch: each language in its own name, with the address that
    chooses it and comes back to this page; the current one is not a link."""
    request = context.get("request")
    here = current_language()
    query = urlencode({"next": request.get_full_path()}) if request is not None else ""
    return [
        {
            "code": code,
            "name": name,
            "current": code == here,
            "url": f"{reverse('set_language', args=[code])}?{query}" if query else reverse(
                "set_language", args=[code]
            ),
        }
        for code, name in settings.LANGUAGES
    ]
