"""Django's migrate, which first brings a database of the former layout into the accounts app.

User, Collectivite, Membership and Invitation used to belong to the diagnostics app. Django's own
auth and admin migrations, applied long ago on such a database, now depend on accounts.0001, which
only records those models in the accounts app over the existing tables (it changes nothing in the
database). Django refuses to migrate a history where an applied migration depends on an unapplied
one, so this command records accounts.0001 as applied first, once the tables it describes are
checked to be there; the following migrations then run as usual and rename the tables.
"""

from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMER_LAYOUT = ("diagnostics", "0001_initial")
TAKEOVER = ("accounts", "0001_initial")
FORMER_TABLES = (
    "diagnostics_user",
    "diagnostics_user_groups",
    "diagnostics_user_user_permissions",
    "diagnostics_collectivite",
    "diagnostics_membership",
    "diagnostics_invitation",
)


def adopt_former_layout(connection, *, dry_run: bool = False) -> bool:
    """Record the takeover migration on a database of the former layout; True when it did.

    With ``dry_run`` (``--plan``, ``--check``), write nothing and say what a real run would do.
    """
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    applied = recorder.applied_migrations()
    if FORMER_LAYOUT not in applied or TAKEOVER in applied:
        return False
    tables = set(connection.introspection.table_names())
    missing = [table for table in FORMER_TABLES if table not in tables]
    if missing:
        raise CommandError(
            "Cette base ne peut pas être migrée : elle dit avoir appliqué "
            "diagnostics.0001_initial mais les tables suivantes manquent : "
            + ", ".join(missing)
            + ". Rien n’a été modifié. Restaurez la dernière sauvegarde (docs/backup.md) "
            "avant de relancer la migration."
        )
    if dry_run:
        raise CommandError(
            "Cette base est de l’ancienne organisation : un « migrate » sans --plan ni --check "
            "enregistrera d’abord accounts.0001_initial (sans toucher aux tables), puis "
            "renommera les tables des comptes et des collectivités. Rien n’a été modifié."
        )
    with transaction.atomic(using=connection.alias):
        recorder.record_applied(*TAKEOVER)
    return True


class Command(migrate.Command):
    def handle(self, *args, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        dry_run = bool(options.get("plan") or options.get("check_unapplied"))
        if adopt_former_layout(connection, dry_run=dry_run) and options.get("verbosity", 1) >= 1:
            self.stdout.write(
                "Base de l’ancienne organisation : les comptes et les collectivités passent "
                "dans l’application accounts (accounts.0001_initial enregistrée)."
            )
        super().handle(*args, **options)
