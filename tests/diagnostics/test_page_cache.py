"""The recommendation page is served whole from the cache while nothing it shows has changed. Its
key is read before anything else, from the rows themselves: a change made by any path (here
straight in the database, past every service and signal) shows on the next view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, User
from diagnostics.catalogue import clear_catalogue_cache
from diagnostics.models import Answer, Evidence, QuestionComment
from partnerships.models import Partnership
from recommendations.enums import QuestionKind
from recommendations.models import Question
from tests.diagnostics.helpers import answer_payload, save_url
from tests.diagnostics.test_questionnaire import first_of_kind, rec_url


def _get(client, diagnostic, number=1):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(rec_url(diagnostic, number))
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


@pytest.fixture
def seen(client, diagnostic, agent):
    """The page of recommendation ``number`` as the agent sees it, viewed once before (so that it
    is in the cache): returns its HTML and the queries of the second view."""
    client.force_login(agent)

    def view(number=1):
        _get(client, diagnostic, number)
        return _get(client, diagnostic, number)

    return view


def test_an_unchanged_page_is_served_from_the_cache_in_three_queries(seen):
    html, queries = seen()
    # The person, the diagnostic with their role in it, and the state of what the page shows.
    assert len(queries) == 3, queries
    assert "accounts_user" in queries[0].split("FROM")[1]
    assert "diagnostics_diagnostic" in queries[1].split("FROM")[1]
    assert "diagnostics_answer" in queries[2] and "partnerships_partnership" in queries[2]
    assert 'id="q-R1.Q1"' in html


def test_a_miss_reads_the_state_before_and_after_the_page(client, diagnostic, agent):
    client.force_login(agent)
    _html, queries = _get(client, diagnostic)
    states = [
        i
        for i, sql in enumerate(queries)
        if "partnerships_partnership" in sql and "diagnostics_evidence" in sql
    ]
    answers = next(
        i for i, sql in enumerate(queries) if sql.startswith('SELECT "diagnostics_answer"')
    )
    assert len(states) == 2
    assert (
        "diagnostics_answer" in queries[states[0]] and "diagnostics_evidence" in queries[states[0]]
    )
    assert states[0] < answers < states[1]


def test_a_page_read_while_its_rows_change_is_not_kept(
    client, diagnostic, agent, referent, questions, monkeypatch
):
    """A comment written after the page's state was read, but before its comments were: the page
    shows it, so it must not be filed under the state without it, which comes back once the
    comment is gone."""
    from diagnostics.questionnaire import views

    question = questions.questions_by_rec[1][0]
    client.force_login(agent)
    threads = views.threads

    def threads_after_a_comment(*args, **kwargs):
        QuestionComment.objects.create(
            diagnostic=diagnostic,
            question_id=question.pk,
            author=referent,
            text="Écrit entre-temps",
        )
        return threads(*args, **kwargs)

    monkeypatch.setattr(views, "threads", threads_after_a_comment)
    html, _ = _get(client, diagnostic)
    assert "Écrit entre-temps" in html
    monkeypatch.setattr(views, "threads", threads)
    QuestionComment.objects.filter(diagnostic=diagnostic).delete()
    html, _ = _get(client, diagnostic)
    assert "Écrit entre-temps" not in html


def test_an_answer_changed_in_the_database_shows(seen, diagnostic, client, questions):
    question = first_of_kind(questions, QuestionKind.SCALE)
    options = questions.options_by_question[question.pk]
    number = question.recommendation.number
    assert client.post(save_url(diagnostic, question), answer_payload(question, options))
    html, _ = seen(number)
    assert "Ajouté directement en base" not in html
    # Same revision, same date: only the comment's column differs.
    Answer.objects.filter(diagnostic=diagnostic, question=question).update(
        comment="Ajouté directement en base"
    )
    html, queries = _get(client, diagnostic, number)
    assert "Ajouté directement en base" in html
    assert len(queries) > 3


def test_evidence_added_or_renamed_in_the_database_shows(seen, diagnostic, client, questions):
    question = questions.questions_by_rec[1][0]
    seen()
    evidence = Evidence.objects.create(
        diagnostic=diagnostic,
        question_id=question.pk,
        kind="lien",
        label="Délibération du conseil",
        url="https://example.org/deliberation",
    )
    html, _ = _get(client, diagnostic)
    assert "Délibération du conseil" in html
    Evidence.objects.filter(pk=evidence.pk).update(label="Convention signée")
    html, _ = _get(client, diagnostic)
    assert "Convention signée" in html and "Délibération du conseil" not in html


def test_a_comment_and_its_authors_new_name_show(seen, diagnostic, client, referent, questions):
    question = questions.questions_by_rec[1][0]
    seen()
    QuestionComment.objects.create(
        diagnostic=diagnostic, question_id=question.pk, author=referent, text="À vérifier"
    )
    html, _ = _get(client, diagnostic)
    assert "À vérifier" in html
    # The author's name is read from their account, which the page's own rows do not change.
    User.objects.filter(pk=referent.pk).update(full_name="Dominique Renommée")
    html, _ = _get(client, diagnostic)
    assert "Dominique Renommée" in html


def test_the_registry_changed_in_the_database_shows(seen, diagnostic, client):
    seen()
    partnership = Partnership.objects.create(
        collectivite=diagnostic.collectivite,
        partner_name="Ville de Kindia",
        country="GN",
        kind="cooperation",
    )
    html, _ = _get(client, diagnostic)
    assert "1 partenariat actif" in html
    Partnership.objects.filter(pk=partnership.pk).update(state="termine")
    html, _ = _get(client, diagnostic)
    assert "1 partenariat actif" not in html and "0 partenariat actif" in html


def test_a_role_changed_in_the_database_shows(seen, diagnostic, client, agent):
    html, _ = seen()
    assert 'name="R1.Q1-value"' in html and "disabled" not in html.split('id="q-R1.Q1"')[1][:3000]
    Membership.objects.filter(user=agent, collectivite=diagnostic.collectivite).update(role="elu")
    html, _ = _get(client, diagnostic)
    assert "disabled" in html.split('id="q-R1.Q1"')[1][:3000]


def test_a_catalogue_text_edited_in_place_shows_once_the_catalogue_is_reloaded(
    seen, diagnostic, client, questions
):
    question = questions.questions_by_rec[1][0]
    seen()
    Question.objects.filter(pk=question.pk).update(help_text="Aide réécrite en place")
    clear_catalogue_cache()
    html, _ = _get(client, diagnostic)
    assert "Aide réécrite en place" in html
