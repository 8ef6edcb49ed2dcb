"""Choices of the catalogue: version statuses and question kinds (see docs/scoring.md)."""

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


# What the catalogue knows of each kind. The rest (form field, scoring rule, words, backup, sample
# answers) lives in diagnostics.question_kinds and diagnostics.scoring.
SCORED_KINDS = frozenset(
    {QuestionKind.SCALE, QuestionKind.BOOLEAN, QuestionKind.CHOICE, QuestionKind.MULTI}
)
# Described maturity levels (label and description, no score), in the data file's « levels ».
LEVEL_KINDS = frozenset({QuestionKind.SCALE})
# Options scored in [0, 1], in the data file's « options ».
SCORED_OPTION_KINDS = frozenset({QuestionKind.CHOICE, QuestionKind.MULTI})
# Kinds with rows in Option: levels or scored options.
OPTION_KINDS = LEVEL_KINDS | SCORED_OPTION_KINDS


def collectivite_kinds() -> list[tuple[str, str]]:
    """The kinds of collectivité an applicability rule names (the choices of Collectivite.kind),
    read from the model registry: the catalogue does not depend on the accounts app."""
    from django.apps import apps

    return list(apps.get_model("accounts", "Collectivite")._meta.get_field("kind").choices)
