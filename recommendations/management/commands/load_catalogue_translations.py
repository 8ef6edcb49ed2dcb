"""manage.py load_catalogue_translations: write the English texts of a catalogue file into the
stored version of the same code, published or used by diagnostics alike (translations never
change the scores). Nothing is written when the file's French texts differ from the stored ones.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from recommendations.management.commands._catalogue_file import read_or_stop
from recommendations.services import TranslationMismatch, load_translations


class Command(BaseCommand):
    help = (
        "Charge les traductions anglaises (clés « _en ») d’un fichier du catalogue dans la "
        "version enregistrée de même code, sans en créer de nouvelle."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Fichier du catalogue (YAML)")

    def handle(self, *args, path, **options):
        file = Path(path)
        catalogue = read_or_stop(file)
        try:
            version, changed = load_translations(catalogue=catalogue)
        except TranslationMismatch as error:
            details = "".join(f"\n  - {problem}" for problem in error.problems[:20])
            more = len(error.problems) - 20
            if more > 0:
                details += f"\n  … ({more} autres)"
            raise CommandError(f"{error} Rien n’a été modifié.{details}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Version «\u00a0{version.code}\u00a0»\u00a0: "
                + ngettext("%(n)s élément mis à jour.", "%(n)s éléments mis à jour.", changed)
                % {"n": changed}
            )
        )
