from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import include, path
from django.utils import timezone, translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog

from aeict import views
from aeict.languages import LANGUAGE_CODES

# The JavaScript catalogue changes only with a deployment, which restarts the server: browsers
# ask again on each page (no-cache) and get « 304 Not Modified » until then. Its address names
# its language, so that a browser that has switched languages never gets the other one's 304.
_started = timezone.now()

# Messages of static/js/ (djangojs domain): the project's catalogue in LOCALE_PATHS, always read,
# plus that of the apps named here (the admin's JavaScript messages are left out: the admin
# pages load their own). Public, since the login page's scripts may need it too.
_catalogue_view = JavaScriptCatalog.as_view(packages=["recommendations", "diagnostics"])


@login_not_required
@cache_control(no_cache=True)
@last_modified(lambda request, **kwargs: _started)
def javascript_catalog(request, language):
    if language not in LANGUAGE_CODES:
        raise Http404
    with translation.override(language):
        response = _catalogue_view(request)
    response["Content-Language"] = language
    return response


urlpatterns = [
    path("", views.home, name="home"),
    path("methode/", views.methode, name="methode"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path("mentions-legales/", views.mentions_legales, name="mentions_legales"),
    path("donnees-personnelles/", views.donnees_personnelles, name="donnees_personnelles"),
    path("contact/", views.contact, name="contact"),
    path("aide/", views.aide, name="aide"),
    path("plan-du-site/", views.plan_du_site, name="plan_du_site"),
    path("jsi18n/<str:language>/", javascript_catalog, name="javascript-catalog"),
    path("langue/<str:language>/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("diagnostics.urls")),
    path("", include("notifications.urls")),
    path("", include("budget.urls")),
    path("", include("territories.urls")),
    path("", include("partnerships.urls")),
    path("", include("observatory.urls")),
]

# ProConnect sign-in: its URLs exist only when it is configured (see README).
if settings.PROCONNECT_ENABLED:
    urlpatterns.insert(0, path("proconnect/", include("accounts.proconnect_urls")))

handler400 = "aeict.views.bad_request"
handler403 = "aeict.views.permission_denied"
handler404 = "aeict.views.page_not_found"
handler500 = "aeict.views.server_error"
