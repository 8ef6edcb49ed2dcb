"""Reads of the catalogue."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from recommendations.enums import SCORED_KINDS
from recommendations.models import (
    CatalogueVersion,
    Option,
    Question,
    Recommendation,
    SuggestedAction,
)


def catalogue_overview(version: CatalogueVersion):
    """The recommendations of a version with their question counts, in one query."""
    return list(
        Recommendation.objects.filter(catalogue=version)
        .annotate(
            question_count=Count("questions"),
            scored_count=Count("questions", filter=Q(questions__kind__in=SCORED_KINDS)),
        )
        .order_by("number")
    )


@dataclass
class MissingTranslation:
    obj: object
    fields: list[str]

    @property
    def labels(self) -> list[str]:
        names = []
        for name in self.fields:
            if name == "resources":
                names.append(str(SuggestedAction._meta.get_field("resources").verbose_name))
            else:
                names.append(str(self.obj._meta.get_field(name).verbose_name))
        return names


@dataclass
class TranslationStatus:
    translated: int
    total: int
    missing: list[MissingTranslation]


def translation_status(version: CatalogueVersion) -> TranslationStatus:
    """How many of the version's French texts have their English translation, and which lack
    one, in catalogue order: four queries whatever the size of the catalogue."""
    recommendations = list(
        Recommendation.objects.filter(catalogue=version)
        .order_by("number")
        .prefetch_related(
            Prefetch("questions", Question.objects.order_by("position", "pk")),
            Prefetch("questions__options", Option.objects.order_by("position", "pk")),
            Prefetch("actions", SuggestedAction.objects.order_by("position", "pk")),
        )
    )
    objects: list = [version]
    for recommendation in recommendations:
        objects.append(recommendation)
        for question in recommendation.questions.all():
            objects.append(question)
            objects.extend(question.options.all())
        objects.extend(recommendation.actions.all())
    translated = total = 0
    missing = []
    for obj in objects:
        texts = [name for name in obj.translated_fields if getattr(obj, name)]
        lacking = obj.missing_translations()
        resources = list(getattr(obj, "resources", None) or [])
        total += len(texts) + len(resources)
        translated += len(texts) - len([n for n in lacking if n != "resources"])
        translated += sum(1 for r in resources if isinstance(r, dict) and r.get("label_en"))
        if lacking:
            missing.append(MissingTranslation(obj, lacking))
    return TranslationStatus(translated=translated, total=total, missing=missing)
