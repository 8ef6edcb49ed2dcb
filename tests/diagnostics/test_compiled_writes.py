"""The answer save writes its two rows with statements built once (aeict.compiled.update_row and
insert_row): the rows must be what Model.save() writes, on every database the suite runs on."""

from datetime import UTC, datetime

import pytest

from aeict.compiled import insert_row, update_row
from diagnostics.enums import AnswerChangeKind
from diagnostics.models import Answer, AnswerChange
from recommendations.models import Question
from tests.factories import UserFactory

VALUES = [None, 0, 3, [1, 2], "un texte « accentué »", "12.50", {"clé": [1, None]}, True]


def _row(instance, *, without=("id",)):
    fields = instance._meta.concrete_fields
    return {f.attname: getattr(instance, f.attname) for f in fields if f.attname not in without}


@pytest.fixture
def two_answers(diagnostic, questions):
    first, second = questions.questions_by_rec[1][:2]
    return (
        Answer.objects.create(diagnostic=diagnostic, question=first),
        Answer.objects.create(diagnostic=diagnostic, question=second),
    )


@pytest.mark.parametrize("value", VALUES)
def test_an_update_writes_what_the_orm_writes(two_answers, value):
    compiled, orm = two_answers
    by = UserFactory()
    at = datetime(2026, 12, 2, 9, 30, 15, 123456, tzinfo=UTC)
    for answer in two_answers:
        answer.value = value
        answer.comment = "Vu en réunion — à confirmer"
        answer.revision = 7
        answer.updated_by = by
        answer.updated_at = at
        answer.needs_confirmation = False
    fields = ["value", "comment", "revision", "updated_by", "updated_at", "needs_confirmation"]
    assert update_row(compiled, fields) == 1
    orm.save(update_fields=fields)
    compiled.refresh_from_db()
    orm.refresh_from_db()
    assert _row(compiled, without=("id", "question_id")) == _row(orm, without=("id", "question_id"))
    assert compiled.value == value
    assert compiled.updated_at == at


def test_an_update_of_a_row_gone_says_so(two_answers):
    answer = two_answers[0]
    Answer.objects.filter(pk=answer.pk).delete()
    answer.comment = "perdu"
    assert update_row(answer, ["comment"]) == 0


@pytest.mark.parametrize("old_state", [None, {"value": [1, 2], "comment": "« avant »"}])
def test_an_insert_writes_what_the_orm_writes(two_answers, old_state):
    answer = two_answers[0]
    by = UserFactory()
    at = datetime(2026, 12, 2, 9, 30, 15, tzinfo=UTC)
    values = {
        "answer": answer,
        "changed_by": by,
        "changed_at": at,
        "old_state": old_state,
        "new_state": {"value": None, "not_applicable": True, "comment": ""},
    }
    insert_row(AnswerChange(revision=1, **values))
    orm = AnswerChange.objects.create(revision=2, **values)
    compiled = AnswerChange.objects.get(answer=answer, revision=1)
    assert _row(compiled, without=("id", "revision")) == _row(orm, without=("id", "revision"))
    assert compiled.old_state == old_state
    # The field's default, sent as the ORM sends it.
    assert compiled.kind == orm.kind == AnswerChangeKind.CHANGED


def test_a_model_with_save_receivers_is_left_to_the_orm(catalogue):
    question = Question.objects.first()
    with pytest.raises(ValueError, match="save receivers"):
        update_row(question, ["text"])
    with pytest.raises(ValueError, match="save receivers"):
        insert_row(question)
