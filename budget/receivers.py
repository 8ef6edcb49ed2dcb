"""The budget hooks into the diagnostics app, which never imports it: it answers R8 in a
diagnostic that opens and adds its table to the full report (diagnostics.signals), and keeps its
section of the collectivité's backup (diagnostics.backup)."""

from accounts.models import User
from budget import backup, feed, reports
from diagnostics.models import Diagnostic
from diagnostics.signals import diagnostic_opened, full_report_parts


def _opened(sender, diagnostic_id, by_id, **kwargs):
    by = User.objects.filter(pk=by_id).first() if by_id else None
    feed.sync_diagnostic(Diagnostic(pk=diagnostic_id), by=by)


def _report_parts(sender, diagnostic, **kwargs):
    return {"budget": reports.report_table(diagnostic)}


def connect():
    backup.register()
    diagnostic_opened.connect(_opened, dispatch_uid="budget-answers-diagnostic")
    full_report_parts.connect(_report_parts, dispatch_uid="budget-report-table")
