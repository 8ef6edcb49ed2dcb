"""« Depuis votre dernière visite »: the dashboard lists what others did since the person last
looked, a few lines at most, for the same number of queries however much happened."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import MemberEventKind
from accounts.services import record
from diagnostics.catalogue import catalogue_data
from diagnostics.changes import MAX_CHANGES
from diagnostics.models import AnswerChange, DashboardVisit, Diagnostic, ReportFile
from diagnostics.questionnaire.answers import make_state, save_answer
from tests.diagnostics.helpers import small_catalogue
from tests.factories import DiagnosticFactory

TITLE = "Depuis votre dernière visite"


@pytest.fixture
def version(db):
    return small_catalogue()


def visited(user, ago):
    """The person's last view of the dashboard was ``ago`` minutes ago."""
    DashboardVisit.objects.update_or_create(
        user=user, defaults={"last_seen_at": timezone.now() - timedelta(minutes=ago)}
    )


def dashboard(client):
    return client.get(reverse("dashboard")).content.decode()


def save(diagnostic, by, code="A1", value=2):
    question = catalogue_data(diagnostic.catalogue_id).question_by_code(code)
    answer = diagnostic.answers.filter(question=question).first()
    save_answer(
        diagnostic=diagnostic,
        question=question,
        by=by,
        state=make_state(value=value, not_applicable=False, comment=""),
        base_revision=answer.revision if answer else 0,
    )


def test_a_first_visit_lists_nothing_and_the_next_one_lists_since_then(client, elu):
    client.force_login(elu)
    assert TITLE not in dashboard(client)
    assert TITLE not in dashboard(client)  # the same visit
    visit = DashboardVisit.objects.get(user=elu)
    visited(elu, ago=60)
    assert "Rien de nouveau depuis votre dernière visite" in dashboard(client)
    assert DashboardVisit.objects.get(user=elu).last_seen_at > visit.last_seen_at


def test_what_others_did_since_the_last_visit_is_listed(
    client, collectivite, referent, agent, elu, outsider, version
):
    visited(elu, ago=60)
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version, title="Bilan")
    save(diagnostic, agent, "A1")
    save(diagnostic, referent, "A2", value=True)
    Diagnostic.objects.filter(pk=diagnostic.pk).update(
        status="soumis", submitted_at=timezone.now(), submitted_by=referent
    )
    record(
        collectivite=collectivite,
        actor=None,
        kind=MemberEventKind.INVITATION_ACCEPTED,
        target_email="nina@exemple.localhost",
        target_name="Nina Nouvelle",
    )
    ReportFile.objects.create(
        diagnostic=diagnostic,
        variant="synthese",
        content_hash="1" * 64,
        status="pret",
        requested_by=elu,
        finished_at=timezone.now(),
    )
    # Another collectivité's diagnostic says nothing here.
    elsewhere = outsider.memberships.get().collectivite
    save(DiagnosticFactory(collectivite=elsewhere, catalogue=version), outsider)

    client.force_login(elu)
    page = dashboard(client)

    assert TITLE in page
    assert f"{referent.display_name} a soumis «\u00a0Bilan\u00a0»" in page
    assert f"Nina Nouvelle a rejoint {collectivite.name}." in page
    assert (
        "Votre rapport «\u00a0Synthèse pour les élus\u00a0» de «\u00a0Bilan\u00a0» est prêt."
        in page
    )
    assert "2\u00a0réponses enregistrées par d’autres dans «\u00a0Bilan\u00a0»" in page
    assert reverse("diagnostic_results", args=[diagnostic.public_id]) in page
    assert outsider.display_name not in page


def test_ones_own_doings_are_not_news(client, collectivite, agent, version):
    visited(agent, ago=60)
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version)
    save(diagnostic, agent)
    client.force_login(agent)
    assert "Rien de nouveau depuis votre dernière visite" in dashboard(client)


def test_changes_before_the_last_visit_are_not_listed_again(
    client, collectivite, agent, elu, version
):
    diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version)
    save(diagnostic, agent)
    AnswerChange.objects.update(changed_at=timezone.now() - timedelta(minutes=90))
    visited(elu, ago=60)
    client.force_login(elu)
    assert "réponse enregistrée" not in dashboard(client)


def test_reloading_the_dashboard_keeps_the_list_and_writes_nothing(
    client, collectivite, agent, elu, version
):
    visited(elu, ago=60)
    save(DiagnosticFactory(collectivite=collectivite, catalogue=version), agent)
    client.force_login(elu)
    dashboard(client)
    visit = DashboardVisit.objects.get(user=elu)
    assert "réponse enregistrée par d’autres" in dashboard(client)
    assert DashboardVisit.objects.get(user=elu).last_seen_at == visit.last_seen_at


def make_events(collectivite, referent, agent, version, n):
    for i in range(n):
        diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version, title=f"D{i}")
        save(diagnostic, agent)
        Diagnostic.objects.filter(pk=diagnostic.pk).update(
            status="soumis", submitted_at=timezone.now(), submitted_by=referent
        )
        record(
            collectivite=collectivite,
            actor=None,
            kind=MemberEventKind.INVITATION_ACCEPTED,
            target_email=f"p{i}@exemple.localhost",
        )


def count_dashboard_queries(client, user):
    visited(user, ago=60)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard")).status_code == 200
    return len(queries)


def test_the_list_is_short_and_costs_the_same_queries_whatever_happened(
    client, collectivite, referent, agent, elu, version, django_assert_num_queries
):
    client.force_login(elu)
    make_events(collectivite, referent, agent, version, 1)
    one = count_dashboard_queries(client, elu)
    make_events(collectivite, referent, agent, version, 9)
    visited(elu, ago=60)
    with django_assert_num_queries(one):
        page = client.get(reverse("dashboard")).content.decode()
    section = page.split(TITLE)[1].split("</section>")[0]
    assert section.count("<li>") == MAX_CHANGES
