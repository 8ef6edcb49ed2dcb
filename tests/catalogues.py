"""A small catalogue file with applicability rules and an exclusive option, as the catalogue data
file writes them (recommendations/catalogue_file.py): the 2026.1 catalogue has none."""

import copy

from recommendations.catalogue_file import normalise_catalogue
from recommendations.services import load_catalogue

LEVELS = [
    {"label": "Aucun", "description": "Rien n’est fait."},
    {"label": "Débuté", "description": "Quelques actions."},
    {"label": "Organisé", "description": "Un service s’en charge."},
    {"label": "Piloté", "description": "Suivi chaque année."},
]

RULES = {
    "version": "test-regles",
    "title": "Catalogue de test des règles",
    "recommendations": [
        {
            "number": 1,
            "short_title": "Pilotage",
            "wording": "Piloter l’action internationale",
            "questions": [
                {
                    "code": "R1.Q1",
                    "kind": "boolean",
                    "text": "Un élu a-t-il reçu une délégation « international » ?",
                },
                {
                    "code": "R1.Q2",
                    "kind": "scale",
                    "text": "Cet élu rend-il compte de sa délégation ?",
                    "levels": LEVELS,
                    "asked_when": {"question": "R1.Q1", "is": True},
                },
                {
                    "code": "R1.Q3",
                    "kind": "multi",
                    "text": "Quels financements mobilisez-vous ?",
                    "options": [
                        {"label": "Fonds européens", "score": 0.5},
                        {"label": "Appels à projets du MEAE", "score": 0.5},
                        {"label": "Aucun financement identifié", "score": 0, "exclusive": True},
                    ],
                },
                {
                    "code": "R1.Q4",
                    "kind": "scale",
                    "text": "Le département ou la région coordonne-t-il les acteurs ?",
                    "levels": LEVELS,
                    "applies_to": ["departement", "region"],
                },
                {
                    "code": "R1.Q5",
                    "kind": "text",
                    "text": "Quels programmes européens ?",
                    "required": False,
                    "asked_when": {"question": "R1.Q3", "options": [1]},
                },
            ],
        },
        {
            "number": 2,
            "short_title": "Moyens",
            "wording": "Donner des moyens",
            "questions": [
                {
                    "code": "R2.Q1",
                    "kind": "choice",
                    "text": "Un budget est-il voté ?",
                    "options": [
                        {"label": "Non", "score": 0},
                        {"label": "Oui, partiel", "score": 0.5},
                        {"label": "Oui, pluriannuel", "score": 1},
                    ],
                    "asked_when": {"question": "R1.Q2", "levels": [2, 3]},
                },
            ],
        },
    ],
}


def rules_file() -> dict:
    """The raw file content (a fresh copy, to change in a test)."""
    return copy.deepcopy(RULES)


def load_rules_catalogue():
    version, _changed = load_catalogue(catalogue=normalise_catalogue(rules_file()))
    return version


def without_translations(version):
    """The catalogue version with every English text blank, as before anyone translated it (the
    catalogue files carry English texts): for tests that start from an untranslated catalogue."""
    from recommendations.models import Option, Question, Recommendation, SuggestedAction

    def blank(model):
        return {f"{name}_en": "" for name in model.translated_fields}

    type(version).objects.filter(pk=version.pk).update(**blank(type(version)))
    Recommendation.objects.filter(catalogue=version).update(**blank(Recommendation))
    Question.objects.filter(recommendation__catalogue=version).update(**blank(Question))
    Option.objects.filter(question__recommendation__catalogue=version).update(**blank(Option))
    for action in SuggestedAction.objects.filter(recommendation__catalogue=version):
        action.resources = [
            {k: v for k, v in r.items() if k != "label_en"} if isinstance(r, dict) else r
            for r in action.resources
        ]
        for name in SuggestedAction.translated_fields:
            setattr(action, f"{name}_en", "")
        action.save()
    version.refresh_from_db()
    return version
