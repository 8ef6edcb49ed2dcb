"""What WeasyPrint may load while rendering a report: the application's own static files, nothing
else (no local file, no network, no data: URL), whatever the HTML of the report contains."""

import logging
import mimetypes
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# The base URL of every report: a relative or root-relative link resolves under this origin,
# which no resolver can reach (.invalid is reserved), and only its static path is served.
ORIGIN = "https://rapport.aeict.invalid"
BASE_URL = ORIGIN + "/"


class ResourceRefused(ValueError):
    """The report asked for something that is not one of the application's static files."""


def _static_prefix() -> str:
    path = urlsplit(settings.STATIC_URL).path
    return "/" + path.strip("/") + "/"


def static_path(url: str) -> str:
    """The file on disk of a static URL of the report; ResourceRefused for anything else."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}".lower() != ORIGIN or parts.query:
        raise ResourceRefused(url)
    prefix = _static_prefix()
    path = unquote(parts.path)
    if not path.startswith(prefix):
        raise ResourceRefused(url)
    relative = path[len(prefix) :]
    segments = relative.split("/")
    if not relative or "\\" in relative or "\x00" in relative:
        raise ResourceRefused(url)
    if any(segment in ("", ".", "..") for segment in segments):
        raise ResourceRefused(url)
    # The finders join the path to their own roots and refuse to step out of them.
    found = finders.find(str(PurePosixPath(*segments)))
    if not found:
        raise ResourceRefused(url)
    return found


class StaticFilesFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        try:
            path = static_path(url)
        except ResourceRefused:
            logger.warning("Report resource refused: %.200s", url)
            raise
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as handle:
            body = handle.read()
        return URLFetcherResponse(url, body, {"Content-Type": content_type})
