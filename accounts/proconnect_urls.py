"""ProConnect's URLs: included by aeict.urls only when ProConnect is configured."""

from django.urls import path

from accounts import proconnect

urlpatterns = [
    path("connexion/", proconnect.AuthenticateView.as_view(), name="proconnect_login"),
    path("retour/", proconnect.callback, name="proconnect_callback"),
    path("association/", proconnect.link, name="proconnect_link"),
]
