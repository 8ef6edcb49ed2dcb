"""manage.py load_territories: load the official list of collectivités from the package's data
files, then bring the collectivités linked to it in step (kind, population)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.official import refresh_from_official_list
from territories.services import TerritoryFileError, load_territories
from territories.source import PACKAGE, RELEASE, default_data_dir


class Command(BaseCommand):
    help = (
        "Charge la liste officielle des collectivités (communes, EPCI, départements, régions) "
        "depuis les fichiers JSON du paquet @etalab/decoupage-administratif."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Dossier des fichiers JSON (par défaut : celui de fetch_territories).",
        )

    def handle(self, *args, path, **options):
        data_dir = Path(path) if path else default_data_dir()
        started = time.monotonic()
        try:
            with transaction.atomic():
                result = load_territories(data_dir=data_dir)
                refreshed = refresh_from_official_list()
        except TerritoryFileError as error:
            raise CommandError(f"{error}\nRien n’a été modifié.") from None
        elapsed = time.monotonic() - started
        source = f"{PACKAGE} {RELEASE.version}, millésime {RELEASE.millesime}"
        if result.changed or refreshed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Liste officielle chargée ({source}) : {result.total} entrées, "
                    f"{result.created} ajoutées, {result.updated} modifiées, "
                    f"{result.retired} retirées ; {refreshed} collectivités mises à jour "
                    f"({elapsed:.1f} s)."
                )
            )
        else:
            self.stdout.write(
                f"Liste officielle déjà à jour ({source}, {result.total} entrées) : "
                f"rien à changer ({elapsed:.1f} s)."
            )
