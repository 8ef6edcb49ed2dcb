"""Each event of the services queues its mail: the receivers run on commit and only enqueue."""

from accounts.signals import invitation_accepted
from diagnostics.models import ReportFile
from diagnostics.signals import (
    assignees_reminded,
    diagnostic_reopened,
    diagnostic_submitted,
    report_ready,
)
from notifications import mails


def _submitted(sender, *, diagnostic_id, by_id, **kwargs):
    mails.send_diagnostic_submitted_mail.enqueue(diagnostic_id=diagnostic_id, by_id=by_id)


def _reopened(sender, *, diagnostic_id, by_id, **kwargs):
    mails.send_diagnostic_reopened_mail.enqueue(diagnostic_id=diagnostic_id, by_id=by_id)


def _report_ready(sender, *, report_id, **kwargs):
    # Sent by the render task, in the worker: most requesters are still watching the page, and
    # their report needs no task at all.
    report = ReportFile.objects.filter(pk=report_id).first()
    if report is not None and report.requester_left():
        mails.send_report_ready_mail.enqueue(report_id=report_id)


def _invitation_accepted(sender, *, invitation_id, user_id, **kwargs):
    mails.send_member_joined_mail.enqueue(invitation_id=invitation_id, user_id=user_id)


def _reminded(sender, *, diagnostic_id, **kwargs):
    mails.send_assignment_reminder_mail.enqueue(diagnostic_id=diagnostic_id)


def connect() -> None:
    assignees_reminded.connect(_reminded, dispatch_uid="notify-assignees-reminded")
    diagnostic_submitted.connect(_submitted, dispatch_uid="notify-diagnostic-submitted")
    diagnostic_reopened.connect(_reopened, dispatch_uid="notify-diagnostic-reopened")
    report_ready.connect(_report_ready, dispatch_uid="notify-report-ready")
    invitation_accepted.connect(_invitation_accepted, dispatch_uid="notify-invitation-accepted")
