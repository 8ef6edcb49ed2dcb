"""Helpers for the diagnostics tests: a small catalogue scored by hand, and answers posted the way
the questionnaire's form posts them."""

from django.urls import reverse

from diagnostics.question_kinds import kind_of
from diagnostics.questionnaire.answers import make_state, save_answer
from diagnostics.questionnaire.forms import post_data
from recommendations.catalogue_file import normalise_catalogue
from recommendations.services import load_catalogue


def answer_payload(question, options, *, high=True, revision=0, comment="") -> dict:
    """A valid POST for one question: the top (or bottom) answer of its kind."""
    value = kind_of(question).sample(question, options, level=1.0 if high else 0.0)
    state = make_state(value=value, not_applicable=False, comment=comment)
    return post_data(question, options, state, revision=revision)


def save_url(diagnostic, question) -> str:
    return reverse("diagnostic_answer", args=[diagnostic.public_id, question.code])


def answer_everything(client, diagnostic, data, *, high=True):
    """Every question the questionnaire lets one answer: not those the collectivité's
    partnerships registry answers (diagnostics.registry)."""
    from diagnostics.registry import registry_answers

    from_registry = registry_answers(diagnostic, data.questions)
    for question in data.questions:
        if question.code in from_registry:
            continue
        options = data.options_by_question.get(question.pk, [])
        response = client.post(
            save_url(diagnostic, question), answer_payload(question, options, high=high)
        )
        assert response.status_code == 200, response.content


LEVELS = [{"label": f"Niveau {i}", "description": f"Description du niveau {i}"} for i in range(4)]


def small_catalogue(code="test-1", change=None):
    """Three recommendations whose scores are easy to compute by hand; ``change``, if given,
    alters the catalogue's data before it is loaded (another version of it)."""

    def scale(code, weight=1, na=False):
        return {
            "code": code,
            "kind": "scale",
            "text": f"Question {code} ?",
            "weight": weight,
            "allows_not_applicable": na,
            "levels": LEVELS,
        }

    data = {
        "version": code,
        "title": "Catalogue de test",
        "recommendations": [
            {
                "number": 1,
                "short_title": "Un",
                "wording": "Première",
                "questions": [
                    scale("A1", weight=2),
                    {"code": "A2", "kind": "boolean", "text": "Oui ou non ?"},
                    {
                        "code": "A3",
                        "kind": "choice",
                        "text": "Lequel ?",
                        "options": [
                            {"label": "Rien", "score": 0},
                            {"label": "Un peu", "score": 0.25},
                            {"label": "Tout", "score": 1},
                        ],
                    },
                    {
                        "code": "A4",
                        "kind": "number",
                        "text": "Combien ?",
                        "unit": "€",
                        "required": False,
                    },
                ],
                "actions": [
                    {"title": "Action liée à A3", "question": "A3"},
                    {"title": "Action de la recommandation 1"},
                ],
            },
            {
                "number": 2,
                "short_title": "Deux",
                "wording": "Deuxième",
                "questions": [scale("B1"), scale("B2", na=True)],
                "actions": [{"title": "Action de la recommandation 2"}],
            },
            {
                "number": 3,
                "short_title": "Trois",
                "wording": "Troisième",
                "questions": [scale("C1", na=True)],
            },
        ],
    }
    if change is not None:
        change(data)
    version, _ = load_catalogue(catalogue=normalise_catalogue(data))
    return version


def give(diagnostic, question, data, *, by, level=1.0):
    """Answer one question through the service, as the questionnaire does."""
    options = data.options_by_question.get(question.pk, [])
    value = kind_of(question).sample(question, options, level=level)
    save_answer(
        diagnostic=diagnostic,
        question=question,
        by=by,
        state=make_state(value=value, not_applicable=False, comment=""),
        base_revision=0,
    )


def give_required(diagnostic, data, *, by, until=None):
    """Answer the required questions in catalogue order, stopping before ``until``."""
    for rec in data.recommendations:
        for question in data.questions_by_rec[rec.number]:
            if question == until:
                return
            if question.required:
                give(diagnostic, question, data, by=by)
