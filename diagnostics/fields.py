"""Form fields for French input habits."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from aeict.languages import is_english

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# « 15,000 » or « 1,234.56 » as typed in English: commas between groups of three digits.
_ENGLISH_GROUPS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


class FrenchDecimalField(forms.DecimalField):
    """Accepts « 15 000,50 » as typed in France: spaces as thousand separators, decimal comma;
    on an English page, « 15,000.50 » too (a lone comma, « 12,5 », stays refused in English
    rather than read one way or the other)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = _SPACES.sub("", value)
            if is_english() and _ENGLISH_GROUPS.fullmatch(value):
                value = value.replace(",", "")
        return super().to_python(value)


class TextField(forms.CharField):
    """A text as typed, stripped; a NUL character or too long a text is refused in plain French.

    Django's own validators do the checking: only their messages are ours. A field may still
    name the text (« Le commentaire contient… ») through ``error_messages``.
    """

    default_error_messages = {
        "null_characters_not_allowed": _("Le texte contient un caractère invalide."),
        "max_length": _("%(limit_value)s caractères au plus (vous en avez saisi %(show_value)s)."),
    }

    def run_validators(self, value):
        """Lengths told as French writes numbers (« 2 000 caractères au plus »), as the counter
        under the field does."""
        try:
            super().run_validators(value)
        except ValidationError as error:
            for item in error.error_list:
                if item.code == "max_length" and item.params:
                    item.params = {
                        key: formats.number_format(number, use_l10n=True, force_grouping=True)
                        for key, number in item.params.items()
                    }
            raise

    def widget_attrs(self, widget):
        """No ``maxlength``: a browser would cut a longer text (a paste) without a word. The
        limit goes in ``data-maxlength`` for the counter under the field (static/js/page.js),
        and the server refuses a longer text with its message; nothing is cut."""
        attrs = super().widget_attrs(widget)
        limit = attrs.pop("maxlength", None)
        if limit is not None:
            attrs["data-maxlength"] = limit
        return attrs
