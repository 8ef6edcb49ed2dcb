"""Choices of the budget app: the five 1 % mechanisms and who holds a competence."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from budget import calculations as calc


class Mechanism(models.TextChoices):
    WATER = calc.WATER, _("1 % eau potable")
    SANITATION = calc.SANITATION, _("1 % assainissement")
    ENERGY = calc.ENERGY, _("1 % électricité et gaz")
    WASTE = calc.WASTE, _("1 % déchets")
    MOBILITY = calc.MOBILITY, _("1 % mobilité")


class Holder(models.TextChoices):
    SELF = calc.HELD_BY_SELF, _("La collectivité elle-même")
    OTHER = calc.HELD_BY_OTHER, _("Un autre organisme (intercommunalité, syndicat…)")
    NOT_SAID = calc.NOT_SAID, _("Je ne sais pas encore")


class ChangeSubject(models.TextChoices):
    COMPETENCE = "competence", _("Compétence")
    MECHANISM = "dispositif", _("Dispositif du 1 %")
    SOURCES = "sources", _("Budget par source")
