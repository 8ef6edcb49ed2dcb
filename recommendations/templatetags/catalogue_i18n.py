"""The catalogue's texts in the page's language: ``{% load catalogue_i18n %}``.

- ``{{ question|localized:"text" }}``: element content; an English page showing the French text
  (no translation yet) gets it wrapped in ``<span lang="fr">`` (RGAA 8.7);
- ``{{ question|localized_plain:"text" }}``: the bare text, for attributes (alt, aria-label,
  option labels) and for further filters;
- ``{{ question|fallback_lang:"text" }}``: `` lang="fr"`` or nothing, for the element that holds
  the text when it is filtered (``linebreaks``) or spans several elements;
- ``{% study_wording recommendation %}``: the study's wording, always the French original, with
  its English rendering beside it on an English page.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html

from recommendations.models import english_requested

register = template.Library()


@register.filter
def localized(obj, name: str):
    return "" if obj is None else obj.localized_html(name)


@register.filter
def localized_plain(obj, name: str) -> str:
    return "" if obj is None else obj.localized(name)


@register.filter
def fallback_lang(obj, name: str) -> str:
    if obj is not None and obj.is_fallback(name):
        return format_html(' lang="{}"', "fr")
    return ""


@register.simple_tag
def study_wording(
    recommendation, css_class: str = "wording border-start border-3 ps-3", element="blockquote"
):
    """The study's wording is quoted as written, in French; an English page adds its
    translation, labelled as such (blank until the catalogue has it)."""
    return render_to_string(
        "includes/_study_wording.html",
        {
            "wording": recommendation.wording,
            "translation": recommendation.wording_en if english_requested() else "",
            "english": english_requested(),
            "css_class": css_class,
            # A fixed set: the element is written into the markup.
            "element": element if element in ("blockquote", "p") else "blockquote",
        },
    )
