"""Diagnostics are read-only in the admin: they change through the application's own flows."""

from django.contrib import admin

from aeict.admin import ReadOnlyAdmin
from diagnostics.models import Diagnostic, DiagnosticEvent


@admin.register(Diagnostic)
class DiagnosticAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "year",
        "collectivite",
        "status",
        "catalogue",
        "overall_score",
        "created_at",
    ]
    list_filter = ["status", "catalogue", "collectivite__kind"]
    search_fields = ["title", "collectivite__name", "collectivite__siren"]
    list_select_related = ["collectivite", "catalogue"]


@admin.register(DiagnosticEvent)
class DiagnosticEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "title", "collectivite", "actor"]
    list_filter = ["kind"]
    search_fields = ["title", "collectivite__name", "reason"]
    list_select_related = ["collectivite", "actor"]
