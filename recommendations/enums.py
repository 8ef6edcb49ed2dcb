"""Choices of the catalogue: version statuses and question kinds (see SCORING.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Échelle de maturité")
    BOOLEAN = "boolean", _("Oui / non")
    CHOICE = "choice", _("Choix unique")
    MULTI = "multi", _("Choix multiple")
    NUMBER = "number", _("Nombre")
    TEXT = "text", _("Texte libre")


SCORED_KINDS = frozenset(
    {QuestionKind.SCALE, QuestionKind.BOOLEAN, QuestionKind.CHOICE, QuestionKind.MULTI}
)
OPTION_KINDS = frozenset({QuestionKind.SCALE, QuestionKind.CHOICE, QuestionKind.MULTI})
