"""Writes on the catalogue: load a data file into a version, export it, derive a new draft."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from recommendations.catalogue_file import EN, strip_translations
from recommendations.enums import QuestionKind, VersionStatus
from recommendations.models import (
    CatalogueVersion,
    Option,
    Question,
    Recommendation,
    SuggestedAction,
)


class CatalogueVersionInUse(Exception):
    """Raised instead of altering a catalogue version that a diagnostic already uses."""


class TranslationMismatch(Exception):
    """A translations file whose French texts (or structure) differ from the stored version's:
    nothing is written."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        super().__init__(message)


def _texts(obj, *names: str) -> dict:
    """``{name: text}`` for each name, each followed by ``name_en`` when it is filled: the
    canonical form of catalogue_file (the data file writes ``K_en`` right after ``K``)."""
    found = {}
    for name in names:
        found[name] = getattr(obj, name)
        if english := getattr(obj, name + EN):
            found[name + EN] = english
    return found


def _english_fields(data: dict, *names: str) -> dict:
    """The model's English fields from a canonical dict: blank when the file has none."""
    return {name + EN: data.get(name + EN, "") for name in names}


def export_catalogue(version: CatalogueVersion) -> dict:
    """The version in the canonical form of ``catalogue_file.normalise_catalogue``."""
    recommendations = list(
        version.recommendations.order_by("number").prefetch_related(
            "questions__options", "questions__condition_question", "actions__question"
        )
    )
    questions = [q for r in recommendations for q in r.questions.all()]
    # Each option's position in its question, from 1, as the file numbers them.
    rank = {
        o.pk: index
        for q in questions
        for index, o in enumerate(sorted(q.options.all(), key=lambda o: (o.position, o.pk)), 1)
    }
    return {
        "version": version.code,
        **_texts(version, "title"),
        "recommendations": [
            {
                "number": r.number,
                **_texts(r, "short_title", "wording", "explanation"),
                "weight": r.weight,
                "questions": [
                    {
                        "code": q.code,
                        "kind": q.kind,
                        **_texts(q, "text", "help_text", "unit"),
                        "weight": q.weight,
                        "allows_not_applicable": q.allows_not_applicable,
                        "required": q.required,
                        "applies_to": list(q.applies_to_kinds or []),
                        "asked_when": _asked_when(q, rank),
                        "options": [
                            {
                                **_texts(o, "label", "description"),
                                "score": o.score,
                                "exclusive": o.exclusive,
                            }
                            for o in sorted(q.options.all(), key=lambda o: (o.position, o.pk))
                        ],
                    }
                    for q in sorted(r.questions.all(), key=lambda q: (q.position, q.pk))
                ],
                "actions": [
                    {
                        **_texts(a, "title", "description"),
                        "question": a.question.code if a.question else None,
                        **_texts(a, "owner_service"),
                        "resources": list(a.resources),
                    }
                    for a in sorted(r.actions.all(), key=lambda a: (a.position, a.pk))
                ],
            }
            for r in recommendations
        ],
    }


def _asked_when(question: Question, rank: dict[int, int]) -> dict | None:
    """The question's condition as the catalogue file writes it (catalogue_file)."""
    target = question.condition_question
    if target is None:
        return None
    values = list(question.condition_values or [])
    if target.kind == QuestionKind.BOOLEAN:
        return {"question": target.code, "is": bool(values and values[0])}
    if target.kind == QuestionKind.SCALE:
        return {"question": target.code, "levels": sorted(values)}
    return {"question": target.code, "options": sorted(rank[pk] for pk in values if pk in rank)}


def _condition_values(target: Question, options: list[Option], asked_when: dict) -> list:
    """The stored answer values (Answer.value's form) a file's condition accepts."""
    if "is" in asked_when:
        return [asked_when["is"]]
    if "levels" in asked_when:
        return list(asked_when["levels"])
    return [options[position - 1].pk for position in asked_when["options"]]


def _create_content(version: CatalogueVersion, catalogue: dict) -> None:
    created: dict[str, tuple[Question, list[Option]]] = {}
    conditional: list[tuple[Question, dict]] = []
    for rec_data in catalogue["recommendations"]:
        recommendation = Recommendation.objects.create(
            catalogue=version,
            number=rec_data["number"],
            short_title=rec_data["short_title"],
            wording=rec_data["wording"],
            explanation=rec_data["explanation"],
            weight=rec_data["weight"],
            **_english_fields(rec_data, *Recommendation.translated_fields),
        )
        questions = {}
        for position, q_data in enumerate(rec_data["questions"], start=1):
            question = Question.objects.create(
                recommendation=recommendation,
                code=q_data["code"],
                kind=q_data["kind"],
                text=q_data["text"],
                help_text=q_data["help_text"],
                unit=q_data["unit"],
                weight=q_data["weight"],
                allows_not_applicable=q_data["allows_not_applicable"],
                required=q_data["required"],
                applies_to_kinds=list(q_data.get("applies_to") or []),
                position=position,
                **_english_fields(q_data, *Question.translated_fields),
            )
            questions[question.code] = question
            options = Option.objects.bulk_create(
                Option(
                    question=question,
                    position=index,
                    label=o["label"],
                    description=o["description"],
                    score=o["score"],
                    exclusive=o.get("exclusive", False),
                    **_english_fields(o, *Option.translated_fields),
                )
                for index, o in enumerate(q_data["options"])
            )
            created[question.code] = (question, options)
            if q_data.get("asked_when"):
                conditional.append((question, q_data["asked_when"]))
        SuggestedAction.objects.bulk_create(
            SuggestedAction(
                recommendation=recommendation,
                question=questions.get(a["question"]) if a["question"] else None,
                title=a["title"],
                description=a["description"],
                owner_service=a["owner_service"],
                resources=a["resources"],
                position=position,
                **_english_fields(a, *SuggestedAction.translated_fields),
            )
            for position, a in enumerate(rec_data["actions"], start=1)
        )
    # Conditions name questions by code: set once every question of the version exists, on this
    # version's own rows (a derived draft points at its copies, not at the original's).
    for question, asked_when in conditional:
        target, options = created[asked_when["question"]]
        if any(o.pk is None for o in options):
            options = list(target.options.order_by("position", "pk"))
        question.condition_question = target
        question.condition_values = _condition_values(target, options, asked_when)
        question.save(update_fields=["condition_question", "condition_values"])


@transaction.atomic
def load_catalogue(*, catalogue: dict, publish: bool = True) -> tuple[CatalogueVersion, bool]:
    """Create or update the version named in ``catalogue``; returns (version, changed).

    Loading the same content twice changes nothing. A version used by a diagnostic is never
    altered: CatalogueVersionInUse is raised instead.
    """
    version = CatalogueVersion.objects.select_for_update().filter(code=catalogue["version"]).first()
    wanted_status = VersionStatus.PUBLISHED if publish else VersionStatus.DRAFT
    if version is None:
        version = CatalogueVersion.objects.create(
            code=catalogue["version"],
            title=catalogue["title"],
            title_en=catalogue.get("title_en", ""),
            status=wanted_status,
        )
        _create_content(version, catalogue)
    else:
        stored = export_catalogue(version)
        same_content = stored == catalogue
        if same_content and version.status == wanted_status:
            return version, False
        if not same_content and strip_translations(stored) == strip_translations(catalogue):
            # Only the English texts differ: they never change the scores, so they are written
            # in place, even into a version that diagnostics use.
            _write_translations(version, catalogue)
            same_content = True
        if version.is_in_use and not same_content:
            raise CatalogueVersionInUse(
                _(
                    "La version « %(code)s » est utilisée par au moins un diagnostic : elle ne "
                    "peut pas être modifiée. Donnez un nouveau numéro de version au fichier."
                )
                % {"code": version.code}
            )
        if not same_content:
            version.recommendations.all().delete()
            version.title = catalogue["title"]
            _create_content(version, catalogue)
        version.status = wanted_status
    if version.status == VersionStatus.PUBLISHED and version.published_at is None:
        version.published_at = timezone.now()
    version.save()
    return version, True


def _translation_problems(stored: dict, wanted: dict, where: str = "fichier") -> list[str]:
    """Where the French texts or the structure of ``wanted`` differ from ``stored`` (both in
    canonical form, translations ignored)."""
    if stored == wanted:
        return []
    if isinstance(stored, dict) and isinstance(wanted, dict):
        if set(stored) != set(wanted):
            keys = ", ".join(sorted(map(str, set(stored) ^ set(wanted))))
            return [f"{where} : champs différents ({keys})"]
        problems = []
        for key in stored:
            label = {"recommendations": "recommandations"}.get(key, key)
            problems += _translation_problems(stored[key], wanted[key], f"{where} › {label}")
        return problems
    if isinstance(stored, list) and isinstance(wanted, list):
        if len(stored) != len(wanted):
            return [f"{where} : {len(wanted)} éléments dans le fichier, {len(stored)} en base"]
        problems = []
        for index, (was, now) in enumerate(zip(stored, wanted, strict=True), start=1):
            problems += _translation_problems(was, now, f"{where} {index}")
        return problems
    return [f"{where} : « {wanted} » dans le fichier, « {stored} » en base"]


def _write_translations(version: CatalogueVersion, catalogue: dict) -> int:
    """Write the English texts of ``catalogue`` (same French content as ``version``) into the
    version's rows, matched by recommendation number, question code, option and action
    position; returns how many rows changed."""
    recommendations = {
        r.number: r
        for r in version.recommendations.prefetch_related("questions__options", "actions")
    }
    changed = []

    def update(obj, data: dict, names, extra=None):
        values = {**_english_fields(data, *names), **(extra or {})}
        if any(getattr(obj, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(obj, field, value)
            obj.save(update_fields=list(values))
            changed.append(obj)

    update(version, catalogue, CatalogueVersion.translated_fields)
    for rec_data in catalogue["recommendations"]:
        recommendation = recommendations[rec_data["number"]]
        update(recommendation, rec_data, Recommendation.translated_fields)
        questions = {q.code: q for q in recommendation.questions.all()}
        for q_data in rec_data["questions"]:
            question = questions[q_data["code"]]
            update(question, q_data, Question.translated_fields)
            options = sorted(question.options.all(), key=lambda o: (o.position, o.pk))
            for option, o_data in zip(options, q_data["options"], strict=True):
                update(option, o_data, Option.translated_fields)
        actions = sorted(recommendation.actions.all(), key=lambda a: (a.position, a.pk))
        for action, a_data in zip(actions, rec_data["actions"], strict=True):
            update(
                action,
                a_data,
                SuggestedAction.translated_fields,
                {"resources": a_data["resources"]},
            )
    return len(changed)


@transaction.atomic
def load_translations(*, catalogue: dict) -> tuple[CatalogueVersion, int]:
    """Write only the English texts of ``catalogue`` into the stored version of the same code,
    published or in use alike (translations never change the scores); returns (version, number
    of rows changed). Raises TranslationMismatch, writing nothing, when the version is unknown
    or its French texts or structure differ from the file's."""
    version = CatalogueVersion.objects.select_for_update().filter(code=catalogue["version"]).first()
    if version is None:
        raise TranslationMismatch(
            _("Aucune version du catalogue n’a le code « %(code)s ».")
            % {"code": catalogue["version"]}
        )
    problems = _translation_problems(
        strip_translations(export_catalogue(version)), strip_translations(catalogue)
    )
    if problems:
        raise TranslationMismatch(
            _(
                "Les textes français du fichier diffèrent de ceux de la version « %(code)s » "
                "enregistrée : les traductions ne sont pas chargées."
            )
            % {"code": version.code},
            problems,
        )
    return version, _write_translations(version, catalogue)


def _free_code(base: str) -> str:
    candidate, suffix = f"{base}-brouillon", 1
    while CatalogueVersion.objects.filter(code=candidate).exists():
        suffix += 1
        candidate = f"{base}-brouillon-{suffix}"
    return candidate


@transaction.atomic
def create_draft_from(*, version: CatalogueVersion) -> CatalogueVersion:
    """A new draft version holding a copy of ``version``'s content."""
    content = export_catalogue(version)
    draft = CatalogueVersion.objects.create(
        code=_free_code(version.code),
        title=version.title,
        status=VersionStatus.DRAFT,
        derived_from=version,
    )
    _create_content(draft, content)
    return draft


@transaction.atomic
def publish_version(*, version: CatalogueVersion) -> None:
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
