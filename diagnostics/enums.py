"""Choices of the diagnostics app: kinds of collectivité, roles, statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CollectiviteKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    EPCI = "epci", _("Intercommunalité / EPCI")
    METROPOLE = "metropole", _("Métropole")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    OTHER = "autre", _("Autre")


class Role(models.TextChoices):
    REFERENT = "referent", _("Référent AEICT")
    AGENT = "agent", _("Agent")
    ELU = "elu", _("Élu")


class DiagnosticStatus(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    IN_PROGRESS = "en_cours", _("En cours")
    SUBMITTED = "soumis", _("Soumis")


EDITOR_ROLES = frozenset({Role.REFERENT, Role.AGENT})
