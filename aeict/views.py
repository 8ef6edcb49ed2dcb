"""Public pages of the site: home, method, help, accessibility statement, legal notice,
personal data, contact, error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from aeict.accessibility_audit import AUDIT_DATE, PAGE_NAMES, current_audit
from aeict.languages import LANGUAGE_CODES, set_language_cookie
from aeict.middleware import wants_json
from recommendations.models import CatalogueVersion
from recommendations.selectors import catalogue_overview


@login_not_required
@require_safe
def home(request):
    version = CatalogueVersion.objects.latest_published()
    recommendations = catalogue_overview(version) if version else []
    return render(request, "pages/home.html", {"recommendations": recommendations})


@login_not_required
@require_safe
def methode(request):
    return render(request, "pages/methode.html")


def _platform() -> dict:
    """Who runs the platform and how to reach them (settings; see README)."""
    return {
        "operator": settings.PLATFORM_OPERATOR,
        "operator_address": settings.PLATFORM_OPERATOR_ADDRESS,
        "publication_director": settings.PUBLICATION_DIRECTOR,
        "hosting_provider": settings.HOSTING_PROVIDER,
        "contact_email": settings.CONTACT_EMAIL,
        "data_protection_email": settings.DATA_PROTECTION_EMAIL,
        "email_host": settings.EMAIL_HOST,
        "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        "invitation_days": settings.INVITATION_MAX_AGE // 86400,
    }


@login_not_required
@require_safe
def accessibilite(request):
    audit = current_audit()
    return render(
        request,
        "pages/accessibilite.html",
        {
            "platform": _platform(),
            "audit": audit,
            "audit_date": AUDIT_DATE,
            "page_names": [(PAGE_NAMES.get(p, p), rate) for p, rate in audit.page_rates.items()],
        },
    )


@login_not_required
@require_safe
def mentions_legales(request):
    return render(request, "pages/mentions_legales.html", {"platform": _platform()})


@login_not_required
@require_safe
def donnees_personnelles(request):
    return render(request, "pages/donnees_personnelles.html", {"platform": _platform()})


@login_not_required
@require_safe
def contact(request):
    return render(request, "pages/contact.html", {"platform": _platform()})


@login_not_required
@require_safe
def aide(request):
    return render(request, "pages/aide.html")


@login_not_required
@require_safe
def plan_du_site(request):
    """Site map (RGAA 12.1, a second way to find pages). A logged-in person's own collectivités
    and diagnostics come from the template tag diagnostics.templatetags.site_map."""
    return render(request, "pages/plan_du_site.html")


@login_not_required
@require_safe
def set_language(request, language):
    """The header's language switch: a link, so that it works without JavaScript and reads as
    what it is. The choice is kept in the cookie LocaleMiddleware reads, and on the account of a
    signed-in person (applied at their next sign-in, and to the mails they receive)."""
    if language not in LANGUAGE_CODES:
        raise Http404
    next_url = request.GET.get("next", "")
    if len(next_url) > 2000 or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url, status=303)
    set_language_cookie(response, language)
    user = request.user
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request):
    return render(request, "500.html", status=500)


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


@login_not_required
def csrf_failure(request, reason=""):
    """A form or an autosave sent with an outdated token: the page expired or the session ended.

    Django logs the reason; the user reads what to do, in French, as a page or as JSON for fetch.
    """
    if wants_json(request):
        message = _(
            "Non enregistré : la page a expiré ou votre session a pris fin. Rechargez la page "
            "(reconnectez-vous si on vous le demande) ; la réponse, gardée dans ce "
            "navigateur, sera renvoyée."
        )
        return JsonResponse({"status": "csrf", "message": message}, status=403)
    return render(
        request, "403.html", {"expired": True, "reload_url": _reload_url(request)}, status=403
    )


def _reload_url(request) -> str:
    """The page the form was on (a POST-only address would answer 405), if it is one of ours."""
    for url in [request.headers.get("Referer", ""), request.get_full_path()]:
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
    return reverse("home")
