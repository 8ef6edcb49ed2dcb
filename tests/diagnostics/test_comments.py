# ruff: noqa: F811 (the backup and carry-over fixtures are imported by name)
"""The thread of comments under each question: added with or without JavaScript, shown on the
card, kept by the backup and the carry-over; and the conflict box that shows the other person's
comment."""

import json

import pytest
from django.urls import reverse

from diagnostics.catalogue import catalogue_data
from diagnostics.enums import DiagnosticStatus
from diagnostics.models import Assignment, QuestionComment
from diagnostics.questionnaire.answers import DiagnosticLocked, make_state, save_answer
from diagnostics.questionnaire.comments import InvalidComment, add_comment
from diagnostics.questionnaire.forms import post_data
from diagnostics.services import submit_diagnostic
from tests.diagnostics.test_backup import export, filled, forget, team  # noqa: F401
from tests.diagnostics.test_carry import last_year, start_from, version  # noqa: F401


def rec_url(diagnostic, number):
    return reverse("diagnostic_recommendation", args=[diagnostic.public_id, number])


def comment_url(diagnostic, question):
    return reverse("diagnostic_comment", args=[diagnostic.public_id, question.code])


@pytest.fixture
def question(questions):
    return questions.questions_by_rec[2][0]


def test_a_comment_joins_the_thread_with_its_author_and_date(diagnostic, question, agent):
    comment = add_comment(diagnostic=diagnostic, question=question, by=agent, text="  Vu.  ")
    assert (comment.author, comment.text) == (agent, "Vu.")
    with pytest.raises(InvalidComment):
        add_comment(diagnostic=diagnostic, question=question, by=agent, text="   ")


def test_a_submitted_diagnostic_takes_no_more_comments(diagnostic, question, agent, referent):
    diagnostic.status = DiagnosticStatus.SUBMITTED
    diagnostic.save()
    with pytest.raises(DiagnosticLocked):
        add_comment(diagnostic=diagnostic, question=question, by=agent, text="Trop tard")


def test_without_javascript_the_page_s_button_adds_the_comment_and_saves_the_answers(
    client, diagnostic, questions, question, agent
):
    client.force_login(agent)
    options = questions.options_by_question.get(question.pk, [])
    data = post_data(question, options, make_state(value=2, not_applicable=False, comment=""))
    data[f"{question.code}-thread"] = "Chiffres à vérifier avec les finances."
    data["commenter"] = question.code

    response = client.post(rec_url(diagnostic, 2), data)

    assert response.status_code == 302
    assert response.url.endswith(f"#q-{question.code}")
    assert QuestionComment.objects.get().text == "Chiffres à vérifier avec les finances."
    page = client.get(rec_url(diagnostic, 2)).content.decode()
    assert "Chiffres à vérifier avec les finances." in page
    assert agent.display_name in page


def test_the_thread_s_own_url_answers_json_for_the_script(client, diagnostic, question, agent):
    client.force_login(agent)
    response = client.post(
        comment_url(diagnostic, question),
        {f"{question.code}-thread": "Voir la délibération"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    assert "Voir la délibération" in response.json()["html"]

    empty = client.post(
        comment_url(diagnostic, question),
        {f"{question.code}-thread": ""},
        headers={"accept": "application/json"},
    )
    assert empty.status_code == 400
    assert empty.json()["message"].startswith("Commentaire non ajouté\u00a0:")


def test_only_members_who_answer_comment(client, diagnostic, question, elu, outsider):
    client.force_login(elu)
    assert client.post(comment_url(diagnostic, question), {"x": "y"}).status_code == 403
    client.force_login(outsider)
    assert client.post(comment_url(diagnostic, question), {"x": "y"}).status_code == 404
    assert client.get(comment_url(diagnostic, question)).status_code == 405
    assert not QuestionComment.objects.exists()


def test_the_cached_card_shows_a_new_comment(client, diagnostic, question, agent, referent):
    client.force_login(agent)
    client.get(rec_url(diagnostic, 2))
    add_comment(diagnostic=diagnostic, question=question, by=referent, text="Nouveau message")
    assert "Nouveau message" in client.get(rec_url(diagnostic, 2)).content.decode()


# The conflict box


def conflict(client, diagnostic, questions, question, lea, hugo, *, hugo_comment=""):
    options = questions.options_by_question.get(question.pk, [])
    save_answer(
        diagnostic=diagnostic,
        question=question,
        by=lea,
        state=make_state(value=1, not_applicable=False, comment="Selon le DGS"),
        base_revision=0,
    )
    client.force_login(hugo)
    state = make_state(value=3, not_applicable=False, comment=hugo_comment)
    return post_data(question, options, state, revision=0)


def test_the_conflict_box_shows_the_other_person_s_comment_apart(
    client, diagnostic, questions, question, referent, agent
):
    data = conflict(client, diagnostic, questions, question, referent, agent)
    add_comment(diagnostic=diagnostic, question=question, by=referent, text="À revoir ensemble")

    saved = client.post(
        reverse("diagnostic_answer", args=[diagnostic.public_id, question.code]), data
    )
    assert saved.status_code == 409
    body = saved.json()
    assert body["comment"] == "Selon le DGS"
    assert "Selon le DGS" not in body["value"]
    assert "À revoir ensemble" in body["html"]

    page = client.post(rec_url(diagnostic, 2), data)
    assert page.status_code == 409
    html = page.content.decode().replace("&nbsp;", "\u00a0")
    assert "Son commentaire\u00a0: «\u00a0Selon le DGS\u00a0»" in html


def test_taking_their_answer_with_one_s_own_comment_saves_both(
    client, diagnostic, questions, question, referent, agent
):
    """What the script sends after « Reprendre sa réponse » when a comment was being typed: their
    value, at their revision, with this person's comment."""
    data = conflict(client, diagnostic, questions, question, referent, agent, hugo_comment="Mien")
    url = reverse("diagnostic_answer", args=[diagnostic.public_id, question.code])
    theirs = client.post(url, data).json()
    options = questions.options_by_question.get(question.pk, [])
    state = make_state(value=1, not_applicable=False, comment="Mien")

    response = client.post(url, post_data(question, options, state, revision=theirs["revision"]))

    assert response.status_code == 200
    stored = question.answers.get(diagnostic=diagnostic)
    assert (stored.value, stored.comment, stored.updated_by) == (1, "Mien", agent)


# Kept by the backup and the carry-over


def test_threads_and_assignments_come_back_after_export_and_import(
    filled,
    team,
    catalogue,
    catalogue_content,
    tmp_path,
):
    from django.core.management import call_command

    from recommendations.services import load_catalogue

    collectivite, referent, agent, *_ = team
    data = catalogue_data(filled.catalogue_id)
    draft = filled.collectivite.diagnostics.exclude(pk=filled.pk).get()
    question = data.questions_by_rec[4][1]
    add_comment(diagnostic=draft, question=question, by=agent, text="Premier « avis »")
    add_comment(diagnostic=draft, question=question, by=referent, text="Réponse du référent")
    Assignment.objects.create(
        diagnostic=draft, recommendation_number=4, assignee=agent, assigned_by=referent
    )
    Assignment.objects.create(
        diagnostic=draft, recommendation_number=4, question=question, assignee=referent
    )
    first = export(collectivite.siren, tmp_path / "avant.json")
    forget(collectivite, first)
    load_catalogue(catalogue=catalogue_content)

    call_command("import_collectivite", str(tmp_path / "avant.json"))
    second = export(collectivite.siren, tmp_path / "apres.json")

    assert second["diagnostics"] == first["diagnostics"]
    restored = QuestionComment.objects.order_by("created_at")
    assert [(c.author.email, c.text, c.question.code) for c in restored] == [
        (agent.email, "Premier « avis »", question.code),
        (referent.email, "Réponse du référent", question.code),
    ]
    assert Assignment.objects.count() == 2


def test_an_assignment_to_a_person_who_is_not_a_member_is_refused_on_import(
    filled,
    team,
    catalogue_content,
    tmp_path,
):
    from django.core.management import CommandError, call_command

    collectivite, _referent, agent, elu, _former = team
    draft = filled.collectivite.diagnostics.exclude(pk=filled.pk).get()
    Assignment.objects.create(diagnostic=draft, recommendation_number=4, assignee=agent)
    first = export(collectivite.siren, tmp_path / "avant.json")
    entry = next(d for d in first["diagnostics"] if d["assignments"])
    entry["assignments"][0]["assignee"] = elu.email
    path = tmp_path / "modifie.json"
    path.write_text(json.dumps(first), encoding="utf-8")
    forget(collectivite, first)
    from recommendations.services import load_catalogue

    load_catalogue(catalogue=catalogue_content)
    with pytest.raises(CommandError, match="assignation 1 › assignee"):
        call_command("import_collectivite", str(path))


def test_the_carry_over_keeps_the_threads(version, collectivite, agent, referent):
    source = last_year(collectivite, version, agent, submit=False)
    data = catalogue_data(version.pk)
    a1 = data.question_by_code("A1")
    add_comment(diagnostic=source, question=a1, by=referent, text="Délibération à joindre")
    submit_diagnostic(diagnostic=source, by=agent)

    diagnostic = start_from(source, agent)

    [comment] = QuestionComment.objects.filter(diagnostic=diagnostic)
    assert (comment.question, comment.author, comment.text) == (
        a1,
        referent,
        "Délibération à joindre",
    )


def test_the_answer_s_history_page_shows_the_thread(client, diagnostic, question, agent):
    add_comment(diagnostic=diagnostic, question=question, by=agent, text="Trace gardée")
    client.force_login(agent)
    url = reverse("diagnostic_answer_history", args=[diagnostic.public_id, question.code])
    assert "Trace gardée" in client.get(url).content.decode()
