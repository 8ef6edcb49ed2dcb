"""manage.py prune_access_requests: delete refused access requests after a year, as the
« Données personnelles » page says. Meant for a daily cron."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.enums import AccessRequestStatus
from accounts.models import AccessRequest
from aeict.text import counted

KEEP_REFUSED_DAYS = 365


class Command(BaseCommand):
    help = "Supprime les demandes d’accès refusées depuis plus d’un an."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=KEEP_REFUSED_DAYS)
        deleted, _by_model = AccessRequest.objects.filter(
            status=AccessRequestStatus.REFUSED, decided_at__lt=cutoff
        ).delete()
        self.stdout.write(
            counted(
                (
                    deleted,
                    "demande d’accès refusée supprimée",
                    "demandes d’accès refusées supprimées",
                )
            )
            + "."
        )
