"""The dashboard shows where each diagnostic stands: year, status, completeness, stored score and
level, last activity; the current diagnostic's progress per recommendation; past years' scores."""

from datetime import datetime
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnostics.formatting import long_datetime, percent, score
from diagnostics.scoring import maturity_level
from diagnostics.services import archive_diagnostic, create_diagnostic, submit_diagnostic
from tests.diagnostics.helpers import give
from tests.factories import MembershipFactory, UserFactory

NBSP = "\u00a0"


def dashboard(client) -> str:
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def table_of(page: str, caption: str) -> str:
    return page.split(caption)[1].split("</table>")[0]


def new(collectivite, referent, year):
    return create_diagnostic(
        collectivite=collectivite, title=f"Diagnostic {year}", year=year, by=referent
    )


def submitted(collectivite, referent, data, year, *, level):
    diagnostic = new(collectivite, referent, year)
    for rec in data.recommendations:
        for question in data.questions_by_rec[rec.number]:
            give(diagnostic, question, data, by=referent, level=level)
    submit_diagnostic(diagnostic=diagnostic, by=referent)
    diagnostic.refresh_from_db()
    return diagnostic


def test_each_diagnostic_shows_its_completeness_and_its_last_activity(
    client, catalogue, collectivite, referent, agent, questions
):
    diagnostic = new(collectivite, referent, 2026)
    agent.full_name = "Hugo Martin"
    agent.save(update_fields=["full_name"])
    answered = [q for q in questions.questions if q.required][:7]
    for question in answered:
        give(diagnostic, question, questions, by=agent)
    client.force_login(referent)

    page = dashboard(client)
    row = page.split(f">{diagnostic.title}</a>")[1].split("</tr>")[0]
    pct = percent(Fraction(7, len(questions.questions)))
    assert f"{pct}&nbsp;%" in row
    assert f"7 sur {len(questions.questions)}" in row
    assert "par Hugo Martin" in row
    assert "après soumission" in row


def test_the_creation_is_the_last_activity_of_a_diagnostic_without_answers(
    client, catalogue, collectivite, referent
):
    referent.full_name = "Léa Fontaine"
    referent.save(update_fields=["full_name"])
    new(collectivite, referent, 2026)
    client.force_login(referent)
    row = dashboard(client).split(">Diagnostic 2026</a>")[1].split("</tr>")[0]
    assert "par Léa Fontaine" in row
    assert f"0{NBSP}" not in row  # completeness is written 0&nbsp;%
    assert "0&nbsp;%" in row


def test_a_submitted_diagnostic_shows_its_stored_score_and_the_level_results_give_it(
    client, catalogue, collectivite, referent, questions
):
    diagnostic = submitted(collectivite, referent, questions, 2025, level=0.5)
    client.force_login(referent)
    row = dashboard(client).split(">Diagnostic 2025</a>")[1].split("</tr>")[0]
    level = maturity_level(diagnostic.overall_score)
    assert f"{score(diagnostic.overall_score)}&nbsp;/&nbsp;100" in row
    assert f"niveau {level.number}{NBSP}: {level.label}" in row
    results = client.get(reverse("diagnostic_results", args=[diagnostic.public_id]))
    assert level.label in results.content.decode()


def test_the_current_diagnostic_shows_its_progress_per_recommendation(
    client, catalogue, collectivite, referent, questions
):
    new(collectivite, referent, 2025)
    current = new(collectivite, referent, 2026)
    first = questions.recommendations[0]
    give(current, questions.questions_by_rec[first.number][0], questions, by=referent)
    client.force_login(referent)

    page = dashboard(client)
    assert "Avancement de «" in page
    table = table_of(page, f"Avancement de «{NBSP}Diagnostic 2026{NBSP}» par préconisation")
    assert table.count('<th scope="row"') == len(questions.recommendations)
    asked = len(questions.questions_by_rec[first.number])
    assert f"1 sur {asked} ({percent(Fraction(1, asked))}&nbsp;%)" in table
    assert "Diagnostic 2025" not in page.split("Avancement de")[1].split("</caption>")[0]


def test_past_years_scores_form_a_timeline_once_two_are_submitted(
    client, catalogue, collectivite, referent, questions
):
    caption = "Évolution du score global d’une année à l’autre"
    older = submitted(collectivite, referent, questions, 2024, level=0.0)
    client.force_login(referent)
    assert caption not in dashboard(client)

    newer = submitted(collectivite, referent, questions, 2025, level=1.0)
    archive_diagnostic(diagnostic=older, by=referent, archived=True)
    table = table_of(dashboard(client), caption)
    assert table.index("2024") < table.index("2025")
    for diagnostic in (older, newer):
        level = maturity_level(diagnostic.overall_score)
        assert f"{level.number} — {level.label}" in table


def test_archived_diagnostics_and_the_create_form_stay(
    client, catalogue, collectivite, referent, questions
):
    old = submitted(collectivite, referent, questions, 2024, level=1.0)
    archive_diagnostic(diagnostic=old, by=referent, archived=True)
    client.force_login(referent)
    page = dashboard(client)
    archived = page.split("<details")[1].split("</details>")[0]
    assert "Diagnostic 2024" in archived and "Désarchiver" in archived
    assert "Créer le diagnostic" in page


# --- Query counts -----------------------------------------------------------------------------


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        dashboard(client)
    return len(queries)


@pytest.fixture
def member(client, collectivite, referent):
    """An élu of the collectivité, who has seen the dashboard before (changes are listed)."""
    user = UserFactory()
    MembershipFactory(collectivite=collectivite, user=user, role="elu")
    client.force_login(user)
    dashboard(client)
    return user


def test_the_dashboard_costs_the_same_queries_for_one_or_five_diagnostics(
    client, catalogue, collectivite, referent, questions, member, django_assert_num_queries
):
    give(new(collectivite, referent, 2024), questions.questions[0], questions, by=referent)
    count_queries(client)  # the catalogue is read once per process
    one = count_queries(client)
    archived = submitted(collectivite, referent, questions, 2020, level=1.0)
    archive_diagnostic(diagnostic=archived, by=referent, archived=True)
    for year in (2021, 2022):
        submitted(collectivite, referent, questions, year, level=0.5)
    give(new(collectivite, referent, 2023), questions.questions[1], questions, by=referent)
    with django_assert_num_queries(one):
        page = dashboard(client)
    assert page.count('<th scope="row" class="fw-normal"><a href=') == 5
    assert "Évolution du score global" in page


def test_the_dashboard_costs_the_same_queries_for_ten_or_a_hundred_answers(
    client, catalogue, collectivite, referent, questions, member, django_assert_num_queries
):
    # A catalogue has fewer than a hundred questions: the answers go to two diagnostics.
    diagnostics = [new(collectivite, referent, 2025), new(collectivite, referent, 2026)]
    for diagnostic in diagnostics:
        for question in questions.questions[:5]:
            give(diagnostic, question, questions, by=referent)
    count_queries(client)
    ten = count_queries(client)
    for diagnostic in diagnostics:
        for question in questions.questions[5:50]:
            give(diagnostic, question, questions, by=referent)
    with django_assert_num_queries(ten):
        page = dashboard(client)
    assert page.count(f"50 sur {len(questions.questions)}") == 2


def test_the_timestamp_of_an_answer_saved_after_the_last_event_wins(
    client, catalogue, collectivite, referent, agent, questions
):
    diagnostic = new(collectivite, referent, 2026)
    give(diagnostic, questions.questions[0], questions, by=agent)
    answer = diagnostic.answers.get()
    later = timezone.now() + timezone.timedelta(hours=1)
    diagnostic.answers.update(updated_at=later)
    client.force_login(referent)
    row = dashboard(client).split(">Diagnostic 2026</a>")[1].split("</tr>")[0]
    assert timezone.localtime(later).strftime("%H:%M") in row
    assert answer.updated_by == agent


def test_the_timeline_is_also_drawn_as_a_line_that_assistive_technologies_skip(
    client, catalogue, collectivite, referent, questions
):
    low = submitted(collectivite, referent, questions, 2024, level=0.0)
    high = submitted(collectivite, referent, questions, 2025, level=1.0)
    client.force_login(referent)
    figure = dashboard(client).split('<figure class="score-timeline')[1].split("</figure>")[0]
    svg = figure.split("<svg")[1].split("</svg>")[0]
    assert 'aria-hidden="true"' in svg
    # Years left to right, 0 on the line y=96 and 100 on the line y=24.
    y_low, y_high = (24 + round(72 * (1 - d.overall_score / 100)) for d in (low, high))
    assert high.overall_score == 100 and y_high == 24
    assert f'points="24,{y_low} 296,{y_high} "' in svg
    assert svg.index(">2024<") < svg.index(">2025<")


def test_the_first_day_of_a_month_is_written_1er():
    moment = timezone.make_aware(datetime(2026, 12, 1, 9, 5))
    assert long_datetime(moment) == "1er décembre 2026 à 09:05"
    assert long_datetime(moment.replace(day=2)) == "2 décembre 2026 à 09:05"
