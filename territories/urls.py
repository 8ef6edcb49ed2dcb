from django.urls import path

from territories import views

urlpatterns = [
    path("liste-officielle/recherche/", views.territory_search, name="territory_search"),
]
