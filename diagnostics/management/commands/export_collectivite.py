"""manage.py export_collectivite --siren …: one collectivité's complete data as a JSON file."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Collectivite
from aeict.text import counted
from diagnostics.backup import BackupError, export_collectivite


class Command(BaseCommand):
    help = (
        "Exporte toutes les données d’une collectivité (membres, invitations, diagnostics, "
        "réponses et historique, plans d’action) dans un fichier JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--siren", required=True, help="SIREN de la collectivité.")
        parser.add_argument(
            "--output",
            "-o",
            default="-",
            help="Fichier JSON à écrire (par défaut : la sortie standard).",
        )

    def handle(self, *args, siren, output, **options):
        collectivite = Collectivite.objects.filter(siren=siren.strip()).first()
        if collectivite is None:
            raise CommandError(f"Aucune collectivité n’a le SIREN « {siren} ».")
        try:
            data = export_collectivite(collectivite)
        except BackupError as error:
            raise CommandError(f"Export impossible : {error}") from None
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if output == "-":
            self.stdout.write(text, ending="")
            report = self.stderr
        else:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Impossible d’écrire « {output} » : {error}") from None
            report = self.stdout
        diagnostics = data["diagnostics"]
        report.write(
            self.style.SUCCESS(
                f"« {collectivite.name} » exportée"
                + ("" if output == "-" else f" dans {output}")
                + " : "
                + counted(
                    (len(data["memberships"]), "membre", "membres"),
                    (len(data["users"]), "compte", "comptes"),
                    (len(data["invitations"]), "invitation", "invitations"),
                    (len(diagnostics), "diagnostic", "diagnostics"),
                    (sum(len(d["answers"]) for d in diagnostics), "réponse", "réponses"),
                    (sum(len(d["plan"]) for d in diagnostics), "action de plan", "actions de plan"),
                )
                + "."
            )
        )
        if output != "-":
            report.write(
                "Ce fichier contient les mots de passe chiffrés des comptes : conservez-le "
                "en lieu sûr."
            )
