from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from diagnostics.models import ReportFile


def make_report(diagnostic, content_hash, *, days_ago, status="pret"):
    name = default_storage.save(f"rapports/test/{content_hash}.pdf", ContentFile(b"%PDF-1.7"))
    report = ReportFile.objects.create(
        diagnostic=diagnostic,
        variant="complet",
        content_hash=content_hash,
        status=status,
        file=name,
    )
    ReportFile.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return ReportFile.objects.get(pk=report.pk)


def test_replaced_old_reports_are_deleted_with_their_files(diagnostic):
    old = make_report(diagnostic, "a" * 64, days_ago=30)
    recent_replaced = make_report(diagnostic, "b" * 64, days_ago=2)
    latest = make_report(diagnostic, "c" * 64, days_ago=1)
    call_command("prune_reports", "--days", "7")
    assert not ReportFile.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(old.file.name)
    assert ReportFile.objects.filter(pk=recent_replaced.pk).exists()
    assert ReportFile.objects.filter(pk=latest.pk).exists()
    assert default_storage.exists(latest.file.name)


def test_the_latest_report_is_kept_however_old(diagnostic):
    only = make_report(diagnostic, "d" * 64, days_ago=365)
    call_command("prune_reports", "--days", "7")
    assert ReportFile.objects.filter(pk=only.pk).exists()


def test_a_dry_run_deletes_nothing(diagnostic):
    old = make_report(diagnostic, "e" * 64, days_ago=30)
    make_report(diagnostic, "f" * 64, days_ago=1)
    call_command("prune_reports", "--dry-run")
    assert ReportFile.objects.filter(pk=old.pk).exists()
    assert default_storage.exists(old.file.name)
