"""The application's URLs with ProConnect's, as when it is configured (tests that turn it on)."""

from django.urls import include, path

from aeict import urls as application

urlpatterns = [
    path("proconnect/", include("accounts.proconnect_urls")),
    *[
        p
        for p in application.urlpatterns
        if getattr(p, "pattern", None) and str(p.pattern) != "proconnect/"
    ],
]

handler400 = application.handler400
handler403 = application.handler403
handler404 = application.handler404
handler500 = application.handler500
