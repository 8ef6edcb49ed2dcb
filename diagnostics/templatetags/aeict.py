"""Display filters for the templates: the formatting functions of diagnostics.formatting."""

import datetime
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from aeict.accessibility_audit import current_audit
from aeict.languages import current_language, is_english, quote, time_of_day_format
from diagnostics import formatting

register = template.Library()
register.filter("percent", formatting.percent)
register.filter("score", formatting.score)
register.filter("points", formatting.points)
register.filter("long_datetime", formatting.long_datetime)
register.filter("long_date", formatting.long_date)
register.filter("signed_points", formatting.signed_points)
register.filter("level_label", formatting.level_label)


# The unit where the language puts it, the French non-breaking space written as in the
# templates (&nbsp;): « 12 % » / « 12% », « 41 800 € » / « €41,800 ».
@register.filter
def with_percent(number):
    if number is None or number == "":
        return number
    return format_html("{}%", number) if is_english() else format_html("{}&nbsp;%", number)


@register.filter
def with_euros_sign(number):
    """A number already formatted (``|points:0``): « 41 800 € » / « €41,800 »."""
    if number is None or number == "":
        return number
    return format_html("€{}", number) if is_english() else format_html("{}&nbsp;€", number)


@register.filter
def time_of_day(value):
    """« 14 h 05 » in French, « 14:05 » in English, in local time."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.time_format(value, time_of_day_format())


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
    query = urlencode({"next": _this_page(request)}) if request is not None else ""
    return [
        {
            "code": code,
            "name": name,
            "current": code == here,
            "url": f"{reverse('set_language', args=[code])}?{query}"
            if query
            else reverse("set_language", args=[code]),
        }
        for code, name in settings.LANGUAGES
    ]


def _this_page(request) -> str:
    """Where the switch comes back to: this page; after a form was sent, the page it was sent
    from (a POST-only address would answer 405 to the switch's GET)."""
    if request.method not in ("GET", "HEAD"):
        referer = request.headers.get("Referer", "")
        if referer and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return referer
    return request.get_full_path()


# French punctuation outside a translated text, per language (« Score : 72 », « Score: 72 »).
@register.simple_tag
def colon() -> str:
    return ":" if is_english() else "\u00a0:"


@register.simple_tag
def semicolon() -> str:
    return ";" if is_english() else "\u00a0;"


@register.filter
def quoted(text) -> str:
    """« text » in French, “text” in English (the value is escaped as any variable)."""
    return quote(text)
