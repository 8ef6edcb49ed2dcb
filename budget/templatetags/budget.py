"""Display filters of the budget pages, and the diagnostic's sentence on the room left."""

from django import template

from budget import formatting

register = template.Library()
register.filter("euros", formatting.euros)
register.filter("decimal_text", formatting.decimal_text)


@register.filter
def field_named(form, name):
    """A form's bound field by name (templates cannot index with a variable)."""
    return form[name] if name in form.fields else None


@register.filter
def field_value(obj, name):
    return getattr(obj, name, None)
