from datetime import timedelta

import pytest
from django.utils import timezone

from diagnostics.backup import export_collectivite, import_collectivite
from diagnostics.catalogue import catalogue_data
from diagnostics.models import Diagnostic
from diagnostics.questionnaire.answers import DiagnosticLocked, make_state, save_answer
from diagnostics.scoring import METHOD_VERSION
from diagnostics.services import (
    AlreadySubmitted,
    MissingRequiredAnswers,
    NotSubmitted,
    reopen_diagnostic,
    submit_diagnostic,
)
from recommendations.catalogue_file import normalise_catalogue
from recommendations.services import load_catalogue
from tests.factories import CollectiviteFactory, DiagnosticFactory


@pytest.fixture
def two_questions(db):
    """One required scale question, one optional yes/no question."""
    levels = [{"label": f"Niveau {i}", "description": f"Niveau {i}"} for i in range(3)]
    version, _ = load_catalogue(
        catalogue=normalise_catalogue(
            {
                "version": "soumission-1",
                "title": "Catalogue de test",
                "recommendations": [
                    {
                        "number": 1,
                        "short_title": "Un",
                        "wording": "Première",
                        "questions": [
                            {"code": "Q1", "kind": "scale", "text": "Niveau ?", "levels": levels},
                            {
                                "code": "Q2",
                                "kind": "boolean",
                                "text": "Oui ?",
                                "required": False,
                            },
                        ],
                    }
                ],
            }
        )
    )
    return version


def answered(diagnostic, by, level=2, revision=0):
    question = catalogue_data(diagnostic.catalogue_id).question_by_code("Q1")
    save_answer(
        diagnostic=diagnostic,
        question=question,
        by=by,
        state=make_state(value=level, not_applicable=False, comment=""),
        base_revision=revision,
    )
    return diagnostic


def latest_submitted(collectivite):
    return list(
        Diagnostic.objects.filter(collectivite=collectivite, is_latest_submitted=True).values_list(
            "title", flat=True
        )
    )


def test_submitting_stores_the_scores_with_the_method_version(
    two_questions, collectivite, referent
):
    diagnostic = answered(
        DiagnosticFactory(collectivite=collectivite, catalogue=two_questions), referent
    )
    submit_diagnostic(diagnostic=diagnostic, by=referent)
    diagnostic.refresh_from_db()
    assert diagnostic.is_submitted
    assert diagnostic.submitted_by == referent
    assert diagnostic.submitted_at is not None
    assert diagnostic.method_version == METHOD_VERSION
    # Q1 at the top level (1), the optional Q2 unanswered (0).
    assert diagnostic.overall_score == pytest.approx(50)
    assert dict(diagnostic.recommendation_scores.values_list("number", "score")) == {
        1: pytest.approx(50)
    }


def test_submitting_with_a_required_question_unanswered_names_it(
    two_questions, collectivite, referent
):
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=two_questions)
    with pytest.raises(MissingRequiredAnswers) as error:
        submit_diagnostic(diagnostic=diagnostic, by=referent)
    assert [q.code for q in error.value.questions] == ["Q1"]
    diagnostic.refresh_from_db()
    assert not diagnostic.is_submitted
    assert not diagnostic.recommendation_scores.exists()


def test_a_diagnostic_is_submitted_once(two_questions, collectivite, referent):
    diagnostic = answered(
        DiagnosticFactory(collectivite=collectivite, catalogue=two_questions), referent
    )
    first = submit_diagnostic(diagnostic=diagnostic, by=referent)
    # The second call reads the status under the lock: the stale instance does not fool it.
    with pytest.raises(AlreadySubmitted):
        submit_diagnostic(diagnostic=diagnostic, by=referent)
    diagnostic.refresh_from_db()
    assert diagnostic.submitted_at == first.submitted_at


def test_answers_are_refused_once_submitted(two_questions, collectivite, referent):
    diagnostic = answered(
        DiagnosticFactory(collectivite=collectivite, catalogue=two_questions), referent
    )
    submit_diagnostic(diagnostic=diagnostic, by=referent)
    with pytest.raises(DiagnosticLocked):
        answered(diagnostic, referent, level=0)


def test_reopening_records_who_and_makes_answers_editable(two_questions, collectivite, referent):
    diagnostic = answered(
        DiagnosticFactory(collectivite=collectivite, catalogue=two_questions), referent
    )
    submit_diagnostic(diagnostic=diagnostic, by=referent)
    reopen_diagnostic(diagnostic=diagnostic, by=referent, reason="Correction")
    diagnostic.refresh_from_db()
    assert diagnostic.status == "en_cours"
    assert diagnostic.submitted_at is None
    assert diagnostic.reopened_by == referent
    assert diagnostic.reopened_at is not None
    answered(diagnostic, referent, level=1, revision=1)
    assert diagnostic.answers.get().value == 1


def test_reopening_a_diagnostic_that_is_not_submitted_is_refused(
    two_questions, collectivite, referent
):
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=two_questions)
    with pytest.raises(NotSubmitted):
        reopen_diagnostic(diagnostic=diagnostic, by=referent, reason="Correction")
    diagnostic.refresh_from_db()
    assert diagnostic.reopened_by is None


def test_only_the_latest_submitted_diagnostic_of_a_collectivite_is_flagged(
    two_questions, collectivite, referent
):
    older = answered(
        DiagnosticFactory(collectivite=collectivite, catalogue=two_questions, title="2025"),
        referent,
    )
    newer = answered(
        DiagnosticFactory(collectivite=collectivite, catalogue=two_questions, title="2026"),
        referent,
    )
    other = answered(DiagnosticFactory(catalogue=two_questions, title="Ailleurs"), referent)
    assert latest_submitted(collectivite) == []

    submit_diagnostic(diagnostic=older, by=referent)
    assert latest_submitted(collectivite) == ["2025"]
    submit_diagnostic(diagnostic=newer, by=referent)
    assert latest_submitted(collectivite) == ["2026"]
    submit_diagnostic(diagnostic=other, by=None)
    assert latest_submitted(collectivite) == ["2026"]
    assert latest_submitted(other.collectivite) == ["Ailleurs"]

    reopen_diagnostic(diagnostic=newer, by=referent, reason="Correction")
    assert latest_submitted(collectivite) == ["2025"]
    reopen_diagnostic(diagnostic=older, by=referent, reason="Correction")
    assert latest_submitted(collectivite) == []
    submit_diagnostic(diagnostic=older, by=referent)
    assert latest_submitted(collectivite) == ["2025"]


def test_the_flag_follows_the_submission_date_then_the_id(two_questions, collectivite, referent):
    first = answered(
        DiagnosticFactory(collectivite=collectivite, catalogue=two_questions, title="A"), referent
    )
    second = answered(
        DiagnosticFactory(collectivite=collectivite, catalogue=two_questions, title="B"), referent
    )
    submit_diagnostic(diagnostic=second, by=referent)
    # Submitted later, but dated earlier (as an imported diagnostic may be): not the latest.
    Diagnostic.objects.filter(pk=second.pk).update(submitted_at=timezone.now() + timedelta(days=1))
    submit_diagnostic(diagnostic=first, by=referent)
    assert latest_submitted(collectivite) == ["B"]


def test_an_imported_collectivite_has_its_latest_submitted_diagnostic_flagged(
    two_questions, collectivite, referent
):
    for title in ["2024", "2025", "2026"]:
        diagnostic = answered(
            DiagnosticFactory(collectivite=collectivite, catalogue=two_questions, title=title),
            referent,
        )
        submit_diagnostic(diagnostic=diagnostic, by=referent)
    reopen_diagnostic(
        diagnostic=Diagnostic.objects.get(title="2026"), by=referent, reason="Correction"
    )
    data = export_collectivite(collectivite)
    collectivite.delete()

    # The référent's account is still there: attached again, as the file says.
    imported = import_collectivite(data, attach_existing_accounts=True).collectivite
    assert latest_submitted(imported) == ["2025"]
    reopened = Diagnostic.objects.get(title="2026")
    assert reopened.reopened_by.email == referent.email
    assert reopened.reopened_at is not None


def test_peers_are_the_flagged_diagnostics(two_questions, referent):
    from diagnostics.results.comparisons import peer_diagnostics

    mine = answered(DiagnosticFactory(catalogue=two_questions), referent)
    peers = []
    for _ in range(3):
        peer = CollectiviteFactory(kind=mine.collectivite.kind)
        for title in ["2025", "2026"]:
            diagnostic = answered(
                DiagnosticFactory(collectivite=peer, catalogue=two_questions, title=title),
                referent,
            )
            submit_diagnostic(diagnostic=diagnostic, by=referent)
        peers.append(diagnostic.pk)
    found = peer_diagnostics(
        kind=mine.collectivite.kind,
        catalogue_id=two_questions.pk,
        exclude_collectivite_id=mine.collectivite_id,
    )
    assert sorted(found.values_list("pk", flat=True)) == sorted(peers)


@pytest.mark.django_db(transaction=True)
def test_the_migration_flags_the_latest_submitted_diagnostic_of_existing_data(migrations_restored):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "diagnostics"]
    before = [*others, ("diagnostics", "0002_move_accounts_models")]
    after = [*others, ("diagnostics", "0003_latest_submitted_and_reopened")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    collectivite = apps.get_model("accounts", "Collectivite").objects.create(
        name="Ancienne", kind="commune", siren="213500000"
    )
    catalogue = apps.get_model("recommendations", "CatalogueVersion").objects.create(
        code="ancien", title="Ancien"
    )
    old = apps.get_model("diagnostics", "Diagnostic")
    moment = timezone.now()
    for title, status, submitted_at in [
        ("soumis avant", "soumis", moment - timedelta(days=1)),
        ("soumis ensuite", "soumis", moment),
        ("même moment, créé après", "soumis", moment),
        ("en cours", "en_cours", None),
    ]:
        old.objects.create(
            collectivite=collectivite,
            catalogue=catalogue,
            title=title,
            status=status,
            submitted_at=submitted_at,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("diagnostics", "Diagnostic")
    flagged = new.objects.filter(is_latest_submitted=True).values_list("title", flat=True)
    assert list(flagged) == ["même moment, créé après"]
    # Reversible, and the database is left fully migrated (every app's latest migration, not
    # only 0003) for the next tests.
    executor.loader.build_graph()
    executor.migrate(before)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
