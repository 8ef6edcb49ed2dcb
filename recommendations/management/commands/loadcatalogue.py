"""manage.py loadcatalogue: load catalogue data files into catalogue versions.

Without a path, every file of recommendations/catalogue/ is loaded, oldest version first, so that
the newest is the latest published (the one new diagnostics use) and the older ones stay loaded
for the diagnostics started with them.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import ngettext

from recommendations.catalogue_file import (
    catalogue_files,
    version_key,
)
from recommendations.management.commands._catalogue_file import read_or_stop
from recommendations.services import CatalogueVersionInUse, load_catalogue


class Command(BaseCommand):
    help = (
        "Charge un fichier du catalogue (YAML) dans une version du catalogue ; sans fichier, "
        "charge toutes les versions livrées, de la plus ancienne à la plus récente."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=None)
        parser.add_argument(
            "--draft", action="store_true", help="Charger comme brouillon, sans publier."
        )

    def handle(self, *args, path, draft, **options):
        paths = [Path(path)] if path else catalogue_files()
        catalogues = []
        for file in paths:
            catalogues.append(read_or_stop(file))
        catalogues.sort(key=lambda c: version_key(c["version"]))
        try:
            with transaction.atomic():
                results = [
                    (catalogue, *load_catalogue(catalogue=catalogue, publish=not draft))
                    for catalogue in catalogues
                ]
        except CatalogueVersionInUse as error:
            raise CommandError(f"{error} Rien n’a été modifié.") from None
        for catalogue, version, changed in results:
            self._report(catalogue, version, changed)

    def _report(self, catalogue, version, changed):
        recommendations = len(catalogue["recommendations"])
        questions = sum(len(r["questions"]) for r in catalogue["recommendations"])
        if changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Version « {version.code} » chargée : "
                    + ngettext("%(n)s recommandation", "%(n)s recommandations", recommendations)
                    % {"n": recommendations}
                    + ", "
                    + ngettext("%(n)s question.", "%(n)s questions.", questions) % {"n": questions}
                )
            )
        else:
            self.stdout.write(f"Version « {version.code} » déjà chargée : aucun changement.")
