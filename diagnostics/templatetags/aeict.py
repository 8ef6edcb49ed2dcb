"""Display filters for the templates: the formatting functions of diagnostics.formatting."""

from django import template

from diagnostics import formatting

register = template.Library()
register.filter("percent", formatting.percent)
register.filter("score", formatting.score)
register.filter("points", formatting.points)
register.filter("long_datetime", formatting.long_datetime)
register.filter("long_date", formatting.long_date)
register.filter("signed_points", formatting.signed_points)
