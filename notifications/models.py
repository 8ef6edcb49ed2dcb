"""Each person's choice of the mails they receive."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.enums import NotificationKind


class NotificationPreference(models.Model):
    """One switch per kind of mail; a person without a row gets them all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    diagnostic_submitted = models.BooleanField(
        NotificationKind.DIAGNOSTIC_SUBMITTED.label,
        default=True,
        help_text=_("Un courriel quand les résultats d’un diagnostic sont prêts."),
    )
    diagnostic_reopened = models.BooleanField(
        NotificationKind.DIAGNOSTIC_REOPENED.label,
        default=True,
        help_text=_("Un courriel quand un diagnostic soumis redevient modifiable."),
    )
    report_ready = models.BooleanField(
        NotificationKind.REPORT_READY.label,
        default=True,
        help_text=_("Un courriel si vous avez quitté la page avant la fin de sa génération."),
    )
    member_joined = models.BooleanField(
        NotificationKind.MEMBER_JOINED.label,
        default=True,
        help_text=_("Pour les référents AEICT : un courriel quand une invitation est acceptée."),
    )
    assignment_reminder = models.BooleanField(
        NotificationKind.ASSIGNMENT_REMINDER.label,
        default=True,
        help_text=_(
            "Un courriel quand des questions qui vous sont assignées restent sans réponse."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("préférences de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self):
        return str(self.user_id)


def wanting(users, kind: NotificationKind):
    """The active ``users`` (a queryset) who did not turn ``kind`` off."""
    return users.filter(is_active=True).exclude(**{f"notification_preference__{kind}": False})
