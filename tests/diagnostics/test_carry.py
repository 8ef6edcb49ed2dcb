"""Starting a diagnostic from last year's: answers carried over to confirm, mapped by question
code across catalogue versions, the plan's open actions carried with their history."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.carry import carry_source
from diagnostics.catalogue import catalogue_data, clear_catalogue_cache
from diagnostics.enums import ActionStatus, AnswerChangeKind, DiagnosticStatus
from diagnostics.models import Answer, AnswerChange, Diagnostic, PlanAction, PlanActionChange
from diagnostics.questionnaire.answers import (
    DiagnosticLocked,
    confirm_carried_answers,
    make_state,
    save_answer,
    state_of,
)
from diagnostics.questionnaire.forms import post_data
from diagnostics.selectors import answers_by_question, score_answers
from diagnostics.services import (
    InvalidCarrySource,
    UnconfirmedAnswers,
    create_diagnostic,
    submit_diagnostic,
)
from tests.diagnostics.helpers import small_catalogue
from tests.factories import CollectiviteFactory, DiagnosticFactory, MembershipFactory


@pytest.fixture
def version(db):
    return small_catalogue()


def answer(diagnostic, code, value=None, *, by, not_applicable=False, comment=""):
    question = catalogue_data(diagnostic.catalogue_id).question_by_code(code)
    current = Answer.objects.filter(diagnostic=diagnostic, question=question).first()
    saved, _changed = save_answer(
        diagnostic=diagnostic,
        question=question,
        by=by,
        state=make_state(value=value, not_applicable=not_applicable, comment=comment),
        base_revision=current.revision if current else 0,
    )
    return saved


def option_id(catalogue, code, label):
    data = catalogue_data(catalogue.pk)
    question = data.question_by_code(code)
    return next(o.pk for o in data.options_by_question[question.pk] if o.label == label)


def last_year(collectivite, catalogue, by, *, submit=True, year=2025):
    """A diagnostic of ``year`` with every required question answered, some « Non concerné », a
    comment, and submitted."""
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=by, year=year, title=str(year)
    )
    answer(diagnostic, "A1", 2, by=by, comment="Délibération de mars")
    answer(diagnostic, "A2", True, by=by)
    answer(diagnostic, "A3", option_id(catalogue, "A3", "Un peu"), by=by)
    answer(diagnostic, "A4", "1500", by=by)
    answer(diagnostic, "B1", 3, by=by)
    answer(diagnostic, "B2", None, not_applicable=True, by=by)
    answer(diagnostic, "C1", 1, by=by)
    if submit:
        submit_diagnostic(diagnostic=diagnostic, by=by)
        diagnostic.refresh_from_db()
    return diagnostic


def start_from(source, by, *, year=2026):
    return create_diagnostic(
        collectivite=source.collectivite, title=f"Diagnostic {year}", year=year, by=by,
        carry_from=source,
    )  # fmt: skip


def answers_of(diagnostic):
    return {a.question.code: a for a in Answer.objects.filter(diagnostic=diagnostic)}


def confirm_all(diagnostic, by):
    data = catalogue_data(diagnostic.catalogue_id)
    return confirm_carried_answers(diagnostic=diagnostic, by=by, questions=data.questions)


# --- The service --------------------------------------------------------------------------------


def test_answers_are_carried_over_to_confirm_with_a_history_entry(version, collectivite, agent):
    source = last_year(collectivite, version, agent)
    diagnostic = start_from(source, agent)
    carried = answers_of(diagnostic)
    assert set(carried) == {"A1", "A2", "A3", "A4", "B1", "B2", "C1"}
    assert carried["A1"].value == 2
    assert carried["A1"].comment == "Délibération de mars"
    assert carried["A3"].value == option_id(version, "A3", "Un peu")
    assert carried["B2"].not_applicable and carried["B2"].value is None
    for item in carried.values():
        assert item.needs_confirmation
        assert item.carried_from_year == 2025
        assert item.carried_from.diagnostic_id == source.pk
        assert item.confirmed_at is None
        change = item.changes.get()
        assert (change.kind, change.old_state, change.new_state) == (
            AnswerChangeKind.CARRIED,
            None,
            state_of(item),
        )
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.IN_PROGRESS
    assert (diagnostic.carried_from, diagnostic.carried_from_year) == (source, 2025)
    assert "Repris du diagnostic 2025" in diagnostic.events.get().details
    # Last year's answers are untouched.
    assert not any(a.needs_confirmation for a in answers_of(source).values())


def test_carrying_over_takes_the_same_queries_however_many_answers(catalogue, collectivite, agent):
    """The whole catalogue: one answer carried, then all of them."""
    counts = []
    data = catalogue_data(catalogue.pk)
    for year, questions in ((2020, data.questions[:1]), (2022, data.questions)):
        source = DiagnosticFactory(collectivite=collectivite, catalogue=catalogue, year=year)
        for question in questions:
            options = data.options_by_question.get(question.pk, [])
            value = None
            if options:
                value = 0 if question.kind == "scale" else options[0].pk
                if question.kind == "multi":
                    value = [options[0].pk]
            elif question.kind == "boolean":
                value = True
            else:
                value = "12"
            answer(source, question.code, value, by=agent)
        Diagnostic.objects.filter(pk=source.pk).update(status=DiagnosticStatus.SUBMITTED)
        source.refresh_from_db()
        clear_catalogue_cache()
        with CaptureQueriesContext(connection) as context:
            target = start_from(source, agent, year=year + 1)
        assert Answer.objects.filter(diagnostic=target).count() == len(questions)
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
    assert len(data.questions) > 20


def test_carried_answers_once_confirmed_score_as_last_year(version, collectivite, agent, referent):
    source = last_year(collectivite, version, agent)
    diagnostic = start_from(source, agent)
    data = catalogue_data(version.pk)
    # Scored as answers even before their confirmation (SCORING.md).
    assert (
        score_answers(data, answers_by_question(diagnostic)).overall
        == score_answers(data, answers_by_question(source)).overall
    )
    confirm_all(diagnostic, agent)
    submit_diagnostic(diagnostic=diagnostic, by=referent)
    diagnostic.refresh_from_db()
    assert diagnostic.overall_score == source.overall_score
    assert list(diagnostic.recommendation_scores.values_list("number", "score")) == list(
        source.recommendation_scores.values_list("number", "score")
    )


def test_submission_is_refused_while_carried_answers_are_unconfirmed(
    version, collectivite, agent, referent
):
    diagnostic = start_from(last_year(collectivite, version, agent), agent)
    data = catalogue_data(version.pk)
    confirm_carried_answers(diagnostic=diagnostic, by=agent, questions=data.questions_by_rec[1])
    with pytest.raises(UnconfirmedAnswers) as refused:
        submit_diagnostic(diagnostic=diagnostic, by=referent)
    assert [q.code for q in refused.value.questions] == ["B1", "B2", "C1"]
    diagnostic.refresh_from_db()
    assert not diagnostic.is_submitted


def test_changing_a_carried_answer_confirms_it_and_saving_it_unchanged_does_not(
    version, collectivite, agent
):
    diagnostic = start_from(last_year(collectivite, version, agent), agent)
    answer(diagnostic, "A1", 3, by=agent, comment="Délibération de mars")
    answer(diagnostic, "B1", 3, by=agent)
    carried = answers_of(diagnostic)
    assert not carried["A1"].needs_confirmation
    assert carried["A1"].confirmed_by == agent
    assert carried["A1"].value == 3
    assert carried["A1"].changes.first().kind == AnswerChangeKind.CHANGED
    assert carried["B1"].needs_confirmation
    assert carried["B1"].revision == 1


def test_confirming_a_recommendation_keeps_its_answers_and_records_it(version, collectivite, agent):
    diagnostic = start_from(last_year(collectivite, version, agent), agent)
    data = catalogue_data(version.pk)
    confirmed = confirm_carried_answers(
        diagnostic=diagnostic, by=agent, questions=data.questions_by_rec[2]
    )
    assert sorted(a.question.code for a in confirmed) == ["B1", "B2"]
    carried = answers_of(diagnostic)
    assert carried["B1"].value == 3 and carried["B1"].revision == 2
    assert carried["B1"].confirmed_by == agent and carried["B1"].confirmed_at
    assert carried["A1"].needs_confirmation
    change = carried["B1"].changes.first()
    assert (change.kind, change.revision, change.changed_by) == (
        AnswerChangeKind.CONFIRMED,
        2,
        agent,
    )
    # Confirming again changes nothing.
    assert (
        confirm_carried_answers(diagnostic=diagnostic, by=agent, questions=data.questions_by_rec[2])
        == []
    )


def test_confirming_answers_of_a_submitted_diagnostic_is_refused(version, collectivite, agent):
    diagnostic = start_from(last_year(collectivite, version, agent), agent)
    Diagnostic.objects.filter(pk=diagnostic.pk).update(status=DiagnosticStatus.SUBMITTED)
    with pytest.raises(DiagnosticLocked):
        confirm_all(diagnostic, agent)
    assert Answer.objects.filter(diagnostic=diagnostic, needs_confirmation=True).count() == 7


def test_an_empty_diagnostic_has_nothing_to_confirm(version, collectivite, agent):
    last_year(collectivite, version, agent)
    diagnostic = create_diagnostic(collectivite=collectivite, title="Vide", year=2026, by=agent)
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()
    assert diagnostic.carried_from is None


def test_only_a_submitted_diagnostic_of_the_same_collectivite_is_carried_over(
    version, collectivite, agent
):
    other = CollectiviteFactory()
    foreign = last_year(other, version, MembershipFactory(collectivite=other).user)
    with pytest.raises(InvalidCarrySource):
        create_diagnostic(
            collectivite=collectivite, title="X", year=2026, by=agent, carry_from=foreign
        )
    draft = last_year(collectivite, version, agent, submit=False, year=2024)
    with pytest.raises(InvalidCarrySource):
        create_diagnostic(
            collectivite=collectivite, title="X", year=2026, by=agent, carry_from=draft
        )
    assert not Diagnostic.objects.filter(collectivite=collectivite, year=2026).exists()


def test_the_source_is_the_collectivite_s_latest_submitted_diagnostic(version, collectivite, agent):
    assert carry_source(collectivite) is None
    last_year(collectivite, version, agent, year=2024)
    newer = last_year(collectivite, version, agent, year=2025)
    last_year(collectivite, version, agent, year=2026, submit=False)
    other = CollectiviteFactory()
    last_year(other, version, MembershipFactory(collectivite=other).user)
    assert carry_source(collectivite) == newer


# --- Another catalogue version ------------------------------------------------------------------


def _new_version(data):
    """A2 becomes a scale, A3's options are the same, B2 is gone, D1 is new."""
    rec1 = data["recommendations"][0]["questions"]
    rec1[1] = {**rec1[0], "code": "A2"}
    data["recommendations"][1]["questions"].pop()
    data["recommendations"][2]["questions"].append({**rec1[0], "code": "D1"})


def _other_options(data):
    data["recommendations"][0]["questions"][2]["options"][1]["label"] = "Un petit peu"


def test_across_catalogue_versions_answers_map_by_code_when_the_question_is_the_same(
    version, collectivite, agent
):
    source = last_year(collectivite, version, agent)
    newer = small_catalogue("test-2", change=_new_version)
    diagnostic = start_from(source, agent)
    assert diagnostic.catalogue == newer
    carried = answers_of(diagnostic)
    assert set(carried) == {"A1", "A3", "A4", "B1", "C1"}
    assert carried["A3"].value == option_id(newer, "A3", "Un peu")
    assert carried["A3"].value != option_id(version, "A3", "Un peu")
    assert {a.question.recommendation.catalogue_id for a in carried.values()} == {newer.pk}
    diagnostic.refresh_from_db()
    assert diagnostic.uncarried_questions == ["A2"]


def test_a_choice_question_whose_options_changed_starts_empty(version, collectivite, agent):
    source = last_year(collectivite, version, agent)
    small_catalogue("test-3", change=_other_options)
    diagnostic = start_from(source, agent)
    assert "A3" not in answers_of(diagnostic)
    diagnostic.refresh_from_db()
    assert diagnostic.uncarried_questions == ["A3"]


# --- The action plan ----------------------------------------------------------------------------


def test_actions_not_done_are_carried_over_with_their_fields_and_history(
    version, collectivite, agent
):
    source = last_year(collectivite, version, agent)
    rec = version.recommendations.get(number=2)
    common = {"diagnostic": source, "recommendation": rec, "created_by": agent}
    open_action = PlanAction.objects.create(
        **common,
        title="Former les agents",
        owner="DRH",
        deadline_date=datetime.date(2026, 6, 30),
        budget_amount=Decimal("12000.50"),
        budget_line="6184",
        status=ActionStatus.IN_PROGRESS,
        revision=2,
    )
    for revision in (1, 2):
        PlanActionChange.objects.create(
            action=open_action,
            revision=revision,
            changed_by=agent,
            old_state=None if revision == 1 else {"status": "a_lancer"},
            new_state={"status": "a_lancer" if revision == 1 else "en_cours"},
        )
    done = PlanAction.objects.create(**common, title="Acheter", status=ActionStatus.DONE)
    diagnostic = start_from(source, agent)
    carried = PlanAction.objects.get(diagnostic=diagnostic)
    assert carried.carried_from == open_action
    assert carried.carried_from_year == 2025
    assert (carried.title, carried.owner, carried.deadline_date, carried.budget_amount) == (
        "Former les agents",
        "DRH",
        datetime.date(2026, 6, 30),
        Decimal("12000.50"),
    )
    assert (carried.budget_line, carried.status, carried.revision) == ("6184", "en_cours", 2)
    assert carried.recommendation == rec
    assert list(carried.changes.order_by("revision").values_list("revision", "new_state")) == [
        (1, {"status": "a_lancer"}),
        (2, {"status": "en_cours"}),
    ]
    # Done actions stay in last year's plan, and last year's plan keeps all of its own.
    assert not PlanAction.objects.filter(diagnostic=diagnostic, title=done.title).exists()
    assert PlanAction.objects.filter(diagnostic=source).count() == 2
    assert open_action.changes.count() == 2


# --- The pages ----------------------------------------------------------------------------------


def create_url(collectivite):
    return reverse("diagnostic_create", args=[collectivite.public_id])


def rec_url(diagnostic, number):
    return reverse("diagnostic_recommendation", args=[diagnostic.public_id, number])


def test_the_create_page_offers_to_start_from_last_year_by_default(
    client, version, collectivite, agent, referent
):
    last_year(collectivite, version, agent)
    client.force_login(referent)
    content = client.get(create_url(collectivite)).content.decode()
    assert "Partir du diagnostic 2025 (soumis)" in content
    assert "Partir d’un questionnaire vide" in content
    assert re.search(r'<input[^>]*value="reprise"[^>]*checked', content)
    response = client.post(create_url(collectivite), {"year": "2026", "start": "reprise"})
    assert response.status_code == 302
    diagnostic = Diagnostic.objects.get(year=2026)
    assert Answer.objects.filter(diagnostic=diagnostic, needs_confirmation=True).count() == 7


def test_the_create_page_starts_empty_when_asked(client, version, collectivite, agent, referent):
    last_year(collectivite, version, agent)
    client.force_login(referent)
    response = client.post(create_url(collectivite), {"year": "2026", "start": "vide"})
    assert response.status_code == 302
    assert not Answer.objects.filter(diagnostic__year=2026).exists()


def test_the_dashboard_s_short_form_offers_to_start_from_last_year_too(
    client, version, collectivite, agent, referent
):
    last_year(collectivite, version, agent)
    client.force_login(referent)
    content = client.get(reverse("dashboard")).content.decode()
    assert "Partir du diagnostic 2025 (soumis)" in content
    assert re.search(r'<input[^>]*value="reprise"[^>]*checked', content)


def test_without_a_submitted_diagnostic_there_is_no_choice(client, version, collectivite, referent):
    client.force_login(referent)
    assert "Partir du diagnostic" not in client.get(create_url(collectivite)).content.decode()


def test_another_collectivite_s_diagnostic_cannot_be_carried_over_through_urls(
    client, version, collectivite, agent, referent, outsider
):
    """The source is never posted: a posted id is ignored, and an outsider can't reach the page."""
    source = last_year(collectivite, version, agent)
    client.force_login(outsider)
    response = client.post(create_url(collectivite), {"year": "2026", "start": "reprise"})
    assert response.status_code == 404
    mine = outsider.memberships.get().collectivite
    response = client.post(
        create_url(mine),
        {"year": "2026", "start": "reprise", "source": str(source.public_id),
         "carry_from": str(source.public_id)},
    )  # fmt: skip
    assert response.status_code == 302
    created = Diagnostic.objects.get(collectivite=mine)
    assert created.carried_from is None
    assert not Answer.objects.filter(diagnostic=created).exists()
    assert not Diagnostic.objects.filter(collectivite=collectivite, year=2026).exists()


def _page_post(diagnostic, number, **extra):
    """What the page posts when nothing is changed: every answer as it is."""
    data = catalogue_data(diagnostic.catalogue_id)
    answers = answers_by_question(diagnostic)
    payload = {}
    for question in data.questions_by_rec[number]:
        current = answers.get(question.pk)
        payload |= post_data(
            question,
            data.options_by_question.get(question.pk, []),
            state_of(current),
            revision=current.revision if current else 0,
        )
    return payload | extra


def test_a_card_shows_the_answer_to_confirm_and_one_button_confirms_the_recommendation(
    client, version, collectivite, agent
):
    diagnostic = start_from(last_year(collectivite, version, agent), agent)
    client.force_login(agent)
    content = client.get(rec_url(diagnostic, 1)).content.decode()
    assert content.count("Repris de 2025 — à confirmer") == 4
    assert "Confirmer les réponses reprises de cette préconisation" in content
    response = client.post(rec_url(diagnostic, 1), _page_post(diagnostic, 1, confirmer_tout="1"))
    assert response.status_code == 302
    content = client.get(rec_url(diagnostic, 1)).content.decode()
    assert "4 réponses reprises sont confirmées" in content
    # The cached cards and page follow the confirmation.
    content = client.get(rec_url(diagnostic, 1)).content.decode()
    assert "à confirmer" not in content
    assert "Reprise de 2025, confirmée." in content
    assert Answer.objects.filter(diagnostic=diagnostic, needs_confirmation=True).count() == 3
    assert answers_of(diagnostic)["A1"].value == 2


def test_one_answer_is_kept_with_its_own_button(client, version, collectivite, agent):
    diagnostic = start_from(last_year(collectivite, version, agent), agent)
    client.force_login(agent)
    client.get(rec_url(diagnostic, 2))  # cached with both cards to confirm
    response = client.post(rec_url(diagnostic, 2), _page_post(diagnostic, 2, confirmer="B1"))
    assert response.status_code == 302
    carried = answers_of(diagnostic)
    assert not carried["B1"].needs_confirmation
    assert carried["B2"].needs_confirmation
    content = client.get(rec_url(diagnostic, 2)).content.decode()
    assert content.count("Repris de 2025 — à confirmer") == 1


def test_an_elected_member_sees_the_mark_but_cannot_confirm(
    client, version, collectivite, agent, elu
):
    diagnostic = start_from(last_year(collectivite, version, agent), agent)
    client.force_login(elu)
    content = client.get(rec_url(diagnostic, 2)).content.decode()
    assert "Repris de 2025 — à confirmer" in content
    assert "Confirmer les réponses reprises" not in content
    response = client.post(rec_url(diagnostic, 2), _page_post(diagnostic, 2, confirmer_tout="1"))
    assert response.status_code == 403
    assert Answer.objects.filter(diagnostic=diagnostic, needs_confirmation=True).count() == 7


def test_confirming_on_a_submitted_diagnostic_is_refused_in_french(
    client, version, collectivite, agent
):
    diagnostic = start_from(last_year(collectivite, version, agent), agent)
    Diagnostic.objects.filter(pk=diagnostic.pk).update(status=DiagnosticStatus.SUBMITTED)
    client.force_login(agent)
    response = client.post(
        rec_url(diagnostic, 2), _page_post(diagnostic, 2, confirmer_tout="1"), follow=True
    )
    assert (
        "Ce diagnostic est soumis\u00a0: ses réponses reprises ne peuvent plus être confirmées."
        in response.content.decode()
    )
    assert Answer.objects.filter(diagnostic=diagnostic, needs_confirmation=True).count() == 7


def test_the_submit_page_lists_the_answers_to_confirm_and_refuses(
    client, version, collectivite, agent, referent
):
    diagnostic = start_from(last_year(collectivite, version, agent), agent)
    data = catalogue_data(version.pk)
    confirm_carried_answers(diagnostic=diagnostic, by=agent, questions=data.questions_by_rec[1])
    client.force_login(referent)
    url = reverse("diagnostic_submit", args=[diagnostic.public_id])
    content = client.get(url).content.decode()
    assert 'id="a-confirmer"' in content
    assert f"{rec_url(diagnostic, 2)}#q-B1" in content
    assert "Confirmer la soumission" not in content
    response = client.post(url)
    assert response.status_code == 302
    assert response.url.endswith("#a-confirmer")
    content = client.get(url).content.decode()
    assert "3 réponses reprises du diagnostic précédent restent à confirmer" in content
    diagnostic.refresh_from_db()
    assert not diagnostic.is_submitted


def test_the_overview_lists_the_answers_to_confirm_and_the_questions_not_carried(
    client, version, collectivite, agent
):
    source = last_year(collectivite, version, agent)
    small_catalogue("test-3", change=_other_options)
    diagnostic = start_from(source, agent)
    client.force_login(agent)
    content = client.get(reverse("diagnostic_overview", args=[diagnostic.public_id])).content
    content = content.decode()
    assert "Réponses reprises du diagnostic 2025" in content
    assert "6 réponses reprises restent à confirmer" in content
    assert "1 question a changé dans le catalogue depuis" in content
    page = client.get(rec_url(diagnostic, 1)).content.decode()
    assert "Cette question a changé depuis le diagnostic 2025" in page


def test_the_history_says_the_answer_was_carried_then_confirmed(
    client, version, collectivite, agent
):
    diagnostic = start_from(last_year(collectivite, version, agent), agent)
    confirm_all(diagnostic, agent)
    client.force_login(agent)
    url = reverse("diagnostic_answer_history", args=[diagnostic.public_id, "B1"])
    content = client.get(url).content.decode()
    assert "Reprise du diagnostic précédent" in content
    assert "réponse reprise, confirmée" in content
    assert AnswerChange.objects.filter(answer__diagnostic=diagnostic).count() == 14


def test_the_recommendation_page_queries_do_not_grow_with_carried_answers(
    client, catalogue, collectivite, agent
):
    data = catalogue_data(catalogue.pk)
    client.force_login(agent)
    counts = []
    for year, questions in ((2020, data.questions_by_rec[1][:1]), (2022, data.questions_by_rec[1])):
        source = DiagnosticFactory(collectivite=collectivite, catalogue=catalogue, year=year)
        for question in questions:
            options = data.options_by_question.get(question.pk, [])
            value = 0 if question.kind == "scale" else (options[0].pk if options else "1")
            if question.kind == "boolean":
                value = True
            if question.kind == "multi":
                value = [options[0].pk]
            answer(source, question.code, value, by=agent)
        Diagnostic.objects.filter(pk=source.pk).update(status=DiagnosticStatus.SUBMITTED)
        source.refresh_from_db()
        target = start_from(source, agent, year=year + 1)
        clear_catalogue_cache()
        with CaptureQueriesContext(connection) as context:
            response = client.get(rec_url(target, 1))
        assert response.status_code == 200
        assert "à confirmer" in response.content.decode()
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
    assert len(data.questions_by_rec[1]) > 1


def test_outsiders_cannot_confirm_and_anonymous_visitors_are_sent_to_log_in(
    client, version, collectivite, agent, outsider
):
    diagnostic = start_from(last_year(collectivite, version, agent), agent)
    payload = _page_post(diagnostic, 2, confirmer_tout="1")
    response = client.post(rec_url(diagnostic, 2), payload)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.force_login(outsider)
    assert client.post(rec_url(diagnostic, 2), payload).status_code == 404
    assert Answer.objects.filter(diagnostic=diagnostic, needs_confirmation=True).count() == 7


def test_carried_actions_are_marked_in_the_plan(client, version, collectivite, agent):
    source = last_year(collectivite, version, agent)
    PlanAction.objects.create(
        diagnostic=source, recommendation=version.recommendations.get(number=1), title="Écrire"
    )
    diagnostic = start_from(source, agent)
    client.force_login(agent)
    content = client.get(reverse("diagnostic_plan", args=[diagnostic.public_id])).content.decode()
    assert "Reprise du plan 2025" in content


def test_across_catalogue_versions_actions_serve_the_recommendation_of_the_same_number(
    version, collectivite, agent
):
    source = last_year(collectivite, version, agent)
    rec = version.recommendations.get(number=2)
    action = PlanAction.objects.create(diagnostic=source, recommendation=rec, title="Former")
    PlanActionChange.objects.create(
        action=action, revision=1, old_state=None, new_state={"recommendation_id": rec.pk}
    )
    newer = small_catalogue("test-2", change=_new_version)
    diagnostic = start_from(source, agent)
    carried = PlanAction.objects.get(diagnostic=diagnostic)
    new_rec = newer.recommendations.get(number=2)
    assert carried.recommendation == new_rec
    assert carried.suggested_action is None
    assert carried.changes.get().new_state == {"recommendation_id": new_rec.pk}


def test_a_backup_keeps_the_answers_to_confirm(version, collectivite, agent, tmp_path):
    import io
    import json

    from django.core.management import call_command

    from accounts.models import User
    from diagnostics.backup import export_collectivite

    diagnostic = start_from(last_year(collectivite, version, agent), agent)
    confirm_carried_answers(
        diagnostic=diagnostic, by=agent, questions=catalogue_data(version.pk).questions_by_rec[2]
    )
    # As when the catalogue changed since: the overview lists the questions not carried.
    Diagnostic.objects.filter(pk=diagnostic.pk).update(uncarried_questions=["A5"])
    data = json.loads(json.dumps(export_collectivite(collectivite)))
    collectivite.delete()
    User.objects.filter(email__in=[u["email"] for u in data["users"]]).delete()
    path = tmp_path / "sauvegarde.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("import_collectivite", str(path), stdout=io.StringIO())
    restored_diagnostic = Diagnostic.objects.get(public_id=diagnostic.public_id)
    assert (restored_diagnostic.carried_from_year, restored_diagnostic.uncarried_questions) == (
        2025,
        ["A5"],
    )
    restored = answers_of(restored_diagnostic)
    assert {code for code, a in restored.items() if a.needs_confirmation} == {
        "A1", "A2", "A3", "A4", "C1"
    }  # fmt: skip
    assert {a.carried_from_year for a in restored.values()} == {2025}
    assert list(restored["B1"].changes.order_by("revision").values_list("kind", flat=True)) == [
        AnswerChangeKind.CARRIED,
        AnswerChangeKind.CONFIRMED,
    ]


def _no_more_not_applicable(data):
    data["recommendations"][1]["questions"][1]["allows_not_applicable"] = False


def test_an_answer_non_concerne_is_not_carried_where_the_question_no_longer_allows_it(
    version, collectivite, agent
):
    source = last_year(collectivite, version, agent)
    small_catalogue("test-4", change=_no_more_not_applicable)
    diagnostic = start_from(source, agent)
    assert "B2" not in answers_of(diagnostic)
    diagnostic.refresh_from_db()
    assert diagnostic.uncarried_questions == ["B2"]
