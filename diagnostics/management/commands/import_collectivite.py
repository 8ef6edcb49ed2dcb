"""manage.py import_collectivite FILE: recreate a collectivité from export_collectivite."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aeict.text import counted
from diagnostics.backup import BackupError, import_collectivite


class Command(BaseCommand):
    help = (
        "Importe une collectivité exportée par export_collectivite. La version du catalogue "
        "utilisée doit être chargée (manage.py loadcatalogue) ; la collectivité ne doit pas "
        "déjà exister."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier JSON produit par export_collectivite.")

    def handle(self, *args, path, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Impossible de lire « {path} » : {error}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"« {path} » n’est pas un fichier JSON valide : {error}") from None
        try:
            summary = import_collectivite(data)
        except BackupError as error:
            raise CommandError(f"Import impossible : {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"« {summary.collectivite.name} » importée : "
                + counted(
                    (summary.diagnostics, "diagnostic", "diagnostics"),
                    (summary.answers, "réponse", "réponses"),
                    (summary.plan_actions, "action de plan", "actions de plan"),
                    (summary.users_created, "compte créé", "comptes créés"),
                )
                + "."
            )
        )
        if summary.users_reused:
            self.stdout.write(
                counted((summary.users_reused, "compte existait", "comptes existaient"))
                + " déjà avec la même adresse : "
                + (
                    "il est rattaché à la collectivité sans être modifié."
                    if summary.users_reused <= 1
                    else "ils sont rattachés à la collectivité sans être modifiés."
                )
            )
