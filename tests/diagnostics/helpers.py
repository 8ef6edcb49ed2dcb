"""Helpers to fill answers in tests, the way the questionnaire's form posts them."""

from django.urls import reverse

from recommendations.enums import QuestionKind


def answer_payload(question, options, *, high=True, revision=0, comment="") -> dict:
    """A valid POST for one question: the top (or bottom) answer of its kind."""
    prefix = question.code
    data = {f"{prefix}-revision": revision, f"{prefix}-comment": comment}
    kind = question.kind
    if kind == QuestionKind.SCALE:
        data[f"{prefix}-value"] = len(options) - 1 if high else 0
    elif kind == QuestionKind.BOOLEAN:
        data[f"{prefix}-value"] = "oui" if high else "non"
    elif kind == QuestionKind.CHOICE:
        best = max(options, key=lambda o: o.score) if high else min(options, key=lambda o: o.score)
        data[f"{prefix}-value"] = best.pk
    elif kind == QuestionKind.MULTI:
        data[f"{prefix}-value"] = [o.pk for o in options] if high else [options[0].pk]
    elif kind == QuestionKind.NUMBER:
        data[f"{prefix}-value"] = "12,5"
    else:
        data[f"{prefix}-value"] = "Allemagne, Sénégal"
    return data


def save_url(diagnostic, question) -> str:
    return reverse("diagnostic_answer", args=[diagnostic.public_id, question.code])


def answer_everything(client, diagnostic, data, *, high=True):
    for question in data.questions:
        options = data.options_by_question.get(question.pk, [])
        response = client.post(
            save_url(diagnostic, question), answer_payload(question, options, high=high)
        )
        assert response.status_code == 200, response.content
