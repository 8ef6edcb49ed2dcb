"""The recommendation catalogue: versions, the ten recommendations, questions, levels, actions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from recommendations.enums import OPTION_KINDS, SCORED_KINDS, QuestionKind, VersionStatus

_positive_weight = MinValueValidator(
    Decimal("0.01"), message=_("Le poids doit être strictement positif.")
)


def english_requested() -> bool:
    """Whether the active language (read now, never cached) asks for the English texts."""
    return (get_language() or "").lower().split("-")[0] == "en"


class TranslatedTexts:
    """Catalogue texts in the active language: the English field when the page is in English and
    the field is filled, else the French one. Catalogue rows are cached per process
    (diagnostics.catalogue), so the language is read at each access, never at load time."""

    # The texts with an English counterpart ``<name>_en`` on the same row.
    translated_fields: tuple[str, ...] = ()

    def localized(self, name: str) -> str:
        if english_requested():
            english = getattr(self, f"{name}_en", "")
            if english:
                return english
        return getattr(self, name)

    def is_fallback(self, name: str) -> bool:
        """True when an English page shows this text in French (no translation yet): the page
        marks it ``lang="fr"`` (RGAA 8.7)."""
        return (
            english_requested()
            and not getattr(self, f"{name}_en", "")
            and bool(getattr(self, name))
        )

    def localized_html(self, name: str) -> str:
        """The text for element content, escaped; wrapped in ``<span lang="fr">`` when an
        English page shows the French text."""
        if self.is_fallback(name):
            return format_html('<span lang="fr">{}</span>', getattr(self, name))
        return conditional_escape(self.localized(name))

    def missing_translations(self) -> list[str]:
        """The translated fields whose French text has no English counterpart yet."""
        return [
            name
            for name in self.translated_fields
            if getattr(self, name) and not getattr(self, f"{name}_en", "")
        ]


class CatalogueVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=VersionStatus.PUBLISHED)

    def latest_published(self):
        return self.published().order_by("-published_at", "-pk").first()


class CatalogueVersion(TranslatedTexts, models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
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
    translated_fields = ("title",)

    class Meta:
        verbose_name = _("version du catalogue")
        verbose_name_plural = _("versions du catalogue")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.title} ({self.code}, {self.get_status_display().lower()})"

    @property
    def is_in_use(self) -> bool:
        return self.diagnostics.exists()


class Recommendation(TranslatedTexts, models.Model):
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
    short_title_en = models.CharField(_("titre court (anglais)"), max_length=120, blank=True)
    wording = models.TextField(_("libellé de l’étude"), help_text=_("Le texte exact de l’étude."))
    wording_en = models.TextField(
        _("libellé de l’étude (anglais)"),
        blank=True,
        help_text=_(
            "Traduction affichée à côté du texte original de l’étude, qui reste en français."
        ),
    )
    explanation = models.TextField(_("explication"), blank=True)
    explanation_en = models.TextField(_("explication (anglais)"), blank=True)
    weight = models.DecimalField(
        _("poids"), max_digits=6, decimal_places=2, default=1, validators=[_positive_weight]
    )

    translated_fields = ("short_title", "wording", "explanation")

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
        # In the active language: forms list recommendations by this (the plan's add form).
        return f"{self.number}. {self.localized('short_title')}"


class Question(TranslatedTexts, models.Model):
    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("préconisation"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    code = models.CharField(_("code"), max_length=20)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("intitulé"))
    text_en = models.TextField(_("intitulé (anglais)"), blank=True)
    help_text = models.TextField(_("aide"), blank=True)
    help_text_en = models.TextField(_("aide (anglais)"), blank=True)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    unit_en = models.CharField(_("unité (anglais)"), max_length=40, blank=True)
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

    translated_fields = ("text", "help_text", "unit")

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


class Option(TranslatedTexts, models.Model):
    """A maturity level of a scale question, or an option of a choice / multi question."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveIntegerField(_("ordre"), default=0)
    label = models.CharField(_("libellé"), max_length=200)
    label_en = models.CharField(_("libellé (anglais)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (anglaise)"), blank=True)
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

    translated_fields = ("label", "description")

    class Meta:
        verbose_name = _("niveau ou option")
        verbose_name_plural = _("niveaux et options")
        ordering = ["question", "position", "pk"]

    def __str__(self):
        return self.label


class SuggestedAction(TranslatedTexts, models.Model):
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
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (anglaise)"), blank=True)
    owner_service = models.CharField(_("service porteur type"), max_length=200, blank=True)
    owner_service_en = models.CharField(
        _("service porteur type (anglais)"), max_length=200, blank=True
    )
    # Texts, or {"label", "url"} for a public page; either may carry "label_en" as
    # {"label", "label_en", "url"} (url empty for a plain text) — catalogue_file._resource.
    resources = models.JSONField(_("ressources utiles"), default=list, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    translated_fields = ("title", "description", "owner_service")

    class Meta:
        verbose_name = _("action suggérée")
        verbose_name_plural = _("actions suggérées")
        ordering = ["recommendation__number", "position", "pk"]

    def __str__(self):
        return self.title

    @property
    def resource_links(self) -> list[dict]:
        """The resources as ``{label, url, lang}`` in the active language; ``url`` is empty for a
        plain text (catalogue_file); ``lang`` is « fr » when an English page shows a French label
        (no translation), else empty."""
        english = english_requested()
        links = []
        for r in self.resources or []:
            if isinstance(r, str):
                r = {"label": r}
            label, label_en = r.get("label", ""), r.get("label_en", "")
            links.append(
                {
                    "label": label_en if english and label_en else label,
                    "url": r.get("url", ""),
                    "lang": "fr" if english and not label_en else "",
                }
            )
        return links

    def missing_translations(self) -> list[str]:
        missing = super().missing_translations()
        if any(isinstance(r, str) or not r.get("label_en") for r in self.resources or []):
            missing.append("resources")
        return missing

    def clean(self):
        if self.question_id and self.question.recommendation_id != self.recommendation_id:
            raise ValidationError(
                {"question": _("La question liée doit appartenir à la même préconisation.")}
            )
