"""Choices of the registry: kinds and states of partnership, themes, funding sources."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnershipKind(models.TextChoices):
    JUMELAGE = "jumelage", _("Jumelage")
    COOPERATION = "cooperation", _("Coopération décentralisée")
    PARTENARIAT = "partenariat", _("Partenariat / accord de coopération")
    RESEAU = "reseau", _("Réseau")
    PROJET_EUROPEEN = "projet_europeen", _("Projet européen")


class PartnershipState(models.TextChoices):
    ACTIF = "actif", _("Actif")
    EN_SOMMEIL = "en_sommeil", _("En sommeil")
    TERMINE = "termine", _("Terminé")


class Theme(models.TextChoices):
    CULTURE = "culture", _("Culture et patrimoine")
    EDUCATION = "education", _("Éducation, jeunesse et mobilité des jeunes")
    EAU = "eau", _("Eau et assainissement")
    DECHETS = "dechets", _("Déchets")
    MOBILITE = "mobilite", _("Mobilité et transports")
    ENERGIE = "energie", _("Énergie et climat")
    ECONOMIE = "economie", _("Développement économique et attractivité")
    SANTE = "sante", _("Santé")
    GOUVERNANCE = "gouvernance", _("Gouvernance locale et services publics")
    AGRICULTURE = "agriculture", _("Agriculture et alimentation")
    URBANISME = "urbanisme", _("Urbanisme et aménagement")
    SOLIDARITE = "solidarite", _("Solidarité internationale et aide d’urgence")
    CITOYENNETE = "citoyennete", _("Citoyenneté et échanges entre habitants")


class FundingSource(models.TextChoices):
    OWN = "budget_propre", _("Budget propre (L1115-1)")
    EAU = "1pc_eau", _("1 % eau et assainissement")
    ENERGIE = "1pc_energie", _("1 % électricité et gaz")
    DECHETS = "1pc_dechets", _("1 % déchets")
    MOBILITE = "1pc_mobilite", _("1 % mobilité")
    MEAE = "meae", _("MEAE / DCTCIV (appels à projets)")
    AFD = "afd_ficol", _("AFD — FICOL")
    UE = "ue", _("Programmes de l’Union européenne")
    AGENCE_EAU = "agence_eau", _("Agence de l’eau")
    OTHER = "autre", _("Autre")


class PartnershipEventKind(models.TextChoices):
    CREATED = "created", _("Partenariat ajouté")
    UPDATED = "updated", _("Partenariat modifié")
    DELETED = "deleted", _("Partenariat supprimé")
    IMPORTED = "imported", _("Partenariat importé (CSV)")
    SHOWN = "shown", _("Collectivité rendue visible des autres collectivités")
    HIDDEN = "hidden", _("Collectivité masquée aux autres collectivités")
    CONTACT = "finder_contact", _("Adresse de contact affichée aux autres collectivités modifiée")
