"""Who answers what: the référent assigns, the overview shows it, « Mes questions », reminders."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics.assignments import (
    AlreadyRemindedToday,
    NotAssignable,
    NotReferent,
    UnknownTarget,
    assign,
    remind_assignees,
    unanswered_by_assignee,
)
from diagnostics.models import Assignment, ReminderSent
from notifications import mails
from notifications.models import NotificationPreference
from tests.diagnostics.helpers import give
from tests.factories import MembershipFactory
from tests.tasks import queued, run_queued_tasks


def overview(diagnostic):
    return reverse("diagnostic_overview", args=[diagnostic.public_id])


def assign_url(diagnostic):
    return reverse("diagnostic_assign", args=[diagnostic.public_id])


def membership_of(user):
    return user.memberships.get()


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# Services


def test_the_referent_assigns_a_recommendation_to_an_agent(diagnostic, referent, agent):
    assignment = assign(diagnostic=diagnostic, by=referent, number=3, assignee=agent)

    assert (assignment.recommendation_number, assignment.question, assignment.assignee) == (
        3,
        None,
        agent,
    )
    assert assignment.assigned_by == referent


def test_assigning_again_replaces_the_assignee_and_none_takes_it_back(diagnostic, referent, agent):
    assign(diagnostic=diagnostic, by=referent, number=3, assignee=agent)
    assign(diagnostic=diagnostic, by=referent, number=3, assignee=referent)
    assert list(Assignment.objects.values_list("assignee", flat=True)) == [referent.pk]

    assign(diagnostic=diagnostic, by=referent, number=3, assignee=None)
    assert not Assignment.objects.exists()


def test_a_single_question_is_assigned_beside_its_recommendation(
    diagnostic, questions, referent, agent
):
    question = questions.questions_by_rec[2][0]
    assign(diagnostic=diagnostic, by=referent, number=2, assignee=referent)
    assign(diagnostic=diagnostic, by=referent, number=2, question=question, assignee=agent)

    assert Assignment.objects.count() == 2
    with pytest.raises(UnknownTarget):
        assign(diagnostic=diagnostic, by=referent, number=3, question=question, assignee=agent)


def test_only_the_referent_assigns(diagnostic, agent):
    with pytest.raises(NotReferent):
        assign(diagnostic=diagnostic, by=agent, number=1, assignee=agent)


def test_an_elu_and_an_outsider_cannot_be_assigned(diagnostic, referent, elu, outsider):
    for person in (elu, outsider):
        with pytest.raises(NotAssignable):
            assign(diagnostic=diagnostic, by=referent, number=1, assignee=person)
    assert not Assignment.objects.exists()


# Views


def test_the_referent_assigns_from_the_overview(client, diagnostic, referent, agent):
    agent.full_name = "Agathe Agent"
    agent.save()
    client.force_login(referent)

    response = client.post(
        assign_url(diagnostic),
        {"preconisation": "4", "cible": "", "personne": membership_of(agent).public_id},
        follow=True,
    )

    assert messages_of(response) == ["La préconisation 4 est assignée à Agathe Agent."]
    assert response.context["rows"][3]["assigned"].assignment.assignee == agent
    assert 'data-assignee="4">\n              Agathe Agent' in response.content.decode()


def test_an_agent_cannot_assign(client, diagnostic, agent):
    client.force_login(agent)
    response = client.post(
        assign_url(diagnostic), {"preconisation": "1", "personne": membership_of(agent).public_id}
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_another_collectivites_member_cannot_be_assigned(client, diagnostic, referent):
    stranger = MembershipFactory(role="agent")
    client.force_login(referent)

    response = client.post(
        assign_url(diagnostic),
        {"preconisation": "1", "personne": stranger.public_id},
        follow=True,
    )

    assert messages_of(response) == ["Cette personne n’est pas membre de la collectivité."]
    assert not Assignment.objects.exists()


def test_an_elu_cannot_be_assigned_through_the_form(client, diagnostic, referent, elu):
    client.force_login(referent)
    response = client.post(
        assign_url(diagnostic),
        {"preconisation": "1", "personne": membership_of(elu).public_id},
        follow=True,
    )
    assert messages_of(response) == [
        "Seuls les agents et les référents AEICT peuvent se voir assigner des questions."
    ]


def test_outsiders_see_nothing_and_cannot_assign(client, diagnostic, referent, agent, outsider):
    assign(diagnostic=diagnostic, by=referent, number=1, assignee=agent)
    client.force_login(outsider)

    assert client.get(overview(diagnostic)).status_code == 404
    response = client.post(
        assign_url(diagnostic),
        {"preconisation": "1", "personne": membership_of(outsider).public_id},
    )
    assert response.status_code == 404
    assert client.post(reverse("diagnostic_remind", args=[diagnostic.public_id])).status_code == 404
    assert "Mes questions" in client.get(reverse("my_questions")).content.decode()
    assert client.get(reverse("my_questions")).context["groups"] == []


def test_anonymous_people_are_sent_to_log_in_and_get_is_refused(client, diagnostic, referent):
    response = client.post(assign_url(diagnostic), {"preconisation": "1"})
    assert response.status_code == 302 and "/connexion/" in response.url
    assert client.get(reverse("my_questions")).status_code == 302
    client.force_login(referent)
    assert client.get(assign_url(diagnostic)).status_code == 405


def test_the_overview_shows_question_assignments_with_their_progress(
    client, diagnostic, questions, referent, agent
):
    first, second = questions.questions_by_rec[2][:2]
    assign(diagnostic=diagnostic, by=referent, number=2, question=first, assignee=agent)
    assign(diagnostic=diagnostic, by=referent, number=2, question=second, assignee=agent)
    give(diagnostic, first, questions, by=agent)
    client.force_login(referent)

    content = client.get(overview(diagnostic)).content.decode()

    name = agent.display_name
    assert f"{first.code}\u00a0: {name} (répondue)" in content.replace("&nbsp;", "\u00a0")
    assert f"{second.code}\u00a0: {name} (sans réponse)" in content.replace("&nbsp;", "\u00a0")


def test_the_overview_s_queries_do_not_grow_with_assignments_and_answers(
    client, diagnostic, questions, referent, agent
):
    client.force_login(referent)
    assign(diagnostic=diagnostic, by=referent, number=1, assignee=agent)
    give(diagnostic, questions.questions[0], questions, by=agent)
    client.get(overview(diagnostic))  # catalogue cache warmed
    with CaptureQueriesContext(connection) as few:
        client.get(overview(diagnostic))
    for rec in questions.recommendations:
        assign(diagnostic=diagnostic, by=referent, number=rec.number, assignee=agent)
        for question in questions.questions_by_rec[rec.number][:2]:
            assign(
                diagnostic=diagnostic,
                by=referent,
                number=rec.number,
                question=question,
                assignee=referent,
            )
            if question != questions.questions[0]:
                give(diagnostic, question, questions, by=agent)
    with CaptureQueriesContext(connection) as many:
        response = client.get(overview(diagnostic))
    assert response.status_code == 200
    assert len(many) == len(few)


# « Mes questions »


def test_my_questions_lists_what_is_assigned_with_progress_and_where_to_resume(
    client, diagnostic, questions, referent, agent
):
    rec = questions.questions_by_rec[3]
    assign(diagnostic=diagnostic, by=referent, number=3, assignee=agent)
    give(diagnostic, rec[0], questions, by=agent)
    client.force_login(agent)

    response = client.get(reverse("my_questions"))

    [group] = response.context["groups"]
    [row] = group["rows"]
    assert (row.progress.answered, row.progress.asked) == (1, len(rec))
    url = reverse("diagnostic_recommendation", args=[diagnostic.public_id, 3])
    assert row.url == f"{url}#q-{rec[1].code}"
    assert f'href="{url}#q-{rec[1].code}"' in response.content.decode()
    assert 'href="/mes-questions/" aria-current="page"' in response.content.decode()


def test_my_questions_leaves_out_submitted_diagnostics_and_other_people(
    client, diagnostic, referent, agent
):
    assign(diagnostic=diagnostic, by=referent, number=1, assignee=referent)
    client.force_login(agent)
    assert client.get(reverse("my_questions")).context["groups"] == []
    assert (
        "Aucune question ne vous est assignée"
        in client.get(reverse("my_questions")).content.decode()
    )


def test_my_questions_takes_the_same_few_queries_whatever_the_assignments(
    client, diagnostic, questions, referent, agent
):
    for rec in questions.recommendations:
        assign(diagnostic=diagnostic, by=referent, number=rec.number, assignee=agent)
    client.force_login(agent)
    client.get(reverse("my_questions"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("my_questions"))
    # session, user, assignments, answers
    assert len(queries) <= 5


# Reminders


def test_the_referent_s_reminder_queues_one_task_and_mails_each_assignee(
    client,
    diagnostic,
    questions,
    referent,
    agent,
    queue,
    mail_server,
    django_capture_on_commit_callbacks,
):
    assign(diagnostic=diagnostic, by=referent, number=2, assignee=agent)
    give(diagnostic, questions.questions_by_rec[2][0], questions, by=agent)
    client.force_login(referent)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("diagnostic_remind", args=[diagnostic.public_id]), follow=True
        )

    assert messages_of(response)[0].startswith("Rappel envoyé\u00a0:")
    assert queued(queue) == [
        (mails.send_assignment_reminder_mail, {"diagnostic_id": diagnostic.pk})
    ]
    assert mail_server == []  # never in the request
    run_queued_tasks(queue)
    [mail] = mail_server
    assert mail.to == [agent.email]
    count = len(questions.questions_by_rec[2]) - 1
    assert f"{count} questions qui vous sont assignées dans le diagnostic" in mail.body
    assert f"{settings.SITE_URL}/mes-questions/" in mail.body
    assert "score" not in mail.body.lower()


def test_a_second_reminder_the_same_day_is_refused(
    client, diagnostic, referent, agent, queue, django_capture_on_commit_callbacks
):
    assign(diagnostic=diagnostic, by=referent, number=2, assignee=agent)
    client.force_login(referent)
    url = reverse("diagnostic_remind", args=[diagnostic.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        response = client.post(url, follow=True)

    assert messages_of(response)[-1:] == [
        "Un rappel a déjà été envoyé aujourd’hui pour ce diagnostic\u00a0: réessayez demain."
    ]
    assert len(queue.results) == 1
    assert "Un rappel a déjà été envoyé aujourd’hui" in response.content.decode()


def test_only_the_referent_sends_reminders(client, diagnostic, referent, agent, queue):
    assign(diagnostic=diagnostic, by=referent, number=2, assignee=agent)
    client.force_login(agent)
    assert client.post(reverse("diagnostic_remind", args=[diagnostic.public_id])).status_code == 403
    with pytest.raises(NotReferent):
        remind_assignees(diagnostic=diagnostic, by=agent)
    assert queue.results == []


def test_an_assignee_who_turned_reminders_off_gets_none(
    diagnostic, referent, agent, queue, mail_server, django_capture_on_commit_callbacks
):
    assign(diagnostic=diagnostic, by=referent, number=2, assignee=agent)
    NotificationPreference.objects.create(user=agent, assignment_reminder=False)
    with django_capture_on_commit_callbacks(execute=True):
        remind_assignees(diagnostic=diagnostic, by=referent)
    assert len(queue.results) == 1
    run_queued_tasks(queue)
    assert mail_server == []


def test_the_command_reminds_once_a_day(
    diagnostic, referent, agent, queue, mail_server, django_capture_on_commit_callbacks
):
    assign(diagnostic=diagnostic, by=referent, number=2, assignee=agent)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=io.StringIO())
        out = io.StringIO()
        call_command("send_reminders", stdout=out)
    assert "déjà rappelés aujourd’hui\u00a0: 1" in out.getvalue()

    assert len(queue.results) == 1
    assert ReminderSent.objects.get().day == timezone.localdate()
    with pytest.raises(AlreadyRemindedToday):
        remind_assignees(diagnostic=diagnostic, by=referent)
    run_queued_tasks(queue)
    assert [m.to for m in mail_server] == [[agent.email]]


def test_the_command_skips_diagnostics_with_nothing_left_to_answer(
    diagnostic, questions, referent, agent, queue, django_capture_on_commit_callbacks
):
    question = questions.questions_by_rec[2][0]
    assign(diagnostic=diagnostic, by=referent, number=2, question=question, assignee=agent)
    give(diagnostic, question, questions, by=agent)
    assert unanswered_by_assignee(diagnostic) == {}

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=io.StringIO())

    assert queue.results == []
    assert not ReminderSent.objects.exists()
