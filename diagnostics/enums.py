"""Choices of the diagnostics app: statuses and events of diagnostics, plan actions, reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DiagnosticStatus(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    IN_PROGRESS = "en_cours", _("En cours")
    SUBMITTED = "soumis", _("Soumis")


class DiagnosticEventKind(models.TextChoices):
    CREATED = "cree", _("Créé")
    RENAMED = "renomme", _("Renommé")
    SUBMITTED = "soumis", _("Soumis")
    REOPENED = "rouvert", _("Rouvert")
    ARCHIVED = "archive", _("Archivé")
    UNARCHIVED = "desarchive", _("Désarchivé")
    DELETED = "supprime", _("Supprimé")
    EVIDENCE_ADDED = "justificatif_ajoute", _("Justificatif ajouté")
    EVIDENCE_REMOVED = "justificatif_retire", _("Justificatif retiré")


class AnswerChangeKind(models.TextChoices):
    CHANGED = "modifiee", _("Modifiée")
    CARRIED = "reprise", _("Reprise du diagnostic précédent")
    CONFIRMED = "confirmee", _("Confirmée")
    FROM_BUDGET = "budget", _("Tirée du budget saisi")


class AnswerSource(models.TextChoices):
    """Who gave an answer: the people answering, or the budget's figures (budget.feed)."""

    TYPED = "", _("Saisie dans le questionnaire")
    BUDGET = "budget", _("Tirée du budget saisi")


class EvidenceKind(models.TextChoices):
    LINK = "lien", _("Lien")
    FILE = "fichier", _("Fichier")


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
    YEARLY = "bilan", _("Bilan annuel")
    # The summary in English, for the collectivité's foreign partners (same figures).
    PARTNERS = "partenaire", _("Synthèse pour les partenaires (en anglais)")


class ReportStatus(models.TextChoices):
    PENDING = "en_attente", _("En attente")
    RUNNING = "en_cours", _("En cours de génération")
    READY = "pret", _("Prêt")
    FAILED = "echec", _("Échec")
