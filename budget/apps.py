from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetConfig(AppConfig):
    name = "budget"
    verbose_name = _("Budget de l’action internationale")

    def ready(self):
        from budget import receivers

        receivers.connect()
        # The yearly report of a diagnostic (an app below this one) shows the year's budget by
        # source: this app tells it how.
        from budget.selectors import year_sources
        from diagnostics.reports import bilan

        bilan.register_budget_sources(year_sources)
