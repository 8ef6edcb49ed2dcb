"""« Je ne sais pas », « Non concerné » without a value, exclusive options, and questions not
asked of a collectivité: refused on the server with a French message on the field."""

import json

import pytest
from django.urls import reverse

from diagnostics.backup import ImportRefused, export_collectivite, import_collectivite
from diagnostics.carry import carry_over
from diagnostics.catalogue import catalogue_data
from diagnostics.models import Answer, AnswerChange
from diagnostics.questionnaire.answers import InvalidAnswerState, make_state, save_answer
from diagnostics.selectors import answers_by_question, missing_required
from tests.catalogues import load_rules_catalogue
from tests.diagnostics.helpers import save_url
from tests.factories import CollectiviteFactory, DiagnosticFactory, MembershipFactory

NBSP = "\u00a0"


@pytest.fixture
def rules(db):
    return load_rules_catalogue()


@pytest.fixture
def data(rules):
    return catalogue_data(rules.pk)


@pytest.fixture
def diagnostic(rules, collectivite):
    return DiagnosticFactory(collectivite=collectivite, catalogue=rules)


@pytest.fixture
def signed_in(client, agent):
    client.force_login(agent)
    return client


def q(data, code):
    return data.question_by_code(code)


def option_ids(data, code):
    return [o.pk for o in data.options_by_question[q(data, code).pk]]


def page(diagnostic, number):
    return reverse("diagnostic_recommendation", args=[diagnostic.public_id, number])


def test_dont_know_is_saved_and_counts_as_answered(signed_in, diagnostic, data):
    response = signed_in.post(save_url(diagnostic, q(data, "R1.Q1")), {"R1.Q1-dont_know": "on"})
    assert response.status_code == 200, response.content
    assert response.json()["answered"] is True
    answer = Answer.objects.get(diagnostic=diagnostic, question=q(data, "R1.Q1"))
    assert answer.dont_know and answer.value is None and answer.is_given
    change = AnswerChange.objects.get(answer=answer)
    assert change.new_state == {
        "value": None,
        "not_applicable": False,
        "dont_know": True,
        "comment": "",
    }
    history = signed_in.get(
        reverse("diagnostic_answer_history", args=[diagnostic.public_id, "R1.Q1"])
    )
    assert "Je ne sais pas" in history.content.decode()


def test_dont_know_with_a_value_is_refused_on_its_field(signed_in, diagnostic, data):
    url = save_url(diagnostic, q(data, "R1.Q1"))
    response = signed_in.post(url, {"R1.Q1-value": "oui", "R1.Q1-dont_know": "on"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "dont_know": [
            "“Je ne sais pas” ne peut pas être coché avec une réponse ni avec "
            f"“Non concerné”{NBSP}: gardez l’un ou l’autre."
        ]
    }
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()


def test_without_javascript_a_refused_combination_keeps_what_was_typed(signed_in, diagnostic, data):
    response = signed_in.post(
        page(diagnostic, 1),
        {"R1.Q1-value": "oui", "R1.Q1-dont_know": "on", "R1.Q1-revision": "0"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“Je ne sais pas” ne peut pas être coché avec une réponse" in html
    dont_know = html[html.index('name="R1.Q1-dont_know"') :]
    assert "checked" in dont_know[: dont_know.index(">")]
    oui = html[html.index('value="oui"') :]
    assert "checked" in oui[: oui.index(">")]
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()


def test_not_applicable_with_a_value_is_refused_on_the_server(db):
    from tests.diagnostics.helpers import small_catalogue

    version = small_catalogue()
    data = catalogue_data(version.pk)
    question = next(x for x in data.questions if x.allows_not_applicable)
    diagnostic = DiagnosticFactory(catalogue=version)
    user = MembershipFactory(collectivite=diagnostic.collectivite, role="agent").user
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.post(
        save_url(diagnostic, question),
        {f"{question.code}-value": "2", f"{question.code}-not_applicable": "on"},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "not_applicable": [
            f"“Non concerné” ne peut pas être coché avec une réponse{NBSP}: gardez l’un ou l’autre."
        ]
    }
    with pytest.raises(InvalidAnswerState):
        make_state(value=2, not_applicable=True, comment="")
    with pytest.raises(InvalidAnswerState):
        save_answer(
            diagnostic=diagnostic,
            question=question,
            by=user,
            state={"value": 2, "not_applicable": True, "comment": ""},
            base_revision=0,
        )


def test_an_exclusive_option_with_another_is_refused_on_the_field(signed_in, diagnostic, data):
    funds, _meae, none = option_ids(data, "R1.Q3")
    url = save_url(diagnostic, q(data, "R1.Q3"))
    response = signed_in.post(url, {"R1.Q3-value": [str(funds), str(none)]})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "value": ["“Aucun financement identifié” ne peut pas être coché avec une autre option."]
    }
    assert signed_in.post(url, {"R1.Q3-value": [str(none)]}).status_code == 200


def test_the_exclusive_option_is_marked_for_the_script(signed_in, diagnostic, data):
    html = signed_in.get(page(diagnostic, 1)).content.decode()
    none = option_ids(data, "R1.Q3")[2]
    assert f'value="{none}"' in html
    assert html.count('data-exclusive="true"') == 1


def test_a_question_for_other_kinds_shows_its_reason_and_no_input(signed_in, diagnostic):
    html = signed_in.get(page(diagnostic, 1)).content.decode()
    assert "Cette question concerne les départements et les régions." in html
    card = html[html.index('id="q-R1.Q4"') :]
    card = card[: card.index('class="question-card"', 10)]
    assert "data-answer-fields hidden disabled" in card


def test_the_same_question_is_asked_of_a_region(client, data, rules):
    region = CollectiviteFactory(kind="region")
    diagnostic = DiagnosticFactory(collectivite=region, catalogue=rules)
    client.force_login(MembershipFactory(collectivite=region, role="agent").user)
    html = client.get(page(diagnostic, 1)).content.decode()
    assert "Cette question concerne" not in html


def test_saving_an_answer_to_a_question_not_asked_is_refused(signed_in, diagnostic, data):
    response = signed_in.post(save_url(diagnostic, q(data, "R1.Q4")), {"R1.Q4-value": "2"})
    assert response.status_code == 400
    assert response.json()["errors"]["value"] == [
        f"Cette question n’est pas posée à votre collectivité{NBSP}: cette question concerne "
        "les départements et les régions."
    ]
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()


def test_autosave_returns_the_questions_a_changed_answer_hides_and_shows(
    signed_in, diagnostic, data
):
    url = save_url(diagnostic, q(data, "R1.Q1"))
    no = signed_in.post(url, {"R1.Q1-value": "non", "R1.Q1-revision": "0"}).json()
    assert no["not_asked"] == {
        "R1.Q2": "Cette question est posée lorsque la réponse à R1.Q1 est “Oui”.",
        "R1.Q4": "Cette question concerne les départements et les régions.",
    }
    yes = signed_in.post(url, {"R1.Q1-value": "oui", "R1.Q1-revision": "1"}).json()
    assert set(yes["not_asked"]) == {"R1.Q4"}


def test_an_answer_hidden_by_a_condition_is_kept_and_its_page_says_why(signed_in, diagnostic, data):
    q1, q2 = q(data, "R1.Q1"), q(data, "R1.Q2")
    assert signed_in.post(save_url(diagnostic, q1), {"R1.Q1-value": "oui"}).status_code == 200
    assert signed_in.post(save_url(diagnostic, q2), {"R1.Q2-value": "3"}).status_code == 200
    # Without JavaScript: the page posts R1.Q1 changed; R1.Q2's fields, posted as shown, are not
    # saved (it is no longer asked), and its answer stays. What was typed there is not dropped
    # silently: the page says so.
    response = signed_in.post(
        page(diagnostic, 1),
        {"R1.Q1-value": "non", "R1.Q1-revision": "1", "R1.Q2-value": "0", "R1.Q2-revision": "1"},
        follow=True,
    )
    assert response.redirect_chain[0][1] == 302
    assert Answer.objects.get(diagnostic=diagnostic, question=q2).value == 3
    said = (
        f"Votre réponse à la question R1.Q2 n’est pas enregistrée{NBSP}: cette question n’est "
        "plus posée. Cette question est posée lorsque la réponse à R1.Q1 est “Oui”."
    )
    assert said in response.content.decode()
    # Left as the page showed it, nothing is said.
    back = signed_in.post(save_url(diagnostic, q1), {"R1.Q1-value": "oui", "R1.Q1-revision": "2"})
    assert back.status_code == 200
    response = signed_in.post(
        page(diagnostic, 1),
        {"R1.Q1-value": "non", "R1.Q1-revision": "3", "R1.Q2-value": "3", "R1.Q2-revision": "1"},
        follow=True,
    )
    assert Answer.objects.get(diagnostic=diagnostic, question=q1).value is False
    assert "n’est pas enregistrée" not in response.content.decode()
    html = signed_in.get(page(diagnostic, 1)).content.decode()
    assert "Cette question est posée lorsque la réponse à R1.Q1 est “Oui”." in html
    # Page 2's question depends on R1.Q2, which is no longer asked: asked again (never on a guess).
    html2 = signed_in.get(page(diagnostic, 2)).content.decode()
    assert "Question non posée" in html2 and "data-not-asked hidden" in html2


def test_a_condition_on_a_scale_names_the_levels(signed_in, diagnostic, data):
    assert signed_in.post(save_url(diagnostic, q(data, "R1.Q2")), {"R1.Q2-value": "1"})
    html = signed_in.get(page(diagnostic, 2)).content.decode()
    assert "Cette question est posée lorsque la réponse à R1.Q2 est “Organisé” ou “Piloté”." in html


def test_questions_not_asked_are_not_missing(diagnostic, data, agent):
    answers = answers_by_question(diagnostic)
    missing = {x.code for x in missing_required(data, answers, collectivite_kind="commune")}
    assert missing == {"R1.Q1", "R1.Q2", "R1.Q3", "R2.Q1"}
    save_answer(
        diagnostic=diagnostic,
        question=q(data, "R1.Q1"),
        by=agent,
        state=make_state(value=False, not_applicable=False, comment=""),
        base_revision=0,
    )
    answers = answers_by_question(diagnostic)
    missing = {x.code for x in missing_required(data, answers, collectivite_kind="commune")}
    assert missing == {"R1.Q3", "R2.Q1"}


def test_dont_know_goes_through_the_backup_and_the_carry_over(diagnostic, data, agent):
    save_answer(
        diagnostic=diagnostic,
        question=q(data, "R1.Q1"),
        by=agent,
        state=make_state(value=None, not_applicable=False, dont_know=True, comment="à voir"),
        base_revision=0,
    )
    exported = export_collectivite(diagnostic.collectivite)
    [entry] = exported["diagnostics"][0]["answers"]
    assert entry["dont_know"] is True
    assert entry["changes"][0]["new_state"]["dont_know"] is True

    next_year = DiagnosticFactory(
        collectivite=diagnostic.collectivite, catalogue=diagnostic.catalogue, year=2027
    )
    carry_over(source=diagnostic, target=next_year, by=agent)
    carried = Answer.objects.get(diagnostic=next_year)
    assert carried.dont_know and carried.needs_confirmation and carried.value is None
    assert AnswerChange.objects.get(answer=carried).new_state["dont_know"] is True


def test_a_backup_answer_with_a_value_and_dont_know_is_refused_with_its_place(
    diagnostic, data, agent
):
    save_answer(
        diagnostic=diagnostic,
        question=q(data, "R1.Q1"),
        by=agent,
        state=make_state(value=True, not_applicable=False, comment=""),
        base_revision=0,
    )
    exported = json.loads(json.dumps(export_collectivite(diagnostic.collectivite)))
    exported["diagnostics"][0]["answers"][0]["dont_know"] = True
    diagnostic.collectivite.delete()
    with pytest.raises(ImportRefused) as error:
        import_collectivite(exported, attach_existing_accounts=True)
    [problem] = error.value.problems
    assert "R1.Q1 › dont_know" in problem and "une seule est permise" in problem
    assert not Answer.objects.exists()


def test_the_dashboard_progress_leaves_out_questions_not_asked(diagnostic, data, agent):
    from diagnostics.dashboard import diagnostic_states, with_last_activity
    from diagnostics.models import Diagnostic

    for code, value in (("R1.Q1", True), ("R1.Q2", 3)):
        save_answer(
            diagnostic=diagnostic,
            question=q(data, code),
            by=agent,
            state=make_state(value=value, not_applicable=False, comment=""),
            base_revision=0,
        )
    # « Non » to R1.Q1: R1.Q2 is no longer asked; its answer is kept but not counted.
    save_answer(
        diagnostic=diagnostic,
        question=q(data, "R1.Q1"),
        by=agent,
        state=make_state(value=False, not_applicable=False, comment=""),
        base_revision=1,
    )
    loaded = list(with_last_activity(Diagnostic.objects.filter(pk=diagnostic.pk)))
    state = diagnostic_states(loaded, detailed={diagnostic.pk})[diagnostic.pk]
    first = state.progress[0]
    # R1.Q4 (départements et régions) and R1.Q2 are not asked of this commune.
    assert (first.answered, first.asked) == (1, 3)
    assert (state.progress[1].answered, state.progress[1].asked) == (0, 1)
    assert Answer.objects.get(diagnostic=diagnostic, question=q(data, "R1.Q2")).value == 3


def test_the_conflict_box_shows_the_other_persons_dont_know(client, diagnostic, data, agent):
    save_answer(
        diagnostic=diagnostic,
        question=q(data, "R1.Q1"),
        by=agent,
        state=make_state(value=None, not_applicable=False, dont_know=True, comment=""),
        base_revision=0,
    )
    other = MembershipFactory(collectivite=diagnostic.collectivite, role="agent").user
    client.force_login(other)
    response = client.post(
        save_url(diagnostic, q(data, "R1.Q1")), {"R1.Q1-value": "oui", "R1.Q1-revision": "0"}
    )
    assert response.status_code == 409
    assert response.json()["value"] == "Je ne sais pas"


def _save_statements(client, url, payload):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.post(url, payload)
    assert response.status_code == 200, response.content
    assert response.json()["changed"]
    return [query["sql"] for query in context.captured_queries]


def test_with_rules_an_answer_save_reads_the_answers_once_however_many_there_are(
    signed_in, diagnostic, data
):
    """The rules need the page's answers: they are read once, locked, and the saved answer is
    taken from them (no second read of it), whatever the number of answers already given."""
    from django.db import connection

    url = save_url(diagnostic, q(data, "R1.Q1"))
    first = _save_statements(signed_in, url, {"R1.Q1-value": "oui", "R1.Q1-revision": "0"})
    assert [s.split()[0].upper() for s in first].count("INSERT") == 2  # the answer, its history
    second = _save_statements(signed_in, url, {"R1.Q1-value": "non", "R1.Q1-revision": "1"})
    expected = ["SELECT", "SAVEPOINT", "SELECT", "SELECT", "UPDATE", "INSERT", "RELEASE"]
    assert [s.split()[0].upper() for s in second] == expected
    answers_read = [s for s in second if '"diagnostics_answer"' in s and s.startswith("SELECT")]
    assert len(answers_read) == 1
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in answers_read[0]
    # R1.Q2 is not asked once R1.Q1 is « Non »: answer the page's others.
    multi = {"R1.Q3-value": [str(option_ids(data, "R1.Q3")[0])]}
    for payload in (multi, {"R1.Q5-value": "Un texte"}):
        code = next(iter(payload)).split("-")[0]
        response = signed_in.post(save_url(diagnostic, q(data, code)), payload)
        assert response.status_code == 200, response.content
        assert response.json()["changed"]
    assert Answer.objects.filter(diagnostic=diagnostic).count() == 3
    third = _save_statements(signed_in, url, {"R1.Q1-value": "oui", "R1.Q1-revision": "2"})
    assert [s.split()[0].upper() for s in third] == expected
    answer = Answer.objects.get(diagnostic=diagnostic, question=q(data, "R1.Q1"))
    assert answer.value is True and answer.revision == 3
    revisions = AnswerChange.objects.filter(answer=answer).values_list("revision", flat=True)
    assert sorted(revisions) == [1, 2, 3]


def test_with_rules_an_empty_save_of_a_question_never_answered_stores_nothing(
    signed_in, diagnostic, data
):
    response = signed_in.post(save_url(diagnostic, q(data, "R1.Q1")), {"R1.Q1-revision": "0"})
    assert response.status_code == 200, response.content
    assert response.json()["changed"] is False and response.json()["revision"] == 0
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()


def test_with_rules_a_conflicting_save_still_answers_409_and_keeps_the_other_answer(
    client, diagnostic, data, agent
):
    url = save_url(diagnostic, q(data, "R1.Q1"))
    client.force_login(agent)
    assert client.post(url, {"R1.Q1-value": "oui", "R1.Q1-revision": "0"}).status_code == 200
    other = MembershipFactory(collectivite=diagnostic.collectivite, role="agent").user
    client.force_login(other)
    response = client.post(url, {"R1.Q1-value": "non", "R1.Q1-revision": "0"})
    assert response.status_code == 409
    assert response.json()["revision"] == 1 and response.json()["value"] == "Oui"
    assert Answer.objects.get(diagnostic=diagnostic, question=q(data, "R1.Q1")).value is True


def test_locked_answers_need_the_diagnostic_locked_by_the_caller(diagnostic, data, agent):
    with pytest.raises(ValueError):
        save_answer(
            diagnostic=diagnostic,
            question=q(data, "R1.Q1"),
            by=agent,
            state=make_state(value="oui", not_applicable=False, dont_know=False, comment=""),
            base_revision=0,
            locked_answers={},
        )
    assert not Answer.objects.filter(diagnostic=diagnostic).exists()


def test_saving_another_question_still_returns_what_the_conditions_hide(
    signed_in, diagnostic, data
):
    """The save reads only the answers the page's rules depend on, and the saved one: the
    questions a condition hides are still all returned."""
    url = save_url(diagnostic, q(data, "R1.Q1"))
    assert signed_in.post(url, {"R1.Q1-value": "non", "R1.Q1-revision": "0"}).status_code == 200
    response = signed_in.post(save_url(diagnostic, q(data, "R1.Q5")), {"R1.Q5-value": "Texte"})
    assert response.status_code == 200, response.content
    assert set(response.json()["not_asked"]) == {"R1.Q2", "R1.Q4"}
    refused = signed_in.post(save_url(diagnostic, q(data, "R1.Q2")), {"R1.Q2-value": "1"})
    assert refused.status_code == 400
    assert refused.json()["errors"]["value"] == [
        f"Cette question n’est pas posée à votre collectivité{NBSP}: cette question est posée "
        "lorsque la réponse à R1.Q1 est “Oui”."
    ]
