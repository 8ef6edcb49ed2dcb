"""The budget hooks into the diagnostics app, which never imports it: it answers R8 in a
diagnostic that opens and adds its table to the full report (diagnostics.signals), and keeps its
section of the collectivité's backup (diagnostics.backup)."""

from accounts.models import User
from budget import backup, feed, reports
from diagnostics.catalogue import catalogue_data
from diagnostics.models import Diagnostic
from diagnostics.reports.data import ACTION_NOTES
from diagnostics.signals import diagnostic_opened, full_report_parts


def _opened(sender, diagnostic_id, by_id, **kwargs):
    by = User.objects.filter(pk=by_id).first() if by_id else None
    feed.sync_diagnostic(Diagnostic(pk=diagnostic_id), by=by)


def _report_parts(sender, diagnostic, **kwargs):
    """The 1 % table, and the room left under R8's suggested actions (« Jusqu’à 41 800 € … »)."""
    rooms = reports.action_rooms(diagnostic, catalogue_data(diagnostic.catalogue_id))
    return {
        "budget": reports.report_table(diagnostic),
        ACTION_NOTES: {
            str(action_id): [entry["sentence"] for entry in entries]
            for action_id, entries in rooms.items()
        },
    }


def connect():
    backup.register()
    diagnostic_opened.connect(_opened, dispatch_uid="budget-answers-diagnostic")
    full_report_parts.connect(_report_parts, dispatch_uid="budget-report-table")
