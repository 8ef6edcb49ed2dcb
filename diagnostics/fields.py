"""Form fields for French input habits."""

import re

from django import forms

_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class FrenchDecimalField(forms.DecimalField):
    """Accepts « 15 000,50 » as typed in France: spaces as thousand separators, decimal comma."""

    def to_python(self, value):
        if isinstance(value, str):
            value = _SPACES.sub("", value)
        return super().to_python(value)
