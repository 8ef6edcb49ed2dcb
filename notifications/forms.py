from django import forms

from notifications.enums import NotificationKind
from notifications.models import NotificationPreference


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = list(NotificationKind.values)
