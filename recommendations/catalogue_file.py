"""Read, validate and write the catalogue data file (YAML), reporting errors with their place.

Besides texts, weights, levels and options, a question may carry an applicability rule (method
v2, SCORING.md), written readably and translated to the model's fields at load:

- ``applies_to: [departement, region]``: the kinds of collectivité it is asked of (values of
  Collectivite.kind; absent: every kind);
- ``asked_when: {question: "R9.Q1", is: true}``: asked only when an earlier question (of the
  same recommendation, or of one with a smaller number) holds one of the accepted answers:
  ``is: true`` or ``is: false`` for a yes/no question, ``options: [1, 3]`` for a choice or a
  multi-choice (option positions from 1, in the file's order; for a multi, any of them ticked),
  ``levels: [2, 3]`` for a scale (level numbers from 0, as the questionnaire shows them).

An action's ``resources`` are texts or, for a public page, ``{label: "CNFPT", url:
"https://www.cnfpt.fr/"}`` (https only), shown as links on the pages and in the PDF.

A multi-choice option may say ``exclusive: true`` (« Aucun financement identifié »): it cannot be
ticked with another option.

English translations: each text ``K`` (TRANSLATED_KEYS) may be followed by ``K_en``, its English
text (optional; left out, the English pages show the French one); a resource may carry
``label_en``. Translations never change the scores: ``translation_differences`` tells a file that
only adds or changes them, which the loader then writes into the version in place.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from recommendations.enums import LEVEL_KINDS, SCORED_OPTION_KINDS, QuestionKind, collectivite_kinds

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
# The first published version (2026.1): diagnostics started with it keep it. Later versions are
# further files of CATALOGUE_DIR (aeict-2026.2.yaml…), all loaded by ``manage.py loadcatalogue``.
DEFAULT_CATALOGUE_PATH = CATALOGUE_DIR / "aeict.yaml"


def catalogue_files() -> list[Path]:
    """The catalogue files shipped with the application."""
    return sorted(CATALOGUE_DIR.glob("*.yaml"))


def version_key(code: str) -> tuple:
    """Order of version codes: « 2026.2 » before « 2026.10 »."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in code.split("."))


_KINDS = set(QuestionKind.values)
# The texts that may have an English translation, written ``<key>_en`` right after the key.
TRANSLATED_KEYS = (
    "title",
    "short_title",
    "wording",
    "explanation",
    "text",
    "help_text",
    "unit",
    "label",
    "description",
    "owner_service",
)
EN = "_en"
# What the database keeps after the decimal point (recommendations.models).
WEIGHT_PLACES = 2
SCORE_PLACES = 4
# The accepted answers of a condition, by the kind of the condition's question.
_CONDITION_KEYS = {
    QuestionKind.BOOLEAN: "is",
    QuestionKind.CHOICE: "options",
    QuestionKind.MULTI: "options",
    QuestionKind.SCALE: "levels",
}


class CatalogueFileError(Exception):
    """The file cannot be loaded; ``problems`` lists each place and what is wrong there."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class _Checker:
    problems: list[str]

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where} : {message}")

    def text(self, data: dict, key: str, where: str, *, required=True, max_length=None) -> str:
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(where, f"« {key} » doit être un texte")
            return ""
        value = value.strip()
        if required and not value:
            self.fail(where, f"« {key} » est obligatoire")
        if max_length and len(value) > max_length:
            self.fail(where, f"« {key} » dépasse {max_length} caractères")
        return value

    def texts(self, data: dict, key: str, where: str, *, required=True, max_length=None) -> dict:
        """``{key: text}``, followed by ``{key_en: translation}`` when the file has one."""
        value = self.text(data, key, where, required=required, max_length=max_length)
        found = {key: value}
        english = self.text(data, key + EN, where, required=False, max_length=max_length)
        if english:
            if not value:
                self.fail(where, f"« {key}{EN} » traduit un texte « {key} » vide")
            found[key + EN] = english
        return found

    def number(
        self, data: dict, key: str, where: str, *, default, low, high, places, strict_low=False
    ):
        raw = data.get(key, default)
        if isinstance(raw, bool):
            self.fail(where, f"« {key} » doit être un nombre")
            return Decimal(default)
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            self.fail(where, f"« {key} » doit être un nombre (reçu : {raw!r})")
            return Decimal(default)
        if not value.is_finite() or value < low or value > high or (strict_low and value == low):
            bound = "strictement positif" if strict_low else f"compris entre {low} et {high}"
            self.fail(where, f"« {key} » doit être {bound} (reçu : {raw})")
        elif value.normalize().as_tuple().exponent < -places:
            # The database would round it silently (0.125 → 0.12, 0.004 → 0).
            self.fail(
                where,
                f"« {key} » a trop de décimales (reçu : {raw}) : "
                f"{places} chiffres après la virgule au plus",
            )
        return value

    def boolean(self, data: dict, key: str, where: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail(where, f"« {key} » doit valoir true ou false")
            return default
        return value


def _normalise_question(raw, where: str, check: _Checker) -> dict:
    if not isinstance(raw, dict):
        check.fail(where, "une question doit être un dictionnaire")
        return {}
    kind = raw.get("kind")
    if kind not in _KINDS:
        check.fail(where, f"type « {kind} » inconnu (attendu : {', '.join(sorted(_KINDS))})")
    question = {
        "code": check.text(raw, "code", where, max_length=20),
        "kind": kind,
        **check.texts(raw, "text", where),
        **check.texts(raw, "help_text", where, required=False),
        **check.texts(raw, "unit", where, required=False, max_length=40),
        "weight": check.number(
            raw, "weight", where, default=1, low=0, high=1000, places=WEIGHT_PLACES, strict_low=True
        ),
        "allows_not_applicable": check.boolean(raw, "allows_not_applicable", where, default=False),
        "required": check.boolean(raw, "required", where, default=True),
        "applies_to": _applies_to(raw, where, check),
        # Checked against the other questions once they are all read (_check_conditions).
        "asked_when": raw.get("asked_when"),
        "options": [],
    }
    if kind in LEVEL_KINDS:
        levels = raw.get("levels")
        if not isinstance(levels, list) or len(levels) < 2:
            check.fail(where, "une échelle doit avoir au moins deux niveaux (« levels »)")
            levels = []
        for index, level in enumerate(levels):
            level_where = f"{where} › niveau {index}"
            if not isinstance(level, dict):
                check.fail(level_where, "un niveau doit avoir « label » et « description »")
                continue
            question["options"].append(
                {
                    **check.texts(level, "label", level_where, max_length=200),
                    **check.texts(level, "description", level_where),
                    "score": None,
                    "exclusive": False,
                }
            )
    elif kind in SCORED_OPTION_KINDS:
        options = raw.get("options")
        if not isinstance(options, list) or not options:
            check.fail(where, "un choix doit avoir au moins une option (« options »)")
            options = []
        for index, option in enumerate(options, start=1):
            option_where = f"{where} › option {index}"
            if not isinstance(option, dict):
                check.fail(option_where, "une option doit avoir « label » et « score »")
                continue
            if "score" not in option:
                check.fail(option_where, "« score » est obligatoire")
            exclusive = check.boolean(option, "exclusive", option_where, default=False)
            if exclusive and kind != QuestionKind.MULTI:
                check.fail(option_where, "seule une option d’un choix multiple peut être exclusive")
            question["options"].append(
                {
                    **check.texts(option, "label", option_where, max_length=200),
                    **check.texts(option, "description", option_where, required=False),
                    "score": check.number(
                        option, "score", option_where, default=0, low=0, high=1, places=SCORE_PLACES
                    ),
                    "exclusive": exclusive,
                }
            )
    elif raw.get("levels") or raw.get("options"):
        check.fail(where, f"une question de type « {kind} » n’a ni niveaux ni options")
    return question


def _applies_to(raw: dict, where: str, check: _Checker) -> list[str]:
    kinds = raw.get("applies_to") or []
    if not isinstance(kinds, list):
        check.fail(where, "« applies_to » doit être une liste de types de collectivité")
        return []
    known = [value for value, _label in collectivite_kinds()]
    for kind in kinds:
        if kind not in known:
            check.fail(
                where,
                f"« applies_to » : type de collectivité « {kind} » inconnu "
                f"(attendus : {', '.join(known)})",
            )
    if len(set(map(str, kinds))) != len(kinds):
        check.fail(where, "« applies_to » cite deux fois le même type de collectivité")
    return [kind for kind in kinds if kind in known]


def _check_conditions(recommendations: list[dict], check: _Checker) -> None:
    """Check each ``asked_when`` against the question it names and put it in canonical form.

    The questionnaire resolves conditions in catalogue order (recommendation number, then
    position), so a condition may only name a question that comes before its own."""
    order, by_code = {}, {}
    for recommendation in recommendations:
        number = recommendation["number"]
        for position, question in enumerate(recommendation["questions"]):
            if question.get("code"):
                order[question["code"]] = (number if isinstance(number, int) else 0, position)
                by_code[question["code"]] = question
    for recommendation in recommendations:
        for question in recommendation["questions"]:
            raw = question.get("asked_when")
            if raw is None or not question.get("code"):
                question["asked_when"] = None
                continue
            where = (
                f"recommandation {recommendation['number']} › question {question['code']} "
                "› asked_when"
            )
            question["asked_when"] = _condition(question, raw, where, order, by_code, check)


def _condition(question, raw, where, order, by_code, check) -> dict | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("question"), str):
        check.fail(where, "doit indiquer « question » (un code) et les réponses acceptées")
        return None
    code = raw["question"]
    target = by_code.get(code)
    if target is None:
        check.fail(where, f"la question « {code} » n’existe pas dans le catalogue")
        return None
    if code == question["code"]:
        check.fail(where, "une question ne peut pas dépendre d’elle-même (cycle)")
        return None
    if order[code] > order[question["code"]]:
        chain, current = [question["code"], code], by_code[code]
        while isinstance(current.get("asked_when"), dict) and "question" in current["asked_when"]:
            following = current["asked_when"]["question"]
            if following not in by_code or following in chain[1:]:
                break
            chain.append(following)
            if following == question["code"]:
                check.fail(where, f"ces conditions forment un cycle ({' → '.join(chain)})")
                return None
            current = by_code[following]
        check.fail(
            where,
            f"la question « {code} » vient plus loin dans le catalogue : une condition ne peut "
            "porter que sur une question précédente (même recommandation plus haut, ou "
            "recommandation de numéro inférieur)",
        )
        return None
    key = _CONDITION_KEYS.get(target.get("kind"))
    if key is None:
        check.fail(
            where,
            f"la question « {code} » est de type « {target.get('kind')} » : une condition ne "
            "peut porter que sur une question oui/non, à choix, à choix multiples ou à échelle",
        )
        return None
    extra = set(raw) - {"question", key}
    if extra or key not in raw:
        check.fail(
            where,
            f"pour la question « {code} » (type « {target['kind']} »), les réponses acceptées "
            f"s’écrivent « {key} »"
            + (f" ; clé inattendue : {', '.join(sorted(map(str, extra)))}" if extra else ""),
        )
        return None
    accepted = raw[key]
    if key == "is":
        if not isinstance(accepted, bool):
            check.fail(where, "« is » doit valoir true ou false")
            return None
        return {"question": code, "is": accepted}
    if key == "options":
        low, high, what = 1, len(target["options"]), "d’option"
    else:
        low, high, what = 0, len(target["options"]) - 1, "de niveau"
    if (
        not isinstance(accepted, list)
        or not accepted
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in accepted)
    ):
        check.fail(where, f"« {key} » doit être une liste non vide de numéros")
        return None
    for value in accepted:
        if not low <= value <= high:
            check.fail(
                where,
                f"la question « {code} » n’a pas {what} {value} (de {low} à {high})",
            )
            return None
    if len(set(accepted)) != len(accepted):
        check.fail(where, f"« {key} » cite deux fois le même numéro")
        return None
    return {"question": code, key: sorted(accepted)}


def _normalise_action(raw, where: str, codes: set[str], check: _Checker) -> dict:
    if not isinstance(raw, dict):
        check.fail(where, "une action doit être un dictionnaire")
        return {}
    question = raw.get("question") or None
    if question is not None and question not in codes:
        check.fail(where, f"la question liée « {question} » n’existe pas dans cette recommandation")
    resources = raw.get("resources") or []
    if not isinstance(resources, list):
        check.fail(where, "« resources » doit être une liste")
        resources = []
    return {
        **check.texts(raw, "title", where, max_length=200),
        **check.texts(raw, "description", where, required=False),
        "question": question,
        **check.texts(raw, "owner_service", where, required=False, max_length=200),
        "resources": [
            resource
            for index, item in enumerate(resources, start=1)
            if (resource := _resource(item, f"{where} › ressource {index}", check))
        ],
    }


def _resource(raw, where: str, check: _Checker) -> str | dict | None:
    """A resource: a text, or ``{label, url}`` for a public page (https only); either may add
    ``label_en`` (a translated text is ``{label, label_en}``, without ``url``). Canonical form: a
    bare string for an untranslated text, else a dict with ``url`` (empty for a text)."""
    if isinstance(raw, str):
        return raw.strip() or None
    if not isinstance(raw, dict):
        check.fail(where, "une ressource est un texte, ou « label » et « url »")
        return None
    extra = set(raw) - {"label", "label_en", "url"}
    if extra:
        check.fail(where, f"clé inattendue : {', '.join(sorted(map(str, extra)))}")
    labels = check.texts(raw, "label", where, max_length=200)
    url = check.text(raw, "url", where, required="label_en" not in raw, max_length=500)
    if url:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in url):
            check.fail(where, f"« url » doit être une adresse https:// complète (reçu : {url})")
    elif "label_en" not in labels:
        return labels["label"] or None
    return {**labels, "url": url}


def normalise_resources(items: list, where: str = "ressource") -> tuple[list, list[str]]:
    """An action's resources in canonical form, with the problems found (as the loader says
    them); used by the admin's translation form."""
    check = _Checker(problems=[])
    resources = [
        resource
        for index, item in enumerate(items, start=1)
        if (resource := _resource(item, f"{where} {index}", check))
    ]
    return resources, check.problems


def normalise_catalogue(data) -> dict:
    """Validate raw data and return it in canonical form, or raise CatalogueFileError."""
    check = _Checker(problems=[])
    if not isinstance(data, dict):
        raise CatalogueFileError(["fichier : le document doit être un dictionnaire YAML"])
    catalogue = {
        "version": check.text({"v": str(data.get("version") or "")}, "v", "fichier › version"),
        **check.texts(data, "title", "fichier", max_length=200),
        "recommendations": [],
    }
    recommendations = data.get("recommendations")
    if not isinstance(recommendations, list) or not recommendations:
        check.fail("fichier", "« recommendations » doit être une liste non vide")
        recommendations = []
    seen_numbers: set[int] = set()
    seen_codes: set[str] = set()
    for index, raw in enumerate(recommendations, start=1):
        number = raw.get("number") if isinstance(raw, dict) else None
        where = f"recommandation {number if number is not None else f'n° {index} de la liste'}"
        if not isinstance(raw, dict):
            check.fail(where, "une recommandation doit être un dictionnaire")
            continue
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 10:
            check.fail(where, "« number » doit être un entier de 1 à 10")
        elif number in seen_numbers:
            check.fail(where, "numéro en double")
        seen_numbers.add(number)
        questions_raw = raw.get("questions")
        if not isinstance(questions_raw, list) or not questions_raw:
            check.fail(where, "« questions » doit être une liste non vide")
            questions_raw = []
        questions = []
        for q_index, q_raw in enumerate(questions_raw, start=1):
            code = q_raw.get("code") if isinstance(q_raw, dict) else None
            q_where = f"{where} › question {code or f'n° {q_index}'}"
            question = _normalise_question(q_raw, q_where, check)
            if question.get("code"):
                if question["code"] in seen_codes:
                    check.fail(q_where, "code de question en double dans le catalogue")
                seen_codes.add(question["code"])
            questions.append(question)
        codes = {q.get("code") for q in questions}
        actions_raw = raw.get("actions") or []
        if not isinstance(actions_raw, list):
            check.fail(where, "« actions » doit être une liste")
            actions_raw = []
        actions = [
            _normalise_action(a_raw, f"{where} › action {a_index}", codes, check)
            for a_index, a_raw in enumerate(actions_raw, start=1)
        ]
        catalogue["recommendations"].append(
            {
                "number": number,
                **check.texts(raw, "short_title", where, max_length=120),
                **check.texts(raw, "wording", where),
                **check.texts(raw, "explanation", where, required=False),
                "weight": check.number(
                    raw,
                    "weight",
                    where,
                    default=1,
                    low=0,
                    high=1000,
                    places=WEIGHT_PLACES,
                    strict_low=True,
                ),
                "questions": questions,
                "actions": actions,
            }
        )
    _check_conditions(catalogue["recommendations"], check)
    if check.problems:
        raise CatalogueFileError(check.problems)
    return catalogue


def read_catalogue_file(path: Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogueFileError([f"{path} : fichier introuvable"]) from None
    except UnicodeDecodeError as error:
        raise CatalogueFileError([f"{path} : le fichier n’est pas en UTF-8 ({error})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}, ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise CatalogueFileError([f"{where} : YAML invalide ({problem})"]) from None
    return normalise_catalogue(data)


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        # Each translation ``K_en`` right after its text ``K``.
        keys = [key for key in value if not (str(key).endswith(EN) and key[: -len(EN)] in value)]
        ordered = []
        for key in keys:
            ordered.append(key)
            if f"{key}{EN}" in value:
                ordered.append(f"{key}{EN}")
        return {key: _plain(value[key]) for key in ordered}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def dump_catalogue(catalogue: dict) -> str:
    """Write a canonical catalogue back in the data file's YAML format."""
    data = _plain(catalogue)
    for recommendation in data["recommendations"]:
        for question in recommendation["questions"]:
            options = question.pop("options")
            if question["kind"] in LEVEL_KINDS:
                question["levels"] = [
                    {k: v for k, v in o.items() if k not in ("score", "exclusive")} for o in options
                ]
            elif options:
                question["options"] = [
                    {
                        k: v
                        for k, v in o.items()
                        if k not in ("description", "description_en", "exclusive") or v
                    }
                    for o in options
                ]
            if not question["unit"]:
                del question["unit"]
            if not question["applies_to"]:
                del question["applies_to"]
            if not question["asked_when"]:
                del question["asked_when"]
        for action in recommendation["actions"]:
            if not action["question"]:
                del action["question"]
            action["resources"] = [
                {k: v for k, v in r.items() if k != "url" or v} if isinstance(r, dict) else r
                for r in action["resources"]
            ]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def strip_translations(value):
    """The catalogue without its English texts: what the scores and the French pages depend on.
    A resource whose only translation goes away returns to its canonical bare string."""
    if isinstance(value, dict):
        kept = {
            key: strip_translations(item)
            for key, item in value.items()
            if not (isinstance(key, str) and key.endswith(EN))
        }
        if set(kept) == {"label", "url"} and not kept["url"] and set(value) != set(kept):
            return kept["label"]
        return kept
    if isinstance(value, list):
        return [strip_translations(item) for item in value]
    return value


def translation_differences(old: dict, new: dict) -> bool:
    """True when two catalogues in canonical form differ in their English texts only."""
    return old != new and strip_translations(old) == strip_translations(new)
