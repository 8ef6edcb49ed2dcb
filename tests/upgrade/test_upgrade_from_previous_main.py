"""A database made by the previous main migrates to the current layout and keeps every row.

The dumps in tests/data/upgrade/ were made at commit 4c7c469, when User, Collectivite, Membership
and Invitation lived in ``diagnostics`` (see the README there). Each test loads the dump of the
test database's vendor into a database of its own, never the test database, and runs the real
``manage.py migrate`` on it in a subprocess, as an upgrade in production would.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.db import connection

REPO_ROOT = Path(__file__).resolve().parents[2]
DUMPS = REPO_ROOT / "tests" / "data" / "upgrade"

NEW_APP_LABEL = "accounts"
OLD_APP_LABEL = "diagnostics"
MOVED_MODELS = ("user", "collectivite", "membership", "invitation")
TABLE_RENAMES = {
    f"{OLD_APP_LABEL}_{name}": f"{NEW_APP_LABEL}_{name}"
    for name in (*MOVED_MODELS, "user_groups", "user_user_permissions")
}
# Compared on their own terms: the upgrade writes history, relabels content types.
SPECIAL_TABLES = {"django_migrations", "django_content_type", "auth_permission"}

# From diagnostics/management/commands/seed_demo.py and tests/data/upgrade/extra_rows.py.
DEMO_PASSWORD = "demo-aeict-2026"
REFERENT_EMAIL = "referent@val-darmor.localhost"
MAIN_COLLECTIVITE = "Ville de Val-d’Armor (démo)"
EDITOR_EMAIL = "editeur@aeict.localhost"

COMMAND_TIMEOUT = 180
# Django options that are not libpq connection parameters.
_DJANGO_ONLY_OPTIONS = {
    "assume_role",
    "cursor_factory",
    "isolation_level",
    "pool",
    "server_side_binding",
}


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: Counter

    def project(self, columns: tuple[str, ...]) -> Counter:
        """The rows restricted to ``columns`` (those of the table before the upgrade)."""
        indexes = [self.columns.index(name) for name in columns]
        projected = Counter()
        for row, count in self.rows.items():
            projected[tuple(row[i] for i in indexes)] += count
        return projected


class UpgradeDatabase:
    """A database of its own holding the previous main's dump, read with plain SQL."""

    vendor: str
    url: str

    def connect(self):
        raise NotImplementedError

    def tables(self, conn) -> list[str]:
        raise NotImplementedError

    def columns(self, conn, table: str) -> tuple[str, ...]:
        raise NotImplementedError

    def select(self, table: str, columns: tuple[str, ...]) -> str:
        raise NotImplementedError

    def normalise(self, value):
        return value

    def broken_foreign_keys(self) -> list:
        """References that no longer lead to a row (SQLite does not enforce them while
        renaming tables) or constraints left unchecked (PostgreSQL)."""
        raise NotImplementedError

    def snapshot(self) -> dict[str, Table]:
        """Every row of every table, as multisets of tuples comparable between two reads."""
        result = {}
        with closing(self.connect()) as conn:
            for table in self.tables(conn):
                columns = self.columns(conn, table)
                cursor = conn.cursor()
                cursor.execute(self.select(table, columns))
                rows = Counter(tuple(self.normalise(v) for v in row) for row in cursor.fetchall())
                cursor.close()
                result[table] = Table(columns, rows)
        return result


class SQLiteDatabase(UpgradeDatabase):
    vendor = "sqlite"

    def __init__(self, path: Path):
        self.path = path
        self.url = f"sqlite:///{path}"  # the path is absolute: sqlite:////tmp/...

    def load(self, dump: Path) -> None:
        with closing(sqlite3.connect(self.path)) as conn:
            conn.executescript(dump.read_text(encoding="utf-8"))

    def connect(self):
        return sqlite3.connect(self.path)

    def tables(self, conn) -> list[str]:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        ).fetchall()
        return [name for (name,) in rows]

    def columns(self, conn, table: str) -> tuple[str, ...]:
        return tuple(row[1] for row in conn.execute(f'PRAGMA table_info("{table}")'))

    def select(self, table: str, columns: tuple[str, ...]) -> str:
        return "SELECT {} FROM {}".format(", ".join(f'"{c}"' for c in columns), f'"{table}"')

    def normalise(self, value):
        return value.hex() if isinstance(value, bytes) else value

    def broken_foreign_keys(self) -> list:
        with closing(self.connect()) as conn:
            return conn.execute("PRAGMA foreign_key_check").fetchall()


class PostgreSQLDatabase(UpgradeDatabase):
    vendor = "postgresql"

    def __init__(self, settings: dict, name: str):
        self.name = name
        self.host = settings.get("HOST") or ""
        self.port = str(settings.get("PORT") or "")
        self.user = settings.get("USER") or ""
        self.password = settings.get("PASSWORD") or ""
        self.options = {
            key: str(value)
            for key, value in (settings.get("OPTIONS") or {}).items()
            if key not in _DJANGO_ONLY_OPTIONS
        }
        self.url = self._url()

    def _url(self) -> str:
        """DATABASE_URL as aeict.env.database_from_url reads it (a socket directory goes in
        the query string, which becomes OPTIONS)."""
        options = dict(self.options)
        host = self.host
        if host.startswith("/"):
            options["host"] = host
            host = ""
        userinfo = quote(self.user, safe="")
        if self.password:
            userinfo += ":" + quote(self.password, safe="")
        netloc = (userinfo + "@" if userinfo else "") + host
        if self.port:
            netloc += f":{self.port}"
        query = f"?{urlencode(options)}" if options else ""
        return f"postgres://{netloc}/{quote(self.name, safe='')}{query}"

    def _params(self, dbname: str) -> dict:
        params = {**self.options, "dbname": dbname}
        for key, value in (("host", self.host), ("port", self.port), ("user", self.user)):
            if value:
                params[key] = value
        if self.password:
            params["password"] = self.password
        return params

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(**self._params("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def create(self) -> None:
        self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def load(self, dump: Path) -> None:
        psql = shutil.which("psql")
        if psql is None:
            pytest.fail("psql (PostgreSQL client) is needed to load the PostgreSQL dump")
        command = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"]
        for flag, value in (("-h", self.host), ("-p", self.port), ("-U", self.user)):
            if value:
                command += [flag, value]
        command += ["-d", self.name, "-f", str(dump)]
        env = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
        if self.password:
            env["PGPASSWORD"] = self.password
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
        )
        assert result.returncode == 0, f"psql failed to load {dump.name}:\n{result.stderr}"

    def connect(self):
        import psycopg

        conn = psycopg.connect(**self._params(self.name), autocommit=True)
        conn.execute("SET TIME ZONE 'UTC'")
        return conn

    def tables(self, conn) -> list[str]:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
        return [name for (name,) in rows]

    def columns(self, conn, table: str) -> tuple[str, ...]:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
            [table],
        ).fetchall()
        return tuple(name for (name,) in rows)

    def broken_foreign_keys(self) -> list:
        with closing(self.connect()) as conn:
            return conn.execute(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint "
                "WHERE contype = 'f' AND NOT convalidated"
            ).fetchall()

    def select(self, table: str, columns: tuple[str, ...]) -> str:
        # Text, as the server writes it: JSON, UUIDs, decimals, addresses compare as strings.
        return "SELECT {} FROM {}".format(
            ", ".join(f'"{c}"::text' for c in columns), f'public."{table}"'
        )


@pytest.fixture
def upgrade_db(tmp_path):
    """The previous main's database, loaded from the dump of the test database's vendor."""
    vendor = connection.vendor
    dump = DUMPS / f"previous_main.{vendor}.sql"
    if vendor == "sqlite":
        database = SQLiteDatabase(tmp_path / "previous_main.sqlite3")
        database.load(dump)
        yield database
    elif vendor == "postgresql":
        database = PostgreSQLDatabase(
            connection.settings_dict, f"aeict_upgrade_{uuid.uuid4().hex[:12]}"
        )
        database.create()
        try:
            database.load(dump)
            yield database
        finally:
            database.drop()
    else:
        pytest.fail(f"No upgrade fixture for the database vendor {vendor!r}")


def manage(database: UpgradeDatabase, *args: str) -> subprocess.CompletedProcess:
    """``manage.py`` with the production settings, against the upgrade database only."""
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DJANGO_SETTINGS_MODULE": "aeict.settings",
        "DEBUG": "1",
        "SECRET_KEY": "upgrade-test-only-secret-key-not-for-production-0123456789",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def migrate(database: UpgradeDatabase) -> None:
    result = manage(database, "migrate", "--no-input")
    assert result.returncode == 0, (
        f"migrate exited with {result.returncode}\n"
        f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-8000:]}"
    )


def _missing(expected: Counter, actual: Counter) -> Counter:
    """Rows of ``expected`` that ``actual`` lacks (with multiplicity)."""
    return expected - actual


def _describe(rows: Counter, limit: int = 5) -> str:
    shown = [repr(row) for row in sorted(rows.elements(), key=repr)[:limit]]
    more = sum(rows.values()) - len(shown)
    return "\n  ".join(shown) + (f"\n  … and {more} more" if more > 0 else "")


def _moved(app_label, model) -> bool:
    return app_label == OLD_APP_LABEL and model in MOVED_MODELS


def assert_rows_kept(before: dict[str, Table], after: dict[str, Table]) -> None:
    """Every table of before is in after (renamed if it moved), with every row of before."""
    problems = []
    for old_name, old in sorted(before.items()):
        if old_name in SPECIAL_TABLES:
            continue
        new_name = TABLE_RENAMES.get(old_name, old_name)
        if new_name not in after:
            problems.append(f"{old_name}: no table {new_name} after the upgrade")
            continue
        new = after[new_name]
        lost_columns = [c for c in old.columns if c not in new.columns]
        if lost_columns:
            problems.append(f"{old_name} -> {new_name}: columns {lost_columns} are gone")
            continue
        missing = _missing(old.rows, new.project(old.columns))
        if missing:
            problems.append(
                f"{old_name} -> {new_name}: {sum(missing.values())} of "
                f"{sum(old.rows.values())} rows lost or changed:\n  {_describe(missing)}"
            )
    assert not problems, "\n".join(problems)


def assert_content_types_relabelled(before: dict[str, Table], after: dict[str, Table]) -> None:
    columns = ("id", "app_label", "model")
    old = before["django_content_type"].project(columns)
    new = after["django_content_type"].project(columns)
    expected = Counter()
    for (pk, app_label, model), count in old.items():
        label = NEW_APP_LABEL if _moved(app_label, model) else app_label
        expected[(pk, label, model)] += count
    missing = _missing(expected, new)
    assert not missing, f"django_content_type rows lost or not relabelled:\n  {_describe(missing)}"
    for model in MOVED_MODELS:
        labels = sorted(label for (_pk, label, name) in new.elements() if name == model)
        assert labels == [NEW_APP_LABEL], f"content types of the model {model}: {labels}"


def assert_permissions_kept(before: dict[str, Table], after: dict[str, Table]) -> None:
    columns = ("id", "content_type_id", "codename")
    old = before["auth_permission"].project(columns)
    new = after["auth_permission"].project(columns)
    missing = _missing(old, new)
    assert not missing, f"auth_permission rows lost or changed:\n  {_describe(missing)}"


ORM_CHECK = """
import json

from django.contrib.admin.models import LogEntry
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.test import RequestFactory

from {app}.models import Collectivite, Invitation, Membership, User


def login(email, password):
    # django-axes' backend needs a request.
    return authenticate(RequestFactory().post("/"), username=email, password=password)


referent = login({referent!r}, {password!r})
editor = User.objects.get(email={editor!r})
with transaction.atomic():
    # New rows must get fresh ids: the tables' sequences survived the move.
    collectivite = Collectivite.objects.create(name="Essai", kind="commune", siren="000000000")
    user = User.objects.create_user(email="essai@upgrade.localhost")
    membership = Membership.objects.create(user=user, collectivite=collectivite, role="agent")
    invitation = Invitation.objects.create(
        collectivite=collectivite, email="essai2@upgrade.localhost", role="agent", invited_by=user
    )
    user.groups.add(Group.objects.first())
    user.user_permissions.add(Permission.objects.first())
    fresh = {{
        "user": user.pk,
        "collectivite": collectivite.pk,
        "membership": membership.pk,
        "invitation": invitation.pk,
    }}
    transaction.set_rollback(True)
print("UPGRADE-CHECK " + json.dumps({{
    "user_model": get_user_model()._meta.label,
    "counts": {{
        "user": User.objects.count(),
        "collectivite": Collectivite.objects.count(),
        "membership": Membership.objects.count(),
        "invitation": Invitation.objects.count(),
    }},
    "pending_invitations": Invitation.objects.filter(accepted_at__isnull=True).count(),
    "referent": referent.email if referent else None,
    "referent_memberships": sorted(
        [m.collectivite.name, m.role] for m in referent.memberships.all()
    ) if referent else [],
    "wrong_password_refused": login({referent!r}, "not-the-password") is None,
    "editor_permissions": sorted(editor.get_all_permissions()),
    "admin_log": sorted(
        [entry.content_type.app_label, str(entry.get_edited_object())]
        for entry in LogEntry.objects.all()
    ),
    "fresh_ids": fresh,
}}))
"""


def orm_check(database: UpgradeDatabase) -> dict:
    """Run ORM_CHECK in the migrated database's own Django process and return its report."""
    script = ORM_CHECK.format(
        app=NEW_APP_LABEL, referent=REFERENT_EMAIL, password=DEMO_PASSWORD, editor=EDITOR_EMAIL
    )
    result = manage(database, "shell", "-v", "0", "-c", script)
    assert result.returncode == 0, f"ORM check failed:\n{result.stdout}\n{result.stderr[-8000:]}"
    lines = [line for line in result.stdout.splitlines() if line.startswith("UPGRADE-CHECK ")]
    assert len(lines) == 1, result.stdout
    return json.loads(lines[0].removeprefix("UPGRADE-CHECK "))


def _max_id(table: Table) -> int:
    index = table.columns.index("id")
    return max(int(row[index]) for row in table.rows)


def test_previous_main_database_migrates_with_all_its_rows(upgrade_db):
    before = upgrade_db.snapshot()
    # The dump is the previous layout, with rows in every table that matters here.
    assert set(TABLE_RENAMES) <= set(before)
    for name in [*TABLE_RENAMES, "django_admin_log", "diagnostics_planactionchange"]:
        assert before[name].rows, f"the fixture has no rows in {name}"
    assert upgrade_db.broken_foreign_keys() == []

    migrate(upgrade_db)
    after = upgrade_db.snapshot()
    assert upgrade_db.broken_foreign_keys() == []

    assert_rows_kept(before, after)
    assert_content_types_relabelled(before, after)
    assert_permissions_kept(before, after)
    applied_apps = {row[0] for row in after["django_migrations"].project(("app",))}
    assert NEW_APP_LABEL in applied_apps

    report = orm_check(upgrade_db)
    assert report["user_model"] == f"{NEW_APP_LABEL}.User"
    assert report["counts"] == {
        model: sum(before[f"{OLD_APP_LABEL}_{model}"].rows.values()) for model in MOVED_MODELS
    }
    assert report["pending_invitations"] == 1
    assert report["referent"] == REFERENT_EMAIL, "the demo référent can no longer log in"
    assert report["referent_memberships"] == [[MAIN_COLLECTIVITE, "referent"]]
    assert report["wrong_password_refused"] is True
    assert report["editor_permissions"] == sorted(
        [
            f"{NEW_APP_LABEL}.view_collectivite",
            "diagnostics.view_diagnostic",
            "recommendations.change_recommendation",
            "recommendations.view_question",
            "recommendations.view_recommendation",
        ]
    )
    assert report["admin_log"] == sorted(
        [[NEW_APP_LABEL, MAIN_COLLECTIVITE], ["auth", "Éditeurs du catalogue"]]
    )
    for model, pk in report["fresh_ids"].items():
        assert pk > _max_id(before[f"{OLD_APP_LABEL}_{model}"]), (model, pk)


def test_migrating_again_changes_nothing(upgrade_db):
    migrate(upgrade_db)
    first = upgrade_db.snapshot()
    assert f"{NEW_APP_LABEL}_user" in first, f"no {NEW_APP_LABEL}_user table: {sorted(first)}"

    migrate(upgrade_db)
    second = upgrade_db.snapshot()

    assert sorted(second) == sorted(first)
    for name, table in first.items():
        assert second[name].columns == table.columns, name
        assert second[name].rows == table.rows, (
            f"{name} changed on the second migrate:\n"
            f"  gone: {_describe(table.rows - second[name].rows)}\n"
            f"  new: {_describe(second[name].rows - table.rows)}"
        )
