"""The form that creates a diagnostic."""

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnostics.models import Diagnostic


class DiagnosticCreateForm(forms.ModelForm):
    class Meta:
        model = Diagnostic
        fields = ["title"]
        labels = {"title": _("Titre du diagnostic")}
        help_texts = {"title": _("Par exemple « Diagnostic 2026 ».")}
