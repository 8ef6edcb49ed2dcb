from django.contrib import admin
from django.urls import include, path

from aeict import views

urlpatterns = [
    path("", views.home, name="home"),
    path("methode/", views.methode, name="methode"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("diagnostics.urls")),
]

handler400 = "aeict.views.bad_request"
handler403 = "aeict.views.permission_denied"
handler404 = "aeict.views.page_not_found"
handler500 = "aeict.views.server_error"
