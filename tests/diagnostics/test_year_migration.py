"""Migration 0005 gives existing diagnostics a year without ever failing on their data."""

from datetime import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = ("diagnostics", "0004_report_queued_at")
AFTER = ("diagnostics", "0005_diagnostic_year_and_events")


def moment(year, month=6):
    return timezone.make_aware(datetime(year, month, 1, 12))


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_years_and_leaves_duplicates_without_one(migrations_restored):
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "diagnostics"]
    before, after = [*others, BEFORE], [*others, AFTER]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    Collectivite = apps.get_model("accounts", "Collectivite")
    catalogue = apps.get_model("recommendations", "CatalogueVersion").objects.create(
        code="ancien", title="Ancien"
    )
    old = apps.get_model("diagnostics", "Diagnostic")
    brelac = Collectivite.objects.create(name="Brélac", kind="commune", siren="213500000")
    rives = Collectivite.objects.create(name="Deux-Rives", kind="commune", siren="213500001")
    rows = [
        # The demo's situation: three « Diagnostic 2026 » of one collectivité; the submitted
        # one keeps the year, even though another was created after it.
        (brelac, "Diagnostic 2026", "en_cours", None, moment(2026, 1)),
        (brelac, "Diagnostic 2026", "soumis", moment(2026, 3), moment(2026, 2)),
        (brelac, "Diagnostic 2026", "brouillon", None, moment(2026, 4)),
        # No year in the title (or one out of range): the year of creation.
        (brelac, "Bilan", "en_cours", None, moment(2024)),
        (brelac, "Plan 1999", "en_cours", None, moment(2023)),
        # Nothing submitted: the most recently created keeps the year.
        (rives, "Diagnostic 2025", "en_cours", None, moment(2025, 1)),
        (rives, "Diagnostic 2025 bis", "brouillon", None, moment(2025, 5)),
    ]
    for collectivite, title, status, submitted_at, created_at in rows:
        diagnostic = old.objects.create(
            collectivite=collectivite,
            catalogue=catalogue,
            title=title,
            status=status,
            submitted_at=submitted_at,
        )
        old.objects.filter(pk=diagnostic.pk).update(created_at=created_at)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new_apps = executor.loader.project_state(after).apps
    new = new_apps.get_model("diagnostics", "Diagnostic")
    years = list(new.objects.order_by("pk").values_list("title", "status", "year"))
    assert years == [
        ("Diagnostic 2026", "en_cours", None),
        ("Diagnostic 2026", "soumis", 2026),
        ("Diagnostic 2026", "brouillon", None),
        ("Bilan", "en_cours", 2024),
        ("Plan 1999", "en_cours", 2023),
        ("Diagnostic 2025", "en_cours", None),
        ("Diagnostic 2025 bis", "brouillon", 2025),
    ]
    events = new_apps.get_model("diagnostics", "DiagnosticEvent").objects.all()
    assert [(e.kind, e.title, e.created_at) for e in events] == [
        ("soumis", "Diagnostic 2026", moment(2026, 3))
    ]
    # Reversible, and the database is left migrated for the next tests.
    executor.loader.build_graph()
    executor.migrate(before)
    executor.loader.build_graph()
    executor.migrate(after)
