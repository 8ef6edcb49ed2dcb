"""manage.py send_reminders: the day's reminder to the assignees of open diagnostics (cron)."""

from django.core.management.base import BaseCommand

from diagnostics.assignments import (
    AlreadyRemindedToday,
    DiagnosticClosed,
    open_diagnostics,
    remind_assignees,
    unanswered_by_assignee,
)


class Command(BaseCommand):
    help = (
        "Envoie (par le worker) un rappel aux personnes dont des questions assignées restent sans "
        "réponse, pour chaque diagnostic en cours. Au plus un rappel par jour et par diagnostic : "
        "relancée le même jour, la commande n’envoie rien de plus."
    )

    def handle(self, *args, **options):
        sent = skipped = 0
        for diagnostic in open_diagnostics().filter(assignments__isnull=False).distinct():
            if not unanswered_by_assignee(diagnostic):
                continue
            try:
                remind_assignees(diagnostic=diagnostic, by=None)
            except (AlreadyRemindedToday, DiagnosticClosed):
                skipped += 1
            else:
                sent += 1
        self.stdout.write(f"Diagnostics rappelés : {sent} ; déjà rappelés aujourd’hui : {skipped}.")
