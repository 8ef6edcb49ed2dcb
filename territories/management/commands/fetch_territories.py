"""manage.py fetch_territories: download the pinned release of the official list (npm pack)."""

from django.core.management.base import BaseCommand, CommandError

from territories.source import PACKAGE, RELEASE, SourceUnavailable, fetch


class Command(BaseCommand):
    help = "Télécharge la version figée de la liste officielle des collectivités (npm)."

    def handle(self, *args, **options):
        try:
            data_dir = fetch()
        except SourceUnavailable as error:
            raise CommandError(
                f"Liste officielle ({PACKAGE} {RELEASE.version}) indisponible : {error}"
            ) from None
        self.stdout.write(f"Liste officielle {PACKAGE} {RELEASE.version} dans {data_dir}.")
