"""The migration that makes e-mail addresses unique whatever their case, on existing data."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

REPO = Path(__file__).resolve().parents[2]
BEFORE = ("accounts", "0002_rename_tables")
AFTER = ("accounts", "0003_email_unique_whatever_the_case")
CONSTRAINT = "accounts_user_email_ci_unique"


@pytest.fixture
def before_the_migration(transactional_db):
    """The apps of the database migrated up to accounts.0002; every app migrated back after."""
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "accounts"]
    executor.migrate([*others, BEFORE])
    yield executor.loader.project_state([*others, BEFORE]).apps
    for model in ("Invitation", "User"):
        executor.loader.project_state([*others, BEFORE]).apps.get_model(
            "accounts", model
        ).objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_to(target):
    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "accounts"]
    executor.migrate([*others, target])
    return executor.loader.project_state([*others, target]).apps


def constraint_names() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, "accounts_user"))


def emails(apps, model="User") -> list[str]:
    return sorted(apps.get_model("accounts", model).objects.values_list("email", flat=True))


def test_existing_addresses_are_lower_cased_then_held_unique(before_the_migration):
    apps = before_the_migration
    apps.get_model("accounts", "User").objects.create(email="A@x.fr", password="")
    apps.get_model("accounts", "User").objects.create(email="b@x.fr", password="")
    collectivite = apps.get_model("accounts", "Collectivite").objects.create(
        name="Ancienne", kind="commune", siren="213500000"
    )
    apps.get_model("accounts", "Invitation").objects.create(
        collectivite=collectivite, email="Nouvelle@X.fr", role="agent"
    )
    assert CONSTRAINT not in constraint_names()

    apps = migrate_to(AFTER)

    assert emails(apps) == ["a@x.fr", "b@x.fr"]
    assert emails(apps, "Invitation") == ["nouvelle@x.fr"]
    assert CONSTRAINT in constraint_names()
    # Reversible: the constraint goes, the addresses stay lower-cased.
    apps = migrate_to(BEFORE)
    assert CONSTRAINT not in constraint_names()
    assert emails(apps) == ["a@x.fr", "b@x.fr"]


def test_accounts_that_differ_only_by_case_stop_the_migration_which_changes_nothing(
    before_the_migration,
):
    apps = before_the_migration
    User = apps.get_model("accounts", "User")
    upper = User.objects.create(email="A@x.fr", password="")
    lower = User.objects.create(email="a@x.fr", password="")
    User.objects.create(email="C@x.fr", password="")

    with pytest.raises(CommandError) as refusal:
        migrate_to(AFTER)

    message = str(refusal.value)
    assert "même adresse électronique à la casse près" in message
    listed = f"A@x.fr (compte n°\u00a0{upper.pk}), a@x.fr (compte n°\u00a0{lower.pk})"
    assert f"a@x.fr\u00a0: {listed}" in message
    assert "C@x.fr" not in message  # alone in its case: not a duplicate
    assert "Rien n’a été modifié" in message
    assert "«\u00a0manage.py migrate\u00a0»" in message
    assert emails(apps) == ["A@x.fr", "C@x.fr", "a@x.fr"]
    assert CONSTRAINT not in constraint_names()
    assert AFTER not in MigrationExecutor(connection).recorder.applied_migrations()


def test_manage_py_migrate_says_what_to_do_without_a_traceback(tmp_path):
    database = tmp_path / "doublons.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "aeict.settings",
        "DEBUG": "1",
    }

    def migrate(*target):
        return subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", *target],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    assert migrate("accounts", BEFORE[1]).returncode == 0
    with sqlite3.connect(database) as db:
        for email in ["Referent@Val-Darmor.localhost", "referent@val-darmor.localhost"]:
            db.execute(
                "INSERT INTO accounts_user (email, password, full_name, is_staff, is_active, "
                "is_superuser, date_joined) VALUES (?, '', '', 0, 1, 0, '2026-11-30 10:00:00')",
                [email],
            )

    result = migrate()

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "referent@val-darmor.localhost\u00a0: Referent@Val-Darmor.localhost" in result.stderr
    assert "Rien n’a été modifié" in result.stderr
    with sqlite3.connect(database) as db:
        stored = sorted(email for (email,) in db.execute("SELECT email FROM accounts_user"))
        applied = {name for (name,) in db.execute("SELECT name FROM django_migrations")}
    assert stored == ["Referent@Val-Darmor.localhost", "referent@val-darmor.localhost"]
    assert AFTER[1] not in applied
