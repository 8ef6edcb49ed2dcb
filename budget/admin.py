"""The budget is read-only in the admin: it changes through the budget pages, which check the
figures and record their history."""

from django.contrib import admin

from aeict.admin import ReadOnlyAdmin
from budget.models import BudgetYear, Competence, MechanismYear


@admin.register(Competence)
class CompetenceAdmin(ReadOnlyAdmin):
    list_display = ["collectivite", "mechanism", "holder", "holder_name", "updated_at"]
    list_filter = ["mechanism", "holder"]
    search_fields = ["collectivite__name", "collectivite__siren", "holder_name"]
    list_select_related = ["collectivite"]


@admin.register(MechanismYear)
class MechanismYearAdmin(ReadOnlyAdmin):
    list_display = ["collectivite", "year", "mechanism", "resources", "committed"]
    list_filter = ["mechanism", "year"]
    search_fields = ["collectivite__name", "collectivite__siren"]
    list_select_related = ["collectivite"]


@admin.register(BudgetYear)
class BudgetYearAdmin(ReadOnlyAdmin):
    list_display = ["collectivite", "year", "own_budget", "staff_fte"]
    list_filter = ["year"]
    search_fields = ["collectivite__name", "collectivite__siren"]
    list_select_related = ["collectivite"]
