"""Display filters of the budget pages, and the diagnostic's sentence on the room left."""

from django import template

from budget import formatting, reports, selectors
from diagnostics.catalogue import catalogue_data

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


@register.inclusion_tag("budget/_room_left.html")
def budget_room_left(diagnostic):
    """For a diagnostic's results: the 1 % mechanisms with room left in its year, with amounts."""
    if not diagnostic.year:
        return {"sentences": []}
    rooms = selectors.room_left(diagnostic.collectivite, diagnostic.year)
    return {
        "sentences": [selectors.room_left_sentence(room, diagnostic.year) for room in rooms],
        "collectivite": diagnostic.collectivite,
        "year": diagnostic.year,
    }


@register.simple_tag
def budget_action_rooms(diagnostic):
    """R8's suggested actions with the room left of their mechanisms, by action id (three
    queries per page, whatever the number of actions); empty without figures."""
    return reports.action_rooms(diagnostic, catalogue_data(diagnostic.catalogue_id))


@register.inclusion_tag("budget/_action_rooms.html")
def budget_action_room(action_rooms, action):
    """The sentences « Jusqu’à 41 800 € mobilisables … » of one suggested action, with a link."""
    return {"entries": action_rooms.get(action.pk, []) if action_rooms else []}
