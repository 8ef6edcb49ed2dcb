"""Helpers to fill answers in tests, the way the questionnaire's form posts them."""

from django.urls import reverse

from diagnostics.questionnaire.answers import make_state
from diagnostics.questionnaire.forms import post_data
from diagnostics.questionnaire.kinds import kind_of


def answer_payload(question, options, *, high=True, revision=0, comment="") -> dict:
    """A valid POST for one question: the top (or bottom) answer of its kind."""
    value = kind_of(question).sample(question, options, level=1.0 if high else 0.0)
    state = make_state(value=value, not_applicable=False, comment=comment)
    return post_data(question, options, state, revision=revision)


def save_url(diagnostic, question) -> str:
    return reverse("diagnostic_answer", args=[diagnostic.public_id, question.code])


def answer_everything(client, diagnostic, data, *, high=True):
    for question in data.questions:
        options = data.options_by_question.get(question.pk, [])
        response = client.post(
            save_url(diagnostic, question), answer_payload(question, options, high=high)
        )
        assert response.status_code == 200, response.content
