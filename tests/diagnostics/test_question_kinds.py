import random
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from diagnostics import scoring
from diagnostics.question_kinds import KINDS, kind_of
from diagnostics.questionnaire.answers import describe_value, make_state
from diagnostics.questionnaire.forms import AnswerForm, post_data
from recommendations import enums
from recommendations.enums import QuestionKind


def test_scoring_the_catalogue_and_the_registry_know_the_same_kinds():
    assert set(scoring.KINDS) == set(QuestionKind.values) == set(KINDS)
    assert scoring.SCORED_KINDS == enums.SCORED_KINDS
    assert all(handler.kind == kind for kind, handler in KINDS.items())


def one_question_of_each_kind(data):
    found = {}
    for question in data.questions:
        found.setdefault(question.kind, question)
    assert set(found) == set(QuestionKind.values), "the catalogue lacks a kind"
    return found.values()


def samples(question, options):
    """Deterministic samples at both ends and midway, and a few scattered ones."""
    handler = kind_of(question)
    values = [handler.sample(question, options, level=level) for level in (0, 0.5, 1)]
    rng = random.Random(question.code)
    values += [handler.sample(question, options, level=0.5, rng=rng) for _ in range(5)]
    return [value for value in values if value is not None]


def posted(question, options, value) -> AnswerForm:
    state = make_state(value=value, not_applicable=False, comment="Vu en réunion")
    data = QueryDict(urlencode(post_data(question, options, state, revision=3), doseq=True))
    return AnswerForm(data, question=question, options=options)


@pytest.mark.django_db
def test_a_sample_answer_of_every_kind_goes_through_the_form_scoring_words_and_backup(questions):
    spec = {q.id: q for q in questions.spec().questions}
    for question in one_question_of_each_kind(questions):
        handler = kind_of(question)
        options = questions.options_by_question.get(question.pk, [])
        rank_of = {o.pk: rank for rank, o in enumerate(options)}
        option_of = {rank: pk for pk, rank in rank_of.items()}
        for value in samples(question, options):
            form = posted(question, options, value)
            assert form.is_valid(), (question.kind, value, form.errors)
            assert form.state == {
                "value": value,
                "not_applicable": False,
                "dont_know": False,
                "comment": "Vu en réunion",
            }
            assert form.base_revision == 3

            answer = scoring.AnswerData(value=handler.scoring_value(value))
            assert scoring.answer_is_given(spec[question.pk], answer), (question.kind, value)
            if question.kind in enums.SCORED_KINDS:
                assert scoring.answer_value(spec[question.pk], answer) is not None

            words = describe_value(question, value, questions.options_by_id)
            assert words.strip()
            assert words not in ("Sans réponse", "Option inconnue", "Aucune option cochée")

            exported = handler.export_value(value, rank_of.__getitem__)
            assert handler.import_value(exported, option_of.__getitem__) == value
            handler.validate(question, options, value)


@pytest.mark.django_db
def test_the_highest_sample_scores_at_least_as_much_as_the_lowest(questions):
    spec = {q.id: q for q in questions.spec().questions}
    for question in one_question_of_each_kind(questions):
        if question.kind not in enums.SCORED_KINDS:
            continue
        handler = kind_of(question)
        options = questions.options_by_question.get(question.pk, [])
        low, high = (
            scoring.answer_value(
                spec[question.pk],
                scoring.AnswerData(
                    value=handler.scoring_value(handler.sample(question, options, level=level))
                ),
            )
            for level in (0, 1)
        )
        assert low < high, question.kind
