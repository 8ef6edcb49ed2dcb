"""manage.py loadcatalogue: load the catalogue data file into a catalogue version."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from recommendations.catalogue_file import (
    DEFAULT_CATALOGUE_PATH,
    CatalogueFileError,
    read_catalogue_file,
)
from recommendations.services import CatalogueVersionInUse, load_catalogue


class Command(BaseCommand):
    help = "Charge le fichier du catalogue (YAML) dans une version du catalogue."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_CATALOGUE_PATH))
        parser.add_argument(
            "--draft", action="store_true", help="Charger comme brouillon, sans publier."
        )

    def handle(self, *args, path, draft, **options):
        try:
            catalogue = read_catalogue_file(Path(path))
        except CatalogueFileError as error:
            details = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(
                f"Le fichier du catalogue est invalide ; rien n’a été modifié.\n{details}"
            ) from None
        try:
            version, changed = load_catalogue(catalogue=catalogue, publish=not draft)
        except CatalogueVersionInUse as error:
            raise CommandError(f"{error} Rien n’a été modifié.") from None
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
