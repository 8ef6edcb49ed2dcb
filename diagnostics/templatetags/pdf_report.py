"""The PDF's own stylesheet, inlined: part of the layout (and of its version), not of the data."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from diagnostics.reports.pdf import stylesheet as read_stylesheet

register = template.Library()


@register.simple_tag
def stylesheet():
    return mark_safe(read_stylesheet())


_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
ARABIC_RUN_RE = re.compile(rf"[{_ARABIC}]+(?:[\s\d.,:!?-]+[{_ARABIC}]+)*")


@register.filter
def user_text(value):
    """Text typed by a user, escaped, its passages in Arabic script marked as Arabic (lang and
    direction), the rest in the document's language (French)."""
    escaped = str(conditional_escape(value))
    return mark_safe(
        ARABIC_RUN_RE.sub(lambda m: f'<span lang="ar" dir="rtl">{m.group(0)}</span>', escaped)
    )
