"""« Depuis votre dernière visite »: what others did in a person's collectivités since they last
looked at the dashboard. A handful of queries whatever the number of events."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.enums import MemberEventKind
from accounts.models import MemberEvent, User
from diagnostics.enums import ReportStatus
from diagnostics.models import AnswerChange, DashboardVisit, Diagnostic, ReportFile

MAX_CHANGES = 5
# A visit is a run of dashboard views less than VISIT_GAP apart: reloading the page keeps its
# list. The time of the last view is written at most every SEEN_PRECISION.
VISIT_GAP = timedelta(minutes=30)
SEEN_PRECISION = timedelta(minutes=2)


@dataclass(frozen=True)
class Change:
    at: datetime
    text: str
    url: str


def record_visit(user: User) -> datetime | None:
    """Note the view; return since when this visit lists changes (None on a first visit)."""
    now = timezone.now()
    visit = DashboardVisit.objects.filter(user=user).first()
    if visit is None:
        DashboardVisit.objects.create(user=user, last_seen_at=now)
        return None
    if now - visit.last_seen_at > VISIT_GAP:  # a new visit: what happened since the last one
        visit.changes_since = visit.last_seen_at
        visit.last_seen_at = now
        visit.save(update_fields=["changes_since", "last_seen_at"])
    elif now - visit.last_seen_at > SEEN_PRECISION:
        visit.last_seen_at = now
        visit.save(update_fields=["last_seen_at"])
    return visit.changes_since


def _name(user: User | None) -> str:
    return user.display_name if user else _("Quelqu’un")


def changes_since(*, user: User, collectivite_ids: list[int], since: datetime) -> list[Change]:
    """At most MAX_CHANGES changes made by others after ``since``, the latest first."""
    if not collectivite_ids:
        return []
    diagnostics = Diagnostic.objects.filter(collectivite_id__in=collectivite_ids)
    changes = []
    for diagnostic in (
        diagnostics.filter(submitted_at__gt=since)
        .exclude(submitted_by=user)
        .select_related("submitted_by")
        .order_by("-submitted_at")[:MAX_CHANGES]
    ):
        changes.append(
            Change(
                diagnostic.submitted_at,
                _("%(name)s a soumis « %(title)s » : les résultats sont prêts.")
                % {"name": _name(diagnostic.submitted_by), "title": diagnostic.title},
                reverse("diagnostic_results", args=[diagnostic.public_id]),
            )
        )
    for diagnostic in (
        diagnostics.filter(reopened_at__gt=since)
        .exclude(reopened_by=user)
        .select_related("reopened_by")
        .order_by("-reopened_at")[:MAX_CHANGES]
    ):
        changes.append(
            Change(
                diagnostic.reopened_at,
                _("%(name)s a rouvert « %(title)s ».")
                % {"name": _name(diagnostic.reopened_by), "title": diagnostic.title},
                reverse("diagnostic_overview", args=[diagnostic.public_id]),
            )
        )
    for event in (
        MemberEvent.objects.filter(
            collectivite_id__in=collectivite_ids,
            kind=MemberEventKind.INVITATION_ACCEPTED,
            created_at__gt=since,
        )
        .exclude(actor=user)
        .select_related("collectivite")
        .order_by("-created_at")[:MAX_CHANGES]
    ):
        changes.append(
            Change(
                event.created_at,
                _("%(name)s a rejoint %(collectivite)s.")
                % {
                    "name": event.target_name or event.target_email,
                    "collectivite": event.collectivite.name,
                },
                "",
            )
        )
    for report in (
        ReportFile.objects.filter(
            diagnostic__collectivite_id__in=collectivite_ids,
            requested_by=user,
            status=ReportStatus.READY,
            finished_at__gt=since,
        )
        .select_related("diagnostic")
        .order_by("-finished_at")[:MAX_CHANGES]
    ):
        changes.append(
            Change(
                report.finished_at,
                _("Votre rapport « %(report)s » de « %(title)s » est prêt.")
                % {"report": report.get_variant_display(), "title": report.diagnostic.title},
                reverse("report_status", args=[report.diagnostic.public_id, report.public_id]),
            )
        )
    saved = (
        AnswerChange.objects.filter(
            answer__diagnostic__collectivite_id__in=collectivite_ids, changed_at__gt=since
        )
        .exclude(changed_by=user)
        .values("answer__diagnostic__public_id", "answer__diagnostic__title")
        .annotate(count=Count("pk"), last=Max("changed_at"))
        .order_by("-last")[:MAX_CHANGES]
    )
    for row in saved:
        changes.append(
            Change(
                row["last"],
                ngettext(
                    "%(count)s réponse enregistrée par d’autres dans « %(title)s ».",
                    "%(count)s réponses enregistrées par d’autres dans « %(title)s ».",
                    row["count"],
                )
                % {"count": row["count"], "title": row["answer__diagnostic__title"]},
                reverse("diagnostic_overview", args=[row["answer__diagnostic__public_id"]]),
            )
        )
    changes.sort(key=lambda change: change.at, reverse=True)
    return changes[:MAX_CHANGES]
