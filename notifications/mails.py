"""The notification mails. Each event queues one task on commit; the task re-reads the state in
the worker and sends one mail per recipient, so that nobody sees the others' addresses.

No figure leaves in a mail: it says what happened and links to the page, behind the log-in.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from accounts.enums import Role
from accounts.models import Membership, User
from aeict.languages import language_of
from diagnostics.assignments import unanswered_by_assignee
from diagnostics.enums import DiagnosticEventKind, ReportStatus
from diagnostics.models import Diagnostic, DiagnosticEvent, ReportFile
from notifications.enums import NotificationKind
from notifications.models import wanting


def link(name: str, *args) -> str:
    """An absolute link for a mail: the worker has no request to build it from."""
    return settings.SITE_URL + reverse(name, args=args)


def _send(
    *, recipients, kind: NotificationKind, subject: Callable[[], str], template: str, context
) -> None:
    """One mail per recipient, in their language (``subject`` is called in it)."""
    context = {**context, "kind": kind, "settings_link": link("notification_settings")}
    messages = []
    for user in recipients:
        with translation.override(language_of(user)):
            messages.append(
                EmailMessage(
                    subject=subject(),
                    body=render_to_string(template, {**context, "recipient": user}),
                    to=[user.email],
                )
            )
    if messages:
        get_connection().send_messages(messages)


def _members_but(*, collectivite_id: int, actor_id: int | None, kind: NotificationKind):
    users = User.objects.filter(memberships__collectivite_id=collectivite_id)
    if actor_id is not None:
        users = users.exclude(pk=actor_id)
    return wanting(users, kind).order_by("pk")


def _actor_name(actor_id: int | None) -> str:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return actor.display_name if actor else gettext_lazy("Un référent AEICT")


def _diagnostic(diagnostic_id: int) -> Diagnostic | None:
    return Diagnostic.objects.select_related("collectivite").filter(pk=diagnostic_id).first()


@task()
def send_diagnostic_submitted_mail(*, diagnostic_id: int, by_id: int | None) -> None:
    diagnostic = _diagnostic(diagnostic_id)
    if diagnostic is None or not diagnostic.is_submitted:  # reopened meanwhile: nothing to see
        return
    kind = NotificationKind.DIAGNOSTIC_SUBMITTED
    _send(
        recipients=_members_but(
            collectivite_id=diagnostic.collectivite_id, actor_id=by_id, kind=kind
        ),
        kind=kind,
        subject=lambda: (
            _("Les résultats du diagnostic %(year)s sont prêts") % {"year": diagnostic.year}
            if diagnostic.year
            else _("Les résultats du diagnostic « %(title)s » sont prêts")
            % {"title": diagnostic.title}
        ),
        template="emails/notification_submitted.txt",
        context={
            "diagnostic": diagnostic,
            "actor": _actor_name(by_id),
            "link": link("diagnostic_results", diagnostic.public_id),
        },
    )


@task()
def send_diagnostic_reopened_mail(*, diagnostic_id: int, by_id: int | None) -> None:
    diagnostic = _diagnostic(diagnostic_id)
    if (
        diagnostic is None or diagnostic.is_submitted
    ):  # submitted again meanwhile: that mail says it
        return
    kind = NotificationKind.DIAGNOSTIC_REOPENED
    _send(
        recipients=_members_but(
            collectivite_id=diagnostic.collectivite_id, actor_id=by_id, kind=kind
        ),
        kind=kind,
        subject=lambda: (
            _("Le diagnostic %(year)s est rouvert") % {"year": diagnostic.year}
            if diagnostic.year
            else _("Le diagnostic « %(title)s » est rouvert") % {"title": diagnostic.title}
        ),
        template="emails/notification_reopened.txt",
        context={
            "diagnostic": diagnostic,
            "actor": _actor_name(by_id),
            "reason": _reopening_reason(diagnostic),
            "link": link("diagnostic_overview", diagnostic.public_id),
        },
    )


def _reopening_reason(diagnostic: Diagnostic) -> str:
    """The reason given for the latest reopening (recorded in the diagnostic's history)."""
    event = (
        DiagnosticEvent.objects.filter(diagnostic=diagnostic, kind=DiagnosticEventKind.REOPENED)
        .order_by("-created_at", "-pk")
        .first()
    )
    return event.reason if event is not None else ""


@task()
def send_report_ready_mail(*, report_id: int) -> None:
    """To whoever asked for the report, if they had left its page (ReportFile.requester_left)."""
    report = (
        ReportFile.objects.select_related("diagnostic__collectivite")
        .filter(pk=report_id, status=ReportStatus.READY, requested_by__isnull=False)
        .first()
    )
    if report is None or not report.requester_left():
        return
    diagnostic = report.diagnostic
    kind = NotificationKind.REPORT_READY
    requester = User.objects.filter(
        pk=report.requested_by_id, memberships__collectivite_id=diagnostic.collectivite_id
    )
    _send(
        recipients=wanting(requester, kind),
        kind=kind,
        subject=lambda: (
            _("Votre rapport « %(report)s » est prêt") % {"report": report.get_variant_display()}
        ),
        template="emails/notification_report_ready.txt",
        context={
            "diagnostic": diagnostic,
            "report": report,
            "link": link("report_status", diagnostic.public_id, report.public_id),
        },
    )


@task()
def send_member_joined_mail(*, invitation_id: int, user_id: int) -> None:
    """To the collectivité's référents: the ones who invite, and may give the newcomer a role."""
    membership = (
        Membership.objects.select_related("user", "collectivite")
        .filter(
            user_id=user_id,
            collectivite__invitations__pk=invitation_id,
            collectivite__invitations__accepted_at__isnull=False,
        )
        .first()
    )
    if membership is None:  # removed meanwhile
        return
    collectivite = membership.collectivite
    kind = NotificationKind.MEMBER_JOINED
    referents = User.objects.filter(
        memberships__collectivite=collectivite, memberships__role=Role.REFERENT
    ).exclude(pk=user_id)
    _send(
        recipients=wanting(referents, kind).order_by("pk"),
        kind=kind,
        subject=lambda: (
            _("%(name)s a rejoint %(collectivite)s")
            % {"name": membership.user.display_name, "collectivite": collectivite.name}
        ),
        template="emails/notification_member_joined.txt",
        context={
            "membership": membership,
            "collectivite": collectivite,
            "link": link("members", collectivite.public_id),
        },
    )


@task()
def send_assignment_reminder_mail(*, diagnostic_id: int) -> None:
    """To each assignee with unanswered questions: how many, and a link to « Mes questions »
    (no figure of the results). Re-read in the worker: questions answered meanwhile don't count."""
    diagnostic = _diagnostic(diagnostic_id)
    if diagnostic is None or diagnostic.is_submitted or diagnostic.is_archived:
        return
    counts = unanswered_by_assignee(diagnostic)
    kind = NotificationKind.ASSIGNMENT_REMINDER
    recipients = list(wanting(User.objects.filter(pk__in=list(counts)), kind).order_by("pk"))
    context = {"diagnostic": diagnostic, "link": link("my_questions")}
    for user in recipients:
        _send(
            recipients=[user],
            kind=kind,
            subject=lambda: (
                _("Des questions vous attendent dans le diagnostic « %(title)s »")
                % {"title": diagnostic.title}
            ),
            template="emails/notification_assignment_reminder.txt",
            context={**context, "count": counts[user.pk]},
        )
