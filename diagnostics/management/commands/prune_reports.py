"""manage.py prune_reports: delete cached PDF reports that newer data has replaced."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db.models import Max
from django.utils import timezone

from diagnostics.enums import ReportStatus
from diagnostics.models import ReportFile


class Command(BaseCommand):
    help = (
        "Supprime les rapports PDF en cache qui ne sont plus les derniers de leur diagnostic "
        "(même type de rapport) et qui ont plus de N jours."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="Âge minimal, en jours (7).")
        parser.add_argument("--dry-run", action="store_true", help="Afficher sans rien supprimer.")

    def handle(self, *args, days, dry_run, **options):
        cutoff = timezone.now() - timedelta(days=days)
        latest = {
            (row["diagnostic_id"], row["variant"]): row["newest"]
            for row in ReportFile.objects.values("diagnostic_id", "variant").annotate(
                newest=Max("created_at")
            )
        }
        stale = [
            report
            for report in ReportFile.objects.filter(created_at__lt=cutoff).exclude(
                status__in=[ReportStatus.PENDING, ReportStatus.RUNNING]
            )
            if report.created_at < latest[(report.diagnostic_id, report.variant)]
        ]
        for report in stale:
            if not dry_run:
                if report.file and default_storage.exists(report.file.name):
                    default_storage.delete(report.file.name)
                report.delete()
        if dry_run:
            self.stdout.write(f"Rapports remplacés à supprimer\u00a0: {len(stale)}.")
        else:
            self.stdout.write(f"Rapports remplacés supprimés\u00a0: {len(stale)}.")
