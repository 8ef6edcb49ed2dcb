"""Each role lands where it works: the élu on the results, the agent where the questionnaire
stands, the référent on the overview with the next step."""

import pytest
from django.urls import reverse

from diagnostics.selectors import answers_by_question, resume_point
from diagnostics.services import submit_diagnostic
from tests.diagnostics.helpers import give, give_required
from tests.factories import DiagnosticFactory

NBSP = "\u00a0"


def open_url(diagnostic):
    return reverse("diagnostic_open", args=[diagnostic.public_id])


def overview_url(diagnostic):
    return reverse("diagnostic_overview", args=[diagnostic.public_id])


def required_questions(data):
    return [
        (rec.number, position, q)
        for rec in data.recommendations
        for position, q in enumerate(data.questions_by_rec[rec.number], start=1)
        if q.required
    ]


@pytest.fixture
def submitted(diagnostic, questions, referent):
    give_required(diagnostic, questions, by=referent)
    submit_diagnostic(diagnostic=diagnostic, by=referent)
    diagnostic.refresh_from_db()
    return diagnostic


def test_the_dashboard_links_each_diagnostic_to_its_landing_url(client, diagnostic, agent):
    client.force_login(agent)
    content = client.get(reverse("dashboard")).content.decode()
    assert f'href="{open_url(diagnostic)}"' in content


# --- The élu ----------------------------------------------------------------------------------


def test_an_elu_opening_a_submitted_diagnostic_lands_on_its_results(client, submitted, elu):
    client.force_login(elu)
    response = client.get(open_url(submitted))
    assert response.status_code == 302
    assert response.url == reverse("diagnostic_results", args=[submitted.public_id])


def test_the_report_buttons_come_first_on_the_results_of_a_submitted_diagnostic(
    client, submitted, elu
):
    client.force_login(elu)
    content = client.get(reverse("diagnostic_results", args=[submitted.public_id])).content
    content = content.decode()
    assert content.count("Télécharger le rapport complet (PDF)") == 1
    assert content.count("Télécharger la synthèse pour les élus (PDF)") == 1
    assert content.index("Télécharger le rapport complet") < content.index("Score global")


def test_provisional_results_keep_the_report_buttons_at_the_bottom(client, diagnostic, elu):
    client.force_login(elu)
    content = client.get(reverse("diagnostic_results", args=[diagnostic.public_id])).content
    content = content.decode()
    assert content.count("Télécharger le rapport complet (PDF)") == 1
    assert content.index("Score global") < content.index("Télécharger le rapport complet")


def test_an_elu_opening_a_diagnostic_in_progress_sees_the_overview_and_waits_for_results(
    client, diagnostic, elu
):
    client.force_login(elu)
    response = client.get(open_url(diagnostic))
    assert response.url == overview_url(diagnostic)
    content = client.get(response.url).content.decode()
    assert "Les résultats seront disponibles après la soumission du diagnostic" in content
    assert "Commencer le questionnaire" not in content
    assert "Reprendre" not in content


# --- The agent --------------------------------------------------------------------------------


def test_an_agent_starts_at_the_first_required_question(client, diagnostic, questions, agent):
    client.force_login(agent)
    number, _position, question = required_questions(questions)[0]
    response = client.get(open_url(diagnostic))
    assert response.status_code == 302
    assert response.url == (
        reverse("diagnostic_recommendation", args=[diagnostic.public_id, number])
        + f"#q-{question.code}"
    )


def test_an_agent_resumes_at_the_first_required_question_without_an_answer(
    client, diagnostic, questions, agent
):
    required = required_questions(questions)
    # Skip to a question past the first recommendation, so that the position shows.
    number, position, question = next(r for r in required if r[0] > 1 and r[1] > 1)
    give_required(diagnostic, questions, by=agent, until=question)
    client.force_login(agent)

    response = client.get(open_url(diagnostic))
    assert response.url == (
        reverse("diagnostic_recommendation", args=[diagnostic.public_id, number])
        + f"#q-{question.code}"
    )
    content = client.get(overview_url(diagnostic)).content.decode()
    assert f"Reprendre{NBSP}: préconisation {number}, question {position}" in content
    assert response.url in content
    # No more wall of links to the unanswered questions.
    assert content.count("#q-") == 1


def test_without_required_questions_left_the_agent_resumes_at_an_optional_one(
    diagnostic, questions, agent
):
    give_required(diagnostic, questions, by=agent)
    point = resume_point(questions, answers_by_question(diagnostic))
    first_optional = next(
        q
        for rec in questions.recommendations
        for q in questions.questions_by_rec[rec.number]
        if not q.required
    )
    assert point.question == first_optional


def test_an_agent_opening_a_submitted_diagnostic_lands_on_its_results(client, submitted, agent):
    client.force_login(agent)
    response = client.get(open_url(submitted))
    assert response.url == reverse("diagnostic_results", args=[submitted.public_id])


def test_an_agent_with_every_question_answered_lands_on_the_overview(
    client, diagnostic, questions, agent
):
    for question in questions.questions:
        give(diagnostic, question, questions, by=agent)
    client.force_login(agent)
    response = client.get(open_url(diagnostic))
    assert response.url == overview_url(diagnostic)
    content = client.get(response.url).content.decode()
    assert "Toutes les questions ont une réponse." in content


# --- The référent -----------------------------------------------------------------------------


def test_the_referent_lands_on_the_overview(client, diagnostic, referent):
    client.force_login(referent)
    assert client.get(open_url(diagnostic)).url == overview_url(diagnostic)


def test_a_referent_alone_is_first_asked_to_invite(client, catalogue, referent):
    membership = referent.memberships.get()
    alone = DiagnosticFactory(collectivite=membership.collectivite, catalogue=catalogue)
    client.force_login(referent)
    content = client.get(overview_url(alone)).content.decode()
    assert "Inviter des collègues" in content
    assert reverse("members", args=[membership.collectivite.public_id]) in content


def test_the_referent_s_next_step_follows_the_answers(
    client, diagnostic, questions, referent, agent
):
    client.force_login(referent)
    content = client.get(overview_url(diagnostic)).content.decode()
    assert "Commencer le questionnaire" in content
    assert "Inviter des collègues" not in content

    give(diagnostic, required_questions(questions)[0][2], questions, by=agent)
    content = client.get(overview_url(diagnostic)).content.decode()
    assert f"Reprendre{NBSP}: préconisation" in content

    give_required(diagnostic, questions, by=agent)
    content = client.get(overview_url(diagnostic)).content.decode()
    assert "le diagnostic peut être soumis" in content
    assert reverse("diagnostic_submit", args=[diagnostic.public_id]) in content


def test_the_referent_of_a_submitted_diagnostic_is_shown_its_results(client, submitted, referent):
    client.force_login(referent)
    content = client.get(overview_url(submitted)).content.decode()
    assert "Voir les résultats" in content
    assert "Reprendre" not in content


def test_the_landing_url_is_for_members_only(client, diagnostic, outsider, agent):
    client.force_login(outsider)
    assert client.get(open_url(diagnostic)).status_code == 404
    client.force_login(agent)
    assert client.post(open_url(diagnostic)).status_code == 405
    client.logout()
    assert client.get(open_url(diagnostic)).url.startswith(reverse("login"))
