from django.urls import path

from observatory import views

urlpatterns = [
    path("plateforme/observatoire/", views.observatory, name="observatory"),
    path(
        "plateforme/observatoire/<slug:table>.csv",
        views.observatory_csv,
        name="observatory_csv",
    ),
]
