"""What the catalogue commands share: a catalogue file read, or the command stopped with the
file's problems listed in French (nothing written)."""

from pathlib import Path

from django.core.management.base import CommandError

from recommendations.catalogue_file import CatalogueFileError, read_catalogue_file


def read_or_stop(file: Path) -> dict:
    try:
        return read_catalogue_file(file)
    except CatalogueFileError as error:
        details = "\n".join(f"  - {problem}" for problem in error.problems)
        raise CommandError(
            f"Le fichier du catalogue {file.name} est invalide\u00a0; rien n’a été modifié."
            f"\n{details}"
        ) from None
