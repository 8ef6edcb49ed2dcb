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
from diagnostics.models import Diagnostic
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
