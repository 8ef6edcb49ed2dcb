"""Choices of the accounts app: kinds of collectivité and members' roles."""

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


EDITOR_ROLES = frozenset({Role.REFERENT, Role.AGENT})
