from django.urls import path

from partnerships import views

PREFIX = "collectivites/<uuid:public_id>/partenariats/"

urlpatterns = [
    path(PREFIX, views.partnership_list, name="partnership_list"),
    path(PREFIX + "nouveau/", views.partnership_create, name="partnership_create"),
    path(PREFIX + "export.csv", views.partnership_export, name="partnership_export"),
    path(PREFIX + "modele.csv", views.partnership_template, name="partnership_template"),
    path(PREFIX + "import/", views.partnership_import, name="partnership_import"),
    path(PREFIX + "visibilite/", views.partnership_visibility, name="partnership_visibility"),
    path(PREFIX + "recherche/", views.partnership_finder, name="partnership_finder"),
    path(
        PREFIX + "<uuid:partnership_id>/modifier/",
        views.partnership_edit,
        name="partnership_edit",
    ),
    path(
        PREFIX + "<uuid:partnership_id>/supprimer/",
        views.partnership_delete,
        name="partnership_delete",
    ),
]
