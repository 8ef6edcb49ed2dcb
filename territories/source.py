"""Where the official list comes from: Etalab's « découpage administratif » npm package, at one
pinned version, fetched once into a local cache and read offline from there."""

import hashlib
import io
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PACKAGE = "@etalab/decoupage-administratif"


@dataclass(frozen=True, kw_only=True)
class Release:
    version: str
    # The SHA-1 the npm registry publishes for the tarball (dist.shasum): a download that does
    # not match is refused.
    shasum: str
    # What the package's own README says of its figures, shown to users beside them.
    millesime: str


RELEASE = Release(
    version="6.0.0",
    shasum="0330556cf07e21fff21111e5775a316ec18b9636",
    millesime="2026",
)

DATA_FILES = ("communes.json", "epci.json", "departements.json", "regions.json")


class SourceUnavailable(Exception):
    """npm is missing, the registry did not answer, or the tarball is not the pinned one."""


def default_data_dir() -> Path:
    return Path(settings.TERRITORIES_CACHE_DIR) / RELEASE.version / "data"


def fetch(*, destination: Path | None = None) -> Path:
    """Download the pinned tarball with ``npm pack`` and unpack its data files; return the folder
    that holds them. Nothing is fetched when they are there already."""
    data_dir = destination or default_data_dir()
    if all((data_dir / name).is_file() for name in DATA_FILES):
        return data_dir
    if shutil.which("npm") is None:
        raise SourceUnavailable("npm est introuvable.")
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run(
                ["npm", "pack", f"{PACKAGE}@{RELEASE.version}", "--pack-destination", tmp],
                check=True,
                capture_output=True,
                timeout=300,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise SourceUnavailable(f"npm pack a échoué : {error}") from None
        tarballs = list(Path(tmp).glob("*.tgz"))
        if len(tarballs) != 1:
            raise SourceUnavailable("npm pack n’a pas produit d’archive.")
        content = tarballs[0].read_bytes()
    unpack(content, data_dir=data_dir)
    return data_dir


def unpack(content: bytes, *, data_dir: Path) -> None:
    if hashlib.sha1(content, usedforsecurity=False).hexdigest() != RELEASE.shasum:
        raise SourceUnavailable(
            f"L’archive téléchargée n’est pas celle de la version {RELEASE.version}."
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
        for name in DATA_FILES:
            member = archive.extractfile(f"package/data/{name}")
            if member is None:
                raise SourceUnavailable(f"{name} manque dans l’archive.")
            (data_dir / name).write_bytes(member.read())
