from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import access_request_views, proconnect, views

urlpatterns = [
    path("demander-un-acces/", access_request_views.access_request, name="access_request"),
    path(
        "demander-un-acces/envoyee/",
        access_request_views.access_request_sent,
        name="access_request_sent",
    ),
    path(
        "plateforme/demandes-d-acces/",
        access_request_views.access_requests,
        name="access_requests",
    ),
    path(
        "plateforme/demandes-d-acces/<uuid:public_id>/",
        access_request_views.access_request_review,
        name="access_request_review",
    ),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", proconnect.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "plateforme/collectivites/nouvelle/",
        views.collectivite_create,
        name="collectivite_create",
    ),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path(
        "collectivites/<uuid:public_id>/membres/",
        views.members,
        name="members",
    ),
    path(
        "collectivites/<uuid:public_id>/membres/<uuid:member_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "collectivites/<uuid:public_id>/membres/<uuid:member_id>/retirer/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "collectivites/<uuid:public_id>/invitations/<uuid:invitation_id>/renvoyer/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "collectivites/<uuid:public_id>/invitations/<uuid:invitation_id>/revoquer/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
