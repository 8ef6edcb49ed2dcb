"""Read, validate and write the catalogue data file (YAML), reporting errors with their place."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from recommendations.enums import LEVEL_KINDS, SCORED_OPTION_KINDS, QuestionKind

DEFAULT_CATALOGUE_PATH = Path(__file__).resolve().parent / "catalogue" / "aeict.yaml"

_KINDS = set(QuestionKind.values)


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

    def number(self, data: dict, key: str, where: str, *, default, low, high, strict_low=False):
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
        "text": check.text(raw, "text", where),
        "help_text": check.text(raw, "help_text", where, required=False),
        "unit": check.text(raw, "unit", where, required=False, max_length=40),
        "weight": check.number(raw, "weight", where, default=1, low=0, high=1000, strict_low=True),
        "allows_not_applicable": check.boolean(raw, "allows_not_applicable", where, default=False),
        "required": check.boolean(raw, "required", where, default=True),
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
                    "label": check.text(level, "label", level_where, max_length=200),
                    "description": check.text(level, "description", level_where),
                    "score": None,
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
            question["options"].append(
                {
                    "label": check.text(option, "label", option_where, max_length=200),
                    "description": check.text(option, "description", option_where, required=False),
                    "score": check.number(option, "score", option_where, default=0, low=0, high=1),
                }
            )
    elif raw.get("levels") or raw.get("options"):
        check.fail(where, f"une question de type « {kind} » n’a ni niveaux ni options")
    return question


def _normalise_action(raw, where: str, codes: set[str], check: _Checker) -> dict:
    if not isinstance(raw, dict):
        check.fail(where, "une action doit être un dictionnaire")
        return {}
    question = raw.get("question") or None
    if question is not None and question not in codes:
        check.fail(where, f"la question liée « {question} » n’existe pas dans cette recommandation")
    resources = raw.get("resources") or []
    if not isinstance(resources, list) or not all(isinstance(r, str) for r in resources):
        check.fail(where, "« resources » doit être une liste de textes")
        resources = []
    return {
        "title": check.text(raw, "title", where, max_length=200),
        "description": check.text(raw, "description", where, required=False),
        "question": question,
        "owner_service": check.text(raw, "owner_service", where, required=False, max_length=200),
        "resources": [r.strip() for r in resources if r.strip()],
    }


def normalise_catalogue(data) -> dict:
    """Validate raw data and return it in canonical form, or raise CatalogueFileError."""
    check = _Checker(problems=[])
    if not isinstance(data, dict):
        raise CatalogueFileError(["fichier : le document doit être un dictionnaire YAML"])
    catalogue = {
        "version": check.text({"v": str(data.get("version") or "")}, "v", "fichier › version"),
        "title": check.text(data, "title", "fichier", max_length=200),
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
                "short_title": check.text(raw, "short_title", where, max_length=120),
                "wording": check.text(raw, "wording", where),
                "explanation": check.text(raw, "explanation", where, required=False),
                "weight": check.number(
                    raw, "weight", where, default=1, low=0, high=1000, strict_low=True
                ),
                "questions": questions,
                "actions": actions,
            }
        )
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
        return {key: _plain(item) for key, item in value.items()}
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
                    {"label": o["label"], "description": o["description"]} for o in options
                ]
            elif options:
                question["options"] = [
                    {k: v for k, v in o.items() if k != "description" or v} for o in options
                ]
            if not question["unit"]:
                del question["unit"]
        for action in recommendation["actions"]:
            if not action["question"]:
                del action["question"]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
