"""A collectivité's budget of its international action: who holds each competence, the figures of
each 1 % mechanism per year, the budget by source per year, and the history of their changes."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Collectivite, validate_siren
from budget.calculations import MAX_AMOUNT
from budget.enums import ChangeSubject, Holder, Mechanism

FIRST_YEAR = 2000

AMOUNT_TOO_LARGE = _("Ce montant dépasse 1 000 milliards d’euros : vérifiez la saisie.")
AMOUNT_NEGATIVE = _("Le montant doit être positif ou nul.")


def latest_year(today: datetime.date | None = None) -> int:
    """Figures may be entered up to next year (a budget being prepared), not beyond."""
    return (today or timezone.localdate()).year + 1


def validate_year(year: int) -> None:
    if year < FIRST_YEAR:
        raise ValidationError(
            _("L’année doit être %(first)s ou une année suivante.") % {"first": FIRST_YEAR},
            code="min_value",
        )
    if year > latest_year():
        raise ValidationError(
            _(
                "L’année %(year)s est trop lointaine : vous pouvez saisir les chiffres jusqu’à "
                "l’année prochaine (%(last)s)."
            )
            % {"year": year, "last": latest_year()},
            code="max_value",
        )


def amount_field(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=15,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal(0), message=AMOUNT_NEGATIVE),
            MaxValueValidator(MAX_AMOUNT, message=AMOUNT_TOO_LARGE),
        ],
        **kwargs,
    )


class CollectiviteScopedQuerySet(models.QuerySet):
    def for_collectivite(self, collectivite):
        return self.filter(collectivite=collectivite)


class Competence(models.Model):
    """Who holds, for the collectivité's territory, the competence a mechanism depends on."""

    collectivite = models.ForeignKey(
        Collectivite, on_delete=models.CASCADE, related_name="budget_competences"
    )
    mechanism = models.CharField(_("dispositif"), max_length=20, choices=Mechanism.choices)
    holder = models.CharField(
        _("qui exerce la compétence"),
        max_length=20,
        choices=Holder.choices,
        default=Holder.NOT_SAID,
    )
    holder_name = models.CharField(_("nom de l’organisme"), max_length=200, blank=True)
    holder_siren = models.CharField(
        _("SIREN de l’organisme"), max_length=9, blank=True, validators=[validate_siren]
    )
    # Waste only: the service is financed within the budget général (TEOM), without a budget of
    # its own, so that its resources must be estimated.
    in_general_budget = models.BooleanField(_("financé dans le budget général"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CollectiviteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        constraints = [
            models.UniqueConstraint(
                fields=["collectivite", "mechanism"], name="budget_unique_competence"
            )
        ]

    def __str__(self):
        return f"{self.collectivite} · {self.mechanism} · {self.holder}"

    def clean(self):
        if self.holder == Holder.OTHER and not self.holder_name.strip():
            raise ValidationError(
                {"holder_name": _("Indiquez le nom de l’organisme qui exerce la compétence.")}
            )


class MechanismYear(models.Model):
    """The figures of one 1 % mechanism for one year."""

    collectivite = models.ForeignKey(
        Collectivite, on_delete=models.CASCADE, related_name="budget_mechanism_years"
    )
    year = models.PositiveIntegerField(_("année"), validators=[validate_year])
    mechanism = models.CharField(_("dispositif"), max_length=20, choices=Mechanism.choices)
    resources = amount_field(_("ressources du budget du service"), null=True, blank=True)
    versement_mobilite = amount_field(_("versement mobilité"), null=True, blank=True)
    committed = amount_field(_("montants engagés"), null=True, blank=True)

    objects = CollectiviteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("chiffres d’un dispositif du 1 %")
        verbose_name_plural = _("chiffres des dispositifs du 1 %")
        constraints = [
            models.UniqueConstraint(
                fields=["collectivite", "year", "mechanism"], name="budget_unique_mechanism_year"
            )
        ]

    def __str__(self):
        return f"{self.collectivite} · {self.year} · {self.mechanism}"

    @property
    def is_empty(self) -> bool:
        return self.resources is None and self.versement_mobilite is None and not self.committed


# The budget by source: the attribute of each source, in the order of the pages and the export.
OWN_BUDGET = "own_budget"
COFUNDING_SOURCES = (
    "cofunding_meae",
    "cofunding_afd",
    "cofunding_eu",
    "cofunding_water_agency",
    "cofunding_other",
)


class BudgetYear(models.Model):
    """The AEICT budget of one year by source (the 1 % mechanisms come from MechanismYear)."""

    collectivite = models.ForeignKey(
        Collectivite, on_delete=models.CASCADE, related_name="budget_years"
    )
    year = models.PositiveIntegerField(_("année"), validators=[validate_year])
    own_budget = amount_field(
        _("budget propre (budget général, article L1115-1)"), null=True, blank=True
    )
    cofunding_meae = amount_field(
        _("appels à projets du ministère (MEAE / DCTCIV)"), null=True, blank=True
    )
    cofunding_afd = amount_field(_("AFD, facilité FICOL"), null=True, blank=True)
    cofunding_eu = amount_field(_("programmes de l’Union européenne"), null=True, blank=True)
    cofunding_water_agency = amount_field(_("agences de l’eau"), null=True, blank=True)
    cofunding_other = amount_field(_("autres cofinancements"), null=True, blank=True)
    staff_fte = models.DecimalField(
        _("personnel (équivalents temps plein)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal(0), message=_("Le nombre doit être positif ou nul.")),
            MaxValueValidator(Decimal(10_000), message=_("Ce nombre est trop grand.")),
        ],
    )

    objects = CollectiviteScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget de l’action internationale")
        verbose_name_plural = _("budgets de l’action internationale")
        constraints = [
            models.UniqueConstraint(fields=["collectivite", "year"], name="budget_unique_year")
        ]

    def __str__(self):
        return f"{self.collectivite} · {self.year}"


class BudgetChange(models.Model):
    """One change of the budget's figures or competences: who, when, before and after."""

    collectivite = models.ForeignKey(
        Collectivite, on_delete=models.CASCADE, related_name="budget_changes"
    )
    subject = models.CharField(_("objet"), max_length=20, choices=ChangeSubject.choices)
    year = models.PositiveIntegerField(_("année"), null=True, blank=True)
    mechanism = models.CharField(
        _("dispositif"), max_length=20, choices=Mechanism.choices, blank=True
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    old_state = models.JSONField(null=True)
    new_state = models.JSONField()

    objects = CollectiviteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.collectivite_id} · {self.subject} · {self.changed_at:%Y-%m-%d}"
