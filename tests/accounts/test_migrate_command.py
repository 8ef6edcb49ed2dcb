"""The migrate command on databases of the former layout it cannot bring forward."""

import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


FORMER_LAYOUT_DUMP = REPO / "tests" / "data" / "upgrade" / "previous_main.sqlite.sql"


def _migrate(database: Path, *options: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "aeict.settings",
        "DEBUG": "1",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", *options],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _state(database: Path) -> tuple[list, list]:
    with sqlite3.connect(database) as db:
        tables = sorted(row[0] for row in db.execute("SELECT name FROM sqlite_master"))
        applied = sorted(db.execute("SELECT app, name FROM django_migrations"))
    return tables, applied


def test_it_refuses_a_database_whose_former_tables_are_missing_and_changes_nothing(tmp_path):
    database = tmp_path / "broken.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute(
            "CREATE TABLE django_migrations (id integer PRIMARY KEY AUTOINCREMENT, "
            "app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied datetime NOT NULL)"
        )
        db.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('diagnostics', '0001_initial', '2026-11-26 13:15:00')"
        )
    before = _state(database)

    result = _migrate(database)

    assert result.returncode != 0
    assert "Cette base ne peut pas être migrée" in result.stderr
    assert "diagnostics_user" in result.stderr
    assert "Rien n’a été modifié" in result.stderr
    assert _state(database) == before


def test_a_new_database_gets_the_accounts_tables_under_their_own_names(tmp_path):
    database = tmp_path / "new.sqlite3"

    result = _migrate(database)

    assert result.returncode == 0, result.stderr
    assert "ancienne organisation" not in result.stdout
    tables, applied = _state(database)
    for table in ["accounts_user", "accounts_user_groups", "accounts_collectivite"]:
        assert table in tables
    assert not [t for t in tables if t in ("diagnostics_user", "diagnostics_collectivite")]
    assert ("accounts", "0002_rename_tables") in applied


def test_plan_and_check_write_nothing_on_a_database_of_the_former_layout(tmp_path):
    database = tmp_path / "former.sqlite3"
    with sqlite3.connect(database) as db:
        db.executescript(FORMER_LAYOUT_DUMP.read_text())
    before = _state(database)

    for option in ("--plan", "--check"):
        result = _migrate(database, option)

        assert result.returncode != 0
        assert "ancienne organisation" in result.stderr
        assert "Rien n’a été modifié" in result.stderr
        assert _state(database) == before
