"""The access check of the questionnaire's hot paths runs SQL compiled once per process
(aeict.compiled): it must answer exactly what the ORM's check answers, on every database."""

import uuid

import pytest
from django.db import connection, transaction
from django.db.models import CharField
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from aeict.compiled import CompiledQuery, Placeholder
from diagnostics.access import LIGHT_QUERIES, get_diagnostic_access
from diagnostics.models import Answer, Diagnostic
from tests.factories import DiagnosticFactory, MembershipFactory


def _columns(diagnostic):
    return {f.attname: getattr(diagnostic, f.attname) for f in Diagnostic._meta.concrete_fields}


@pytest.mark.parametrize("role", ["referent", "agent", "elu"])
@pytest.mark.parametrize("lock", [False, True])
def test_the_light_check_reads_what_the_orm_reads(diagnostic, role, lock):
    member = MembershipFactory(collectivite=diagnostic.collectivite, role=role).user
    diagnostic.uncarried_questions = ["R1.Q1"]
    diagnostic.save()
    with transaction.atomic():
        light = get_diagnostic_access(member, diagnostic.public_id, related=False, lock=lock)
        full = get_diagnostic_access(member, diagnostic.public_id, lock=lock)
    assert light.role == full.role == role
    assert _columns(light.diagnostic) == _columns(full.diagnostic)
    assert light.diagnostic.collectivite_kind == diagnostic.collectivite.kind
    assert not light.diagnostic._state.adding
    assert light.diagnostic.uncarried_questions == ["R1.Q1"]  # JSON decoded, as the ORM does


def test_the_light_check_refuses_outsiders_and_unknown_diagnostics(diagnostic, outsider):
    other = DiagnosticFactory(catalogue=diagnostic.catalogue)
    member = MembershipFactory(collectivite=diagnostic.collectivite, role="agent").user
    for user, public_id in [
        (outsider, diagnostic.public_id),
        (member, other.public_id),
        (member, uuid.uuid4()),
    ]:
        for lock in (False, True):
            with pytest.raises(Http404):
                get_diagnostic_access(user, public_id, related=False, lock=lock)


def test_the_light_check_is_one_query_and_locks_on_postgresql(diagnostic, agent):
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        get_diagnostic_access(agent, diagnostic.public_id, related=False, lock=True)
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 1
    assert ("FOR UPDATE" in selects[0]) == connection.features.has_select_for_update


def test_a_placeholder_that_is_not_in_the_query_is_refused_when_compiled(db):
    with pytest.raises(ValueError, match="appears 0 times"):
        CompiledQuery(
            lambda email: User.objects.filter(email="someone@example.org").values_list("pk"),
            email=Placeholder(CharField(), "placeholder@example.invalid"),
        ).rows(email="x@example.org")


def test_every_hot_path_query_compiles_on_this_database(db):
    for query in LIGHT_QUERIES.values():
        assert query.rows(user_id=1, public_id=uuid.uuid4()) == []


@pytest.mark.parametrize("lock", [False, True])
def test_the_compiled_answers_read_what_the_orm_reads(client, diagnostic, agent, questions, lock):
    """Answers of given questions, with their authors (or none), as select_related gives them."""
    from diagnostics.selectors import _answers, answers_by_question
    from tests.diagnostics.helpers import answer_everything

    client.force_login(agent)
    answer_everything(client, diagnostic, questions)
    orphan = Answer.objects.filter(diagnostic=diagnostic).order_by("pk").first()
    Answer.objects.filter(pk=orphan.pk).update(updated_by=None)
    wanted = questions.questions_by_rec[2] + [orphan.question]
    with transaction.atomic():
        compiled = answers_by_question(diagnostic, wanted, lock=lock)
        orm = {a.question_id: a for a in _answers(diagnostic.pk, [q.pk for q in wanted])}
    assert len(compiled) == len(orm) == len({q.pk for q in wanted})
    with CaptureQueriesContext(connection) as queries:
        for question_id, answer in compiled.items():
            expected = orm[question_id]
            assert _row(answer) == _row(expected)
            assert answer.updated_by == expected.updated_by
            if answer.updated_by is not None:
                assert _row(answer.updated_by) == _row(expected.updated_by)
            assert not answer._state.adding
    assert queries.captured_queries == []  # the authors came along
    assert compiled[orphan.question_id].updated_by is None
    assert answers_by_question(diagnostic, [], lock=lock) == {}


def _row(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}
