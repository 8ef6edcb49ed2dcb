"""While the database is unreachable, answer 503 with a French « réessayez » message, not a 500."""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
JSON_URL_NAMES = {"diagnostic_answer"}

logger = logging.getLogger(__name__)


def wants_json(request) -> bool:
    if request.headers.get("X-Requested-With") == "fetch":
        return True
    if "application/json" in request.headers.get("Accept", ""):
        return True
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return match.url_name in JSON_URL_NAMES


def unavailable_response(request) -> HttpResponse:
    """The 503 answer; built without touching the database."""
    if wants_json(request):
        message = _("Le service est momentanément indisponible : réessayez dans quelques secondes.")
        response = JsonResponse({"status": "unavailable", "message": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _mark_database_error(sender, request=None, **kwargs):
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        request._database_unavailable = True


# Django turns an exception raised in another middleware (the session saved after the view, say)
# into a 500 response before it can reach the middleware around it; this signal, sent while that
# exception is being handled, is where it can be seen.
got_request_exception.connect(_mark_database_error, dispatch_uid="aeict.middleware.database")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 500 and getattr(request, "_database_unavailable", False):
            return unavailable_response(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The login check that follows loads the session and the user: an outage met there is
        # answered here, like one met by the view, rather than logged as a server error.
        user = getattr(request, "user", None)
        if user is None:
            return None
        try:
            user.is_authenticated  # noqa: B018
        except DATABASE_ERRORS as error:
            return self.process_exception(request, error)
        return None

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.warning(
            "Database unavailable during %s %s: %s", request.method, request.path, exception
        )
        return unavailable_response(request)
