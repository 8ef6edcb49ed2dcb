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

# « en tant que » with the article's elision before a vowel, for sentences about a role.
AS_ROLE = {
    Role.REFERENT: _("en tant que référent AEICT"),
    Role.AGENT: _("en tant qu’agent"),
    Role.ELU: _("en tant qu’élu"),
}


class MemberEventKind(models.TextChoices):
    INVITED = "invited", _("Invitation envoyée")
    INVITATION_RESENT = "invitation_resent", _("Invitation renvoyée")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation révoquée")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation acceptée")
    ROLE_CHANGED = "role_changed", _("Rôle modifié")
    MEMBER_REMOVED = "member_removed", _("Membre retiré")


class AccessRequestStatus(models.TextChoices):
    PENDING = "en_attente", _("En attente")
    ACCEPTED = "acceptee", _("Acceptée")
    REFUSED = "refusee", _("Refusée")
