import pytest
from django.test import Client
from django.urls import reverse

from diagnostics.models import Answer, AnswerChange, Diagnostic
from recommendations.enums import QuestionKind
from tests.diagnostics.helpers import answer_everything, answer_payload, save_url
from tests.factories import DiagnosticFactory, MembershipFactory


def first_of_kind(data, kind):
    return next(q for q in data.questions if q.kind == kind)


def overview_url(diagnostic):
    return reverse("diagnostic_overview", args=[diagnostic.public_id])


def rec_url(diagnostic, number=1):
    return reverse("diagnostic_recommendation", args=[diagnostic.public_id, number])


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["referent", "agent", "elu"])
def test_every_member_reads_the_overview_and_recommendation_pages(client, diagnostic, role):
    user = MembershipFactory(collectivite=diagnostic.collectivite, role=role).user
    client.force_login(user)
    assert client.get(overview_url(diagnostic)).status_code == 200
    response = client.get(rec_url(diagnostic, 3))
    assert response.status_code == 200
    assert diagnostic.catalogue.recommendations.get(number=3).wording in response.content.decode()


def test_a_member_of_another_collectivite_gets_404_everywhere(
    client, diagnostic, outsider, questions
):
    client.force_login(outsider)
    question = questions.questions[0]
    urls = [
        overview_url(diagnostic),
        rec_url(diagnostic),
        reverse("diagnostic_answer_history", args=[diagnostic.public_id, question.code]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(save_url(diagnostic, question), {}).status_code == 404
    assert client.post(rec_url(diagnostic), {}).status_code == 404
    for name in ["diagnostic_submit", "diagnostic_reopen"]:
        assert client.post(reverse(name, args=[diagnostic.public_id])).status_code == 404
    assert not Answer.objects.exists()


def test_an_anonymous_user_is_sent_to_the_login_page(client, diagnostic):
    response = client.get(overview_url(diagnostic))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_elu_cannot_write(client, diagnostic, elu, questions):
    client.force_login(elu)
    question = first_of_kind(questions, QuestionKind.SCALE)
    payload = answer_payload(question, questions.options_by_question[question.pk])
    assert client.post(save_url(diagnostic, question), payload).status_code == 403
    assert client.post(rec_url(diagnostic), payload).status_code == 403
    assert client.post(reverse("diagnostic_submit", args=[diagnostic.public_id])).status_code == 403
    assert not Answer.objects.exists()


def test_an_elu_sees_the_questionnaire_read_only(client, diagnostic, elu):
    client.force_login(elu)
    content = client.get(rec_url(diagnostic)).content.decode()
    assert "lecture seule" in content
    assert "disabled" in content
    assert "autosave.js" not in content


def test_wrong_methods_get_405(client, diagnostic, agent, questions):
    client.force_login(agent)
    question = questions.questions[0]
    assert client.get(save_url(diagnostic, question)).status_code == 405
    assert client.delete(overview_url(diagnostic)).status_code == 405
    assert client.put(reverse("diagnostic_submit", args=[diagnostic.public_id])).status_code == 405


def test_diagnostic_urls_use_uuids(diagnostic):
    assert str(diagnostic.public_id) in overview_url(diagnostic)
    assert f"/{diagnostic.pk}/" not in overview_url(diagnostic)


# --- Saving answers -----------------------------------------------------------------------------


def test_autosave_stores_the_answer_and_returns_its_revision(client, diagnostic, agent, questions):
    client.force_login(agent)
    question = first_of_kind(questions, QuestionKind.SCALE)
    payload = answer_payload(question, questions.options_by_question[question.pk], comment="Vu")
    response = client.post(save_url(diagnostic, question), payload)
    assert response.status_code == 200
    assert response.json()["status"] == "saved"
    assert response.json()["revision"] == 1
    answer = Answer.objects.get(diagnostic=diagnostic, question=question)
    assert answer.value == 3
    assert answer.comment == "Vu"
    assert answer.updated_by == agent
    diagnostic.refresh_from_db()
    assert diagnostic.status == "en_cours"


def test_the_page_button_saves_every_answer_without_javascript(
    client, diagnostic, agent, questions
):
    client.force_login(agent)
    payload = {}
    for question in questions.questions_by_rec[1]:
        payload.update(answer_payload(question, questions.options_by_question.get(question.pk, [])))
    response = client.post(rec_url(diagnostic, 1), payload)
    assert response.status_code == 302
    assert Answer.objects.filter(diagnostic=diagnostic).count() == len(
        questions.questions_by_rec[1]
    )
    number = first_of_kind(questions, QuestionKind.NUMBER)
    assert Answer.objects.get(question=number, diagnostic=diagnostic).value == "12.5"


def test_two_agents_answering_different_questions_both_keep_their_answers(
    client, diagnostic, agent, questions
):
    other_agent = MembershipFactory(collectivite=diagnostic.collectivite, role="agent").user
    second = Client()
    second.force_login(other_agent)
    client.force_login(agent)
    first_q, second_q = questions.questions_by_rec[2][:2]
    opts = questions.options_by_question
    first = client.post(save_url(diagnostic, first_q), answer_payload(first_q, opts[first_q.pk]))
    other = second.post(save_url(diagnostic, second_q), answer_payload(second_q, opts[second_q.pk]))
    assert (first.status_code, other.status_code) == (200, 200)
    assert first.json()["status"] == other.json()["status"] == "saved"
    mine = Answer.objects.get(diagnostic=diagnostic, question=first_q)
    theirs = Answer.objects.get(diagnostic=diagnostic, question=second_q)
    assert (mine.updated_by, mine.revision, mine.is_given) == (agent, 1, True)
    assert (theirs.updated_by, theirs.revision, theirs.is_given) == (other_agent, 1, True)


def test_a_stale_save_of_the_same_answer_is_a_conflict_showing_the_other_value(
    client, diagnostic, agent, questions
):
    other_agent = MembershipFactory(
        collectivite=diagnostic.collectivite, role="agent", user__full_name="Alice Durand"
    ).user
    second = Client()
    second.force_login(other_agent)
    client.force_login(agent)
    question = first_of_kind(questions, QuestionKind.SCALE)
    options = questions.options_by_question[question.pk]
    # Both open the page at revision 0; Alice saves first.
    assert (
        second.post(save_url(diagnostic, question), answer_payload(question, options)).status_code
        == 200
    )
    response = client.post(
        save_url(diagnostic, question), answer_payload(question, options, high=False, revision=0)
    )
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "conflict"
    assert body["by"] == "Alice Durand"
    assert options[-1].label in body["value"]
    assert body["revision"] == 1
    assert Answer.objects.get(question=question).value == len(options) - 1
    # The agent chooses to keep their own answer: they save again from Alice's revision.
    response = client.post(
        save_url(diagnostic, question), answer_payload(question, options, high=False, revision=1)
    )
    assert response.status_code == 200
    assert Answer.objects.get(question=question).value == 0


def test_a_stale_save_with_the_same_value_is_not_a_conflict(client, diagnostic, agent, questions):
    other = Client()
    other.force_login(MembershipFactory(collectivite=diagnostic.collectivite, role="agent").user)
    client.force_login(agent)
    question = first_of_kind(questions, QuestionKind.BOOLEAN)
    payload = answer_payload(question, [])
    assert other.post(save_url(diagnostic, question), payload).status_code == 200
    response = client.post(save_url(diagnostic, question), payload)
    assert response.status_code == 200
    assert response.json()["changed"] is False


def test_the_page_button_reports_conflicts_and_keeps_the_other_answer(
    client, diagnostic, agent, questions
):
    other = Client()
    other.force_login(MembershipFactory(collectivite=diagnostic.collectivite, role="agent").user)
    client.force_login(agent)
    question = questions.questions_by_rec[1][0]
    options = questions.options_by_question.get(question.pk, [])
    assert (
        other.post(save_url(diagnostic, question), answer_payload(question, options)).status_code
        == 200
    )
    response = client.post(
        rec_url(diagnostic, 1), answer_payload(question, options, high=False, revision=0)
    )
    assert response.status_code == 409
    assert "a modifié cette réponse" in response.content.decode()
    assert Answer.objects.get(question=question).revision == 1


def test_every_change_is_kept_in_the_history(client, diagnostic, agent, questions):
    client.force_login(agent)
    question = first_of_kind(questions, QuestionKind.SCALE)
    options = questions.options_by_question[question.pk]
    low = answer_payload(question, options, high=False)
    assert client.post(save_url(diagnostic, question), low).status_code == 200
    high = answer_payload(question, options, revision=1)
    assert client.post(save_url(diagnostic, question), high).status_code == 200
    changes = list(AnswerChange.objects.order_by("revision"))
    assert [(c.old_state["value"], c.new_state["value"]) for c in changes] == [(None, 0), (0, 3)]
    assert all(c.changed_by == agent for c in changes)
    page = client.get(
        reverse("diagnostic_answer_history", args=[diagnostic.public_id, question.code])
    ).content.decode()
    assert options[0].label in page
    assert options[-1].label in page
    assert agent.display_name in page


# --- Bad input ---------------------------------------------------------------------------------


def test_an_option_of_another_question_is_refused(client, diagnostic, agent, questions):
    client.force_login(agent)
    choice = first_of_kind(questions, QuestionKind.CHOICE)
    foreign = next(
        o
        for q in questions.questions
        if q.pk != choice.pk
        for o in questions.options_by_question.get(q.pk, [])
    )
    response = client.post(save_url(diagnostic, choice), {f"{choice.code}-value": foreign.pk})
    assert response.status_code == 400
    assert "choix valide" in " ".join(response.json()["errors"]["value"])
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    "kind, value, message",
    [
        (QuestionKind.SCALE, "7", "choix valide"),
        (QuestionKind.SCALE, "-1", "choix valide"),
        (QuestionKind.NUMBER, "douze", "Saisissez un nombre"),
        (QuestionKind.NUMBER, "-3", "positif"),
        (QuestionKind.NUMBER, "1e400", "nombre"),
        (QuestionKind.TEXT, "a\x00b", "Le texte contient un caractère invalide."),
        (
            QuestionKind.TEXT,
            "x" * 2001,
            "2\u00a0000 caractères au plus (vous en avez saisi 2\u00a0001).",
        ),
    ],
)
def test_tampered_values_get_a_french_message_and_store_nothing(
    client, diagnostic, agent, questions, kind, value, message
):
    client.force_login(agent)
    question = first_of_kind(questions, kind)
    response = client.post(save_url(diagnostic, question), {f"{question.code}-value": value})
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"]["value"])
    assert not Answer.objects.exists()


def test_a_huge_comment_is_refused_with_a_message(client, diagnostic, agent, questions):
    client.force_login(agent)
    question = questions.questions[0]
    payload = {f"{question.code}-comment": "x" * 100_000}
    response = client.post(save_url(diagnostic, question), payload)
    assert response.status_code == 400
    assert "2\u00a0000 caractères au plus" in " ".join(response.json()["errors"]["comment"])
    page = client.post(rec_url(diagnostic, question.recommendation.number), payload)
    assert page.status_code == 400
    assert "2\u00a0000 caractères au plus" in page.content.decode()
    assert not Answer.objects.exists()


def test_a_nul_character_in_a_comment_is_refused_with_a_message(
    client, diagnostic, agent, questions
):
    client.force_login(agent)
    question = questions.questions[0]
    response = client.post(save_url(diagnostic, question), {f"{question.code}-comment": "a\x00"})
    assert response.status_code == 400
    assert response.json()["errors"]["comment"] == [
        "Le commentaire contient un caractère invalide."
    ]
    assert not Answer.objects.exists()


def test_html_in_a_comment_is_stored_as_text_and_escaped(client, diagnostic, agent, questions):
    client.force_login(agent)
    question = questions.questions[0]
    payload = answer_payload(
        question,
        questions.options_by_question.get(question.pk, []),
        comment="<script>alert('x')</script>",
    )
    assert client.post(save_url(diagnostic, question), payload).status_code == 200
    page = client.get(rec_url(diagnostic, 1)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_a_question_of_another_catalogue_is_404(client, diagnostic, agent):
    client.force_login(agent)
    url = reverse("diagnostic_answer", args=[diagnostic.public_id, "R99.Q1"])
    assert client.post(url, {}).status_code == 404


def test_a_missing_csrf_token_is_refused(diagnostic, agent, questions):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    question = questions.questions[0]
    payload = answer_payload(question, questions.options_by_question.get(question.pk, []))
    assert client.post(save_url(diagnostic, question), payload).status_code == 403
    assert not Answer.objects.exists()


def test_posting_to_a_submitted_diagnostic_is_refused(client, diagnostic, agent, questions):
    Diagnostic.objects.filter(pk=diagnostic.pk).update(status="soumis")
    client.force_login(agent)
    question = questions.questions[0]
    payload = answer_payload(question, questions.options_by_question.get(question.pk, []))
    response = client.post(save_url(diagnostic, question), payload)
    assert response.status_code == 409
    assert "soumis" in response.json()["message"]
    response = client.post(rec_url(diagnostic, 1), payload, follow=True)
    assert "soumis" in response.content.decode()
    assert not Answer.objects.exists()


# --- Submit and reopen ------------------------------------------------------------------------


def test_submit_lists_the_missing_required_questions(client, diagnostic, referent, questions):
    client.force_login(referent)
    response = client.post(reverse("diagnostic_submit", args=[diagnostic.public_id]), follow=True)
    content = response.content.decode()
    assert "ne peut pas être soumis" in content
    required = [q for q in questions.questions if q.required]
    assert f"#q-{required[0].code}" in content
    assert f"{len(required)} questions obligatoires sont sans réponse" in content
    diagnostic.refresh_from_db()
    assert diagnostic.status == "brouillon"


def test_one_missing_required_question_is_named_in_the_singular(
    client, diagnostic, referent, questions
):
    required = [q for q in questions.questions if q.required]
    client.force_login(referent)
    for question in required[1:]:
        options = questions.options_by_question.get(question.pk, [])
        response = client.post(save_url(diagnostic, question), answer_payload(question, options))
        assert response.status_code == 200
    response = client.post(reverse("diagnostic_submit", args=[diagnostic.public_id]), follow=True)
    content = response.content.decode()
    assert "1 question obligatoire est sans réponse, listée ci-dessous." in content
    assert f"#q-{required[0].code}" in content


def test_an_agent_cannot_submit(client, diagnostic, agent):
    client.force_login(agent)
    response = client.post(reverse("diagnostic_submit", args=[diagnostic.public_id]))
    assert response.status_code == 403


def test_a_complete_diagnostic_is_submitted_scored_and_reopened(
    client, diagnostic, referent, questions
):
    client.force_login(referent)
    answer_everything(client, diagnostic, questions)
    response = client.post(reverse("diagnostic_submit", args=[diagnostic.public_id]))
    assert response.status_code == 302
    diagnostic.refresh_from_db()
    assert diagnostic.status == "soumis"
    assert diagnostic.overall_score == pytest.approx(100)
    assert diagnostic.recommendation_scores.count() == 10
    response = client.post(
        reverse("diagnostic_reopen", args=[diagnostic.public_id]), {"reason": "Une erreur"}
    )
    assert response.status_code == 302
    diagnostic.refresh_from_db()
    assert diagnostic.status == "en_cours"


def test_a_referent_creates_a_diagnostic_on_the_latest_published_catalogue(
    client, catalogue, collectivite, referent
):
    client.force_login(referent)
    response = client.post(
        reverse("diagnostic_create", args=[collectivite.public_id]),
        {"title": "Diagnostic 2027", "year": "2027"},
    )
    diagnostic = Diagnostic.objects.get(title="Diagnostic 2027")
    assert response.url == overview_url(diagnostic)
    assert diagnostic.catalogue == catalogue
    assert diagnostic.created_by == referent
    assert diagnostic.status == "brouillon"
    assert diagnostic.year == 2027


def test_an_agent_cannot_create_a_diagnostic(client, catalogue, collectivite, agent):
    client.force_login(agent)
    url = reverse("diagnostic_create", args=[collectivite.public_id])
    assert client.post(url, {"title": "X"}).status_code == 403


# --- Query counts -----------------------------------------------------------------------------


def _count_queries(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from diagnostics.catalogue import clear_catalogue_cache

    clear_catalogue_cache()  # count the worst case: the catalogue read from the database
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_page_query_counts_do_not_grow_with_answers(client, diagnostic, agent, questions):
    client.force_login(agent)
    empty = [
        _count_queries(client, overview_url(diagnostic), None),
        _count_queries(client, rec_url(diagnostic, 1), None),
    ]
    answer_everything(client, diagnostic, questions)
    full = [
        _count_queries(client, overview_url(diagnostic), None),
        _count_queries(client, rec_url(diagnostic, 1), None),
    ]
    assert empty == full
    # Recommendation 1's page reads the partnerships registry's figures (R1.Q6–Q8): one query
    # more than the others, whatever the answers; and the state of what it shows, its key in the
    # page cache, before and after reading the page (test_page_cache.py): two more.
    assert full[0] <= 10
    assert full[1] <= 13


def test_page_query_counts_do_not_grow_with_questions(
    client, agent, collectivite, catalogue_content
):
    import copy

    from recommendations.services import load_catalogue

    small = copy.deepcopy(catalogue_content)
    small["version"] = "petit"
    for rec in small["recommendations"]:
        rec["questions"] = rec["questions"][:1]
        rec["actions"] = [a for a in rec["actions"] if not a["question"]]
    small_version, _ = load_catalogue(catalogue=small)
    big_version, _ = load_catalogue(catalogue=catalogue_content)
    client.force_login(agent)
    counts = []
    for version in (small_version, big_version):
        diagnostic = DiagnosticFactory(collectivite=collectivite, catalogue=version)
        counts.append(
            (
                _count_queries(client, overview_url(diagnostic), None),
                _count_queries(client, rec_url(diagnostic, 1), None),
            )
        )
    assert counts[0] == counts[1]


def _checked_values(page: str, code: str) -> list[str]:
    """The values of the checked inputs of one question card."""
    import re

    card = page.split(f'id="q-{code}"')[1].split('class="question-card"')[0]
    return re.findall(r'<input[^>]*value="([^"]*)"[^>]*checked', card)


def test_a_page_shown_again_after_a_save_shows_the_new_answer(client, diagnostic, agent, questions):
    client.force_login(agent)
    question = first_of_kind(questions, QuestionKind.SCALE)
    options = questions.options_by_question[question.pk]
    url = rec_url(diagnostic, question.recommendation.number)
    assert _checked_values(client.get(url).content.decode(), question.code) == []
    low = answer_payload(question, options, high=False)
    assert client.post(save_url(diagnostic, question), low).status_code == 200
    assert _checked_values(client.get(url).content.decode(), question.code) == ["0"]
    high = answer_payload(question, options, revision=1)
    assert client.post(save_url(diagnostic, question), high).status_code == 200
    top = str(len(options) - 1)
    assert _checked_values(client.get(url).content.decode(), question.code) == [top]


def _save_queries(client, diagnostic, question, payload):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.post(save_url(diagnostic, question), payload)
    assert response.status_code == 200, response.content
    assert response.json()["changed"]
    return [query["sql"].split()[0].upper() for query in context.captured_queries]


def test_an_answer_save_takes_the_same_few_queries_however_many_answers(
    client, diagnostic, agent, questions
):
    """The user, the access check that also locks the diagnostic, the answer locked, its update
    and its history row, in one transaction (a savepoint in the test's own transaction), with no
    savepoint inside it."""
    client.force_login(agent)
    question = first_of_kind(questions, QuestionKind.SCALE)
    options = questions.options_by_question[question.pk]
    _save_queries(client, diagnostic, question, answer_payload(question, options, high=False))
    expected = ["SELECT", "SAVEPOINT", "SELECT", "SELECT", "UPDATE", "INSERT", "RELEASE"]
    second = answer_payload(question, options, high=True, revision=1)
    assert _save_queries(client, diagnostic, question, second) == expected
    for other in questions.questions:
        if other != question:
            payload = answer_payload(other, questions.options_by_question.get(other.pk, []))
            assert client.post(save_url(diagnostic, other), payload).status_code == 200
    third = answer_payload(question, options, high=False, revision=2)
    assert _save_queries(client, diagnostic, question, third) == expected


# --- Cached page -------------------------------------------------------------------------------


def _csrf_values(html):
    import re

    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def test_the_cached_page_gets_a_fresh_csrf_token_each_time_and_it_is_accepted(
    client, diagnostic, agent, questions
):
    client.force_login(agent)
    first = client.get(rec_url(diagnostic)).content.decode()
    second = client.get(rec_url(diagnostic)).content.decode()
    tokens = _csrf_values(first) + _csrf_values(second)
    assert len(tokens) == 4  # the logout form and the questionnaire, twice
    assert tokens[0] == tokens[1] and tokens[2] == tokens[3] and tokens[0] != tokens[2]
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(agent)
    html = strict.get(rec_url(diagnostic)).content.decode()
    strict.get(rec_url(diagnostic))  # served from the cache
    html = strict.get(rec_url(diagnostic)).content.decode()
    question = first_of_kind(questions, QuestionKind.SCALE)
    payload = answer_payload(question, questions.options_by_question.get(question.pk, [])) | {
        "csrfmiddlewaretoken": _csrf_values(html)[1]
    }
    assert strict.post(save_url(diagnostic, question), payload).status_code == 200


def test_the_cached_page_follows_what_it_shows(client, diagnostic, agent, referent, questions):
    client.force_login(agent)
    assert "Se déconnecter" in client.get(rec_url(diagnostic)).content.decode()
    agent.full_name = "Camille Nouveau-Nom"
    agent.save()
    diagnostic.title = "Titre changé"
    diagnostic.save()
    html = client.get(rec_url(diagnostic)).content.decode()
    assert "Camille Nouveau-Nom" in html and "Titre changé" in html
    question = first_of_kind(questions, QuestionKind.SCALE)
    client.post(
        save_url(diagnostic, question),
        answer_payload(question, questions.options_by_question.get(question.pk, [])),
    )
    html = client.get(rec_url(diagnostic)).content.decode()
    assert "Enregistré — dernière modification par Camille Nouveau-Nom" in html
    # Another member sees their own name in the header, not the agent's.
    client.force_login(referent)
    html = client.get(rec_url(diagnostic)).content.decode()
    assert referent.display_name in html and "Camille Nouveau-Nom (" not in html


def test_messages_still_show_on_the_cached_page(client, diagnostic, agent, questions):
    client.force_login(agent)
    client.get(rec_url(diagnostic))
    response = client.post(rec_url(diagnostic), {}, follow=True)
    assert "Vos réponses sont enregistrées." in response.content.decode()
    assert "Vos réponses sont enregistrées." not in client.get(rec_url(diagnostic)).content.decode()


def test_the_cached_page_never_shows_another_persons_header_links(client, diagnostic, questions):
    """Two members with the same name: the one in the « Observatoire » group sees its link on the
    recommendation page, the other never gets it from the page cache."""
    from django.contrib.auth.models import Group

    observer = MembershipFactory(collectivite=diagnostic.collectivite, role="agent").user
    colleague = MembershipFactory(collectivite=diagnostic.collectivite, role="agent").user
    for user in (observer, colleague):
        user.full_name = "Camille Martin"
        user.save()
    observer.groups.add(Group.objects.get(name="Observatoire"))
    link = 'href="/plateforme/observatoire/"'

    client.force_login(observer)
    assert link in client.get(rec_url(diagnostic)).content.decode()
    client.force_login(colleague)
    page = client.get(rec_url(diagnostic)).content.decode()
    assert "Camille Martin" in page
    assert link not in page
