from django.urls import path

from notifications import views

urlpatterns = [
    path("compte/notifications/", views.notification_settings, name="notification_settings"),
]
