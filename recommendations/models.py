"""The recommendation catalogue: versions, the ten recommendations, questions, levels, actions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from recommendations.enums import OPTION_KINDS, SCORED_KINDS, QuestionKind, VersionStatus

_positive_weight = MinValueValidator(
    Decimal("0.01"), message=_("Le poids doit être strictement positif.")
)


class CatalogueVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=VersionStatus.PUBLISHED)

    def latest_published(self):
        return self.published().order_by("-published_at", "-pk").first()


class CatalogueVersion(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    status = models.CharField(
        _("statut"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("dérivée de"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derivatives",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)

    objects = CatalogueVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("version du catalogue")
        verbose_name_plural = _("versions du catalogue")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.title} ({self.code}, {self.get_status_display().lower()})"

    @property
    def is_in_use(self) -> bool:
        return self.diagnostics.exists()


class Recommendation(models.Model):
    catalogue = models.ForeignKey(
        CatalogueVersion,
        verbose_name=_("version du catalogue"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    number = models.PositiveSmallIntegerField(
        _("numéro"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    short_title = models.CharField(_("titre court"), max_length=120)
    wording = models.TextField(_("libellé de l’étude"), help_text=_("Le texte exact de l’étude."))
    explanation = models.TextField(_("explication"), blank=True)
    weight = models.DecimalField(
        _("poids"), max_digits=6, decimal_places=2, default=1, validators=[_positive_weight]
    )

    class Meta:
        verbose_name = _("préconisation")
        verbose_name_plural = _("préconisations")
        ordering = ["catalogue", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "number"], name="unique_recommendation_number"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="recommendation_weight_positive"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.short_title}"


class Question(models.Model):
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("préconisation"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    code = models.CharField(_("code"), max_length=20)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("intitulé"))
    help_text = models.TextField(_("aide"), blank=True)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    weight = models.DecimalField(
        _("poids"), max_digits=6, decimal_places=2, default=1, validators=[_positive_weight]
    )
    allows_not_applicable = models.BooleanField(_("« Non concerné » possible"), default=False)
    required = models.BooleanField(_("obligatoire"), default=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)
    # Applicability (SCORING.md, method v2). The question is asked only for these kinds of
    # collectivité (accounts.enums.CollectiviteKind values; empty: every kind) and, when
    # ``condition_question`` is set, only when that question (same recommendation or an earlier
    # one) holds one of ``condition_values``, written as Answer.value stores them: an option id
    # for a choice (any selected one for a multi), a level index for a scale, true/false for a
    # boolean. An unknown, « Je ne sais pas », « Non concerné » or not-asked condition asks it.
    applies_to_kinds = models.JSONField(
        _("types de collectivité concernés"), default=list, blank=True
    )
    condition_question = models.ForeignKey(
        "self",
        verbose_name=_("posée selon la réponse à"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dependent_questions",
    )
    condition_values = models.JSONField(
        _("réponses qui font poser la question"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["recommendation__number", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "code"], name="unique_question_code"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="question_weight_positive"
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.text[:80]}"

    @property
    def is_scored(self) -> bool:
        return self.kind in SCORED_KINDS

    @property
    def has_options(self) -> bool:
        return self.kind in OPTION_KINDS


class Option(models.Model):
    """A maturity level of a scale question, or an option of a choice / multi question."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)
    label = models.CharField(_("libellé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(
                0, message=_("Le score d’une option doit être compris entre 0 et 1.")
            ),
            MaxValueValidator(
                1, message=_("Le score d’une option doit être compris entre 0 et 1.")
            ),
        ],
        help_text=_("Entre 0 et 1, pour les choix. Les niveaux d’une échelle n’en ont pas."),
    )
    # A multi-choice option that excludes every other one (« Aucun financement identifié »).
    exclusive = models.BooleanField(_("exclusive des autres options"), default=False)

    class Meta:
        verbose_name = _("niveau ou option")
        verbose_name_plural = _("niveaux et options")
        ordering = ["question", "position", "pk"]

    def __str__(self):
        return self.label


class SuggestedAction(models.Model):
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("préconisation"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("question liée"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_service = models.CharField(_("service porteur type"), max_length=200, blank=True)
    resources = models.JSONField(_("ressources utiles"), default=list, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("action suggérée")
        verbose_name_plural = _("actions suggérées")
        ordering = ["recommendation__number", "position", "pk"]

    def __str__(self):
        return self.title

    @property
    def resource_links(self) -> list[dict]:
        """The resources as ``{label, url}``; ``url`` is empty for a plain text (catalogue_file)."""
        return [
            {"label": r, "url": ""}
            if isinstance(r, str)
            else {"label": r["label"], "url": r["url"]}
            for r in self.resources or []
        ]

    def clean(self):
        if self.question_id and self.question.recommendation_id != self.recommendation_id:
            raise ValidationError(
                {"question": _("La question liée doit appartenir à la même préconisation.")}
            )
