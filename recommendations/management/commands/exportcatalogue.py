"""manage.py exportcatalogue: write a catalogue version back in the data file format."""

from django.core.management.base import BaseCommand, CommandError

from recommendations.catalogue_file import dump_catalogue
from recommendations.models import CatalogueVersion
from recommendations.services import export_catalogue


class Command(BaseCommand):
    help = "Exporte une version du catalogue au format du fichier de données (YAML)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Code de la version, par exemple 2026.1")
        parser.add_argument("--output", "-o", help="Fichier de sortie (par défaut : la console)")

    def handle(self, *args, code, output, **options):
        version = CatalogueVersion.objects.filter(code=code).first()
        if version is None:
            raise CommandError(f"Aucune version du catalogue n’a le code « {code} ».")
        text = dump_catalogue(export_catalogue(version))
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
