"""The kinds of message a person may receive, each one a switch on « Mes notifications »."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    # The values are the fields of NotificationPreference.
    DIAGNOSTIC_SUBMITTED = "diagnostic_submitted", _("Un diagnostic est soumis")
    DIAGNOSTIC_REOPENED = "diagnostic_reopened", _("Un diagnostic est rouvert")
    REPORT_READY = "report_ready", _("Le rapport PDF que j’ai demandé est prêt")
    MEMBER_JOINED = "member_joined", _("Une personne invitée rejoint la collectivité")
    ASSIGNMENT_REMINDER = "assignment_reminder", _("Un rappel des questions qui me sont assignées")
