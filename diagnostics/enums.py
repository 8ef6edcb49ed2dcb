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


class ActionStatus(models.TextChoices):
    TO_START = "a_lancer", _("À lancer")
    IN_PROGRESS = "en_cours", _("En cours")
    DONE = "realisee", _("Réalisée")
    ABANDONED = "abandonnee", _("Abandonnée")


class ActionPriority(models.TextChoices):
    HIGH = "haute", _("Priorité haute")
    MEDIUM = "moyenne", _("Priorité moyenne")
    LOW = "basse", _("Priorité basse")


class ReportVariant(models.TextChoices):
    FULL = "complet", _("Rapport complet")
    SUMMARY = "synthese", _("Synthèse pour les élus")


class ReportStatus(models.TextChoices):
    PENDING = "en_attente", _("En attente")
    RUNNING = "en_cours", _("En cours de génération")
    READY = "pret", _("Prêt")
    FAILED = "echec", _("Échec")
