"""« Mes notifications »: each person turns each kind of mail on or off."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from notifications.forms import NotificationPreferenceForm
from notifications.models import NotificationPreference


@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request):
    preference = NotificationPreference.objects.filter(user=request.user).first()
    form = NotificationPreferenceForm(
        request.POST if request.method == "POST" else None,
        instance=preference or NotificationPreference(user=request.user),
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("Vos choix de notifications sont enregistrés."))
        return redirect("notification_settings")
    return render(request, "notifications/settings.html", {"form": form})
