from django.urls import path

from budget import views

urlpatterns = [
    path("collectivites/<uuid:public_id>/budget/", views.budget_index, name="budget_index"),
    path(
        "collectivites/<uuid:public_id>/budget/competences/",
        views.competences,
        name="budget_competences",
    ),
    path(
        "collectivites/<uuid:public_id>/budget/<int:year>/",
        views.budget_year,
        name="budget_year",
    ),
    path(
        "collectivites/<uuid:public_id>/budget/export.csv",
        views.budget_export,
        name="budget_export",
    ),
    path("dispositifs-1-pour-cent/", views.explain, name="budget_explain"),
]
