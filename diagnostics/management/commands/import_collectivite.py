"""manage.py import_collectivite FILE: recreate a collectivité from export_collectivite."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aeict.text import counted
from diagnostics.backup import BackupError, ImportRefused, import_collectivite


class Command(BaseCommand):
    help = (
        "Importe une collectivité exportée par export_collectivite. La version du catalogue "
        "utilisée doit être chargée (manage.py loadcatalogue) ; la collectivité ne doit pas "
        "déjà exister. Chaque valeur est vérifiée avant toute écriture : au moindre problème, "
        "rien n’est importé."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier JSON produit par export_collectivite.")
        parser.add_argument(
            "--attach-existing-accounts",
            action="store_true",
            help=(
                "Rattacher à la collectivité, avec le rôle du fichier, les membres dont le compte "
                "existe déjà dans cette base (même adresse électronique). Leur nom et leur mot "
                "de passe ne sont pas modifiés. Sans cette option, l’import est refusé."
            ),
        )

    def handle(self, *args, path, attach_existing_accounts, **options):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Impossible de lire « {path} » : {error}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"« {path} » n’est pas un fichier JSON valide : {error}") from None
        try:
            summary = import_collectivite(data, attach_existing_accounts=attach_existing_accounts)
        except ImportRefused as error:
            message = f"Import impossible : {error}"
            if error.existing_accounts and not attach_existing_accounts:
                message += (
                    "\nPour rattacher à la collectivité ces comptes qui existent déjà, avec le "
                    "rôle du fichier et sans changer leur nom ni leur mot de passe, relancez avec "
                    "--attach-existing-accounts."
                )
            raise CommandError(message) from None
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
                    "son nom et son mot de passe ne sont pas modifiés"
                    if summary.users_reused <= 1
                    else "leurs noms et mots de passe ne sont pas modifiés"
                )
                + " ; "
                + counted((summary.users_attached, "membre rattaché", "membres rattachés"))
                + " à la collectivité avec le rôle du fichier."
            )
