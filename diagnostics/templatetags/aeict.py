"""Display helpers: percentages and scores rounded half up, as the method says."""

from django import template

from diagnostics.scoring import round_half_up

register = template.Library()


@register.filter
def percent(ratio):
    """A ratio in [0, 1] as an integer percentage; None stays None."""
    if ratio is None or ratio == "":
        return None
    return round_half_up(ratio * 100)


@register.filter
def score(value):
    """A score out of 100 as displayed everywhere (integer, half up); None stays None."""
    if value is None or value == "":
        return None
    return round_half_up(value)
