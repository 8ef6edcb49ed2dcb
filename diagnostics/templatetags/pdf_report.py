"""The PDF's own stylesheet, inlined: part of the layout (and of its version), not of the data."""

from django import template
from django.utils.safestring import mark_safe

from diagnostics.reports.pdf import stylesheet as read_stylesheet

register = template.Library()


@register.simple_tag
def stylesheet():
    return mark_safe(read_stylesheet())
