import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Collectivite, Invitation, Membership, User
from diagnostics.catalogue import catalogue_data
from diagnostics.enums import ActionStatus, DiagnosticStatus
from diagnostics.models import Answer, AnswerChange, Diagnostic, PlanAction
from diagnostics.plan import services as plan_service
from diagnostics.questionnaire.answers import (
    make_state,
    save_answer,
)
from diagnostics.services import submit_diagnostic
from recommendations.enums import QuestionKind
from recommendations.models import CatalogueVersion, Option, SuggestedAction
from recommendations.services import load_catalogue
from tests.factories import (
    CollectiviteFactory,
    DiagnosticFactory,
    MembershipFactory,
    UserFactory,
)


def state_for(question, options, *, high=True, comment=""):
    kind = question.kind
    if kind == QuestionKind.SCALE:
        value = len(options) - 1 if high else 1
    elif kind == QuestionKind.BOOLEAN:
        value = high
    elif kind == QuestionKind.CHOICE:
        value = options[-1 if high else 0].pk
    elif kind == QuestionKind.MULTI:
        value = [o.pk for o in options] if high else [options[-1].pk, options[0].pk]
    elif kind == QuestionKind.NUMBER:
        value = Decimal("12.5") if high else Decimal("3")
    else:
        value = "Allemagne, Sénégal, Québec"
    return make_state(value=value, not_applicable=False, comment=comment)


def answer(diagnostic, question, by, state):
    current = Answer.objects.filter(diagnostic=diagnostic, question=question).first()
    save_answer(
        diagnostic=diagnostic,
        question=question,
        by=by,
        state=state,
        base_revision=current.revision if current else 0,
    )


@pytest.fixture
def team(catalogue):
    collectivite = CollectiviteFactory(name="Ville d’Écully-sur-Loire", population=48_500)
    referent = MembershipFactory(
        collectivite=collectivite, role="referent", user__full_name="Claire Martin"
    ).user
    agent = MembershipFactory(collectivite=collectivite, role="agent").user
    elu = MembershipFactory(collectivite=collectivite, role="elu").user
    former = UserFactory(full_name="Ancien agent", is_active=False)
    Invitation.objects.create(
        collectivite=collectivite,
        email="nouvelle@exemple.localhost",
        role="agent",
        invited_by=referent,
    )
    return collectivite, referent, agent, elu, former


@pytest.fixture
def filled(team, catalogue):
    """A submitted diagnostic with history, stored scores and a plan; a draft one beside it."""
    collectivite, referent, agent, _elu, former = team
    data = catalogue_data(catalogue.pk, with_actions=True)
    submitted = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent, title="Diagnostic 2025"
    )
    for index, question in enumerate(data.questions):
        options = data.options_by_question.get(question.pk, [])
        answer(submitted, question, former, state_for(question, options, high=False))
        if index % 3 == 0:
            state = state_for(question, options, comment=f"Revu en réunion n° {index} — « ok »")
            answer(submitted, question, agent, state)
    na = next(q for q in data.questions if q.allows_not_applicable)
    answer(submitted, na, referent, make_state(value=None, not_applicable=True, comment=""))
    submit_diagnostic(diagnostic=submitted, by=referent)

    recommendation = catalogue.recommendations.get(number=3)
    suggested = SuggestedAction.objects.filter(recommendation=recommendation).last()
    proposed = plan_service.add_action(
        diagnostic=submitted,
        by=agent,
        values={
            "title": suggested.title,
            "recommendation": recommendation,
            "suggested_action": suggested,
            "owner": suggested.owner_service,
        },
    )
    plan_service.update_action(
        action=proposed,
        by=referent,
        values={"status": ActionStatus.IN_PROGRESS, "deadline_quarter": "2027-T2"},
        base_revision=1,
    )
    own = plan_service.add_action(
        diagnostic=submitted,
        by=referent,
        values={
            "title": "Jumelage avec Kénitra",
            "recommendation": catalogue.recommendations.get(number=7),
            "budget_amount": Decimal("15000.50"),
        },
    )
    plan_service.update_action(
        action=own,
        by=agent,
        values={"recommendation": recommendation, "budget_line": "6574 — subventions"},
        base_revision=1,
    )

    draft = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=agent, title="Diagnostic 2026"
    )
    for question in data.questions[:5]:
        options = data.options_by_question.get(question.pk, [])
        answer(draft, question, agent, state_for(question, options))
    return submitted


def export(siren, path):
    call_command("export_collectivite", "--siren", siren, "--output", str(path))
    return json.loads(path.read_text(encoding="utf-8"))


def without_date_of_export(data):
    return {key: value for key, value in data.items() if key != "exported_at"}


def forget(collectivite, data):
    """Delete the collectivité and its people, and reload the catalogue under new ids."""
    collectivite.delete()
    User.objects.filter(email__in=[u["email"] for u in data["users"]]).delete()
    CatalogueVersion.objects.all().delete()


def test_a_collectivite_comes_back_identical_after_export_and_import(
    filled, team, catalogue, catalogue_content, tmp_path
):
    collectivite, referent, *_ = team
    first = export(collectivite.siren, tmp_path / "avant.json")
    old_answers = {
        (a.diagnostic.public_id, a.question.code): a
        for a in Answer.objects.select_related("diagnostic", "question", "updated_by")
    }
    old_options = {
        o.pk: (o.question.code, o.label) for o in Option.objects.select_related("question")
    }
    old_created_at = collectivite.created_at
    forget(collectivite, first)
    assert not Diagnostic.objects.exists()
    assert not User.objects.exists()
    new_catalogue, _changed = load_catalogue(catalogue=catalogue_content)
    assert not set(new_catalogue.recommendations.values_list("pk", flat=True)) & set(
        catalogue.recommendations.values_list("pk", flat=True)
    )

    call_command("import_collectivite", str(tmp_path / "avant.json"))
    second = export(collectivite.siren, tmp_path / "apres.json")

    assert without_date_of_export(second) == without_date_of_export(first)
    restored = Collectivite.objects.get(siren=collectivite.siren)
    assert restored.public_id == collectivite.public_id
    assert restored.created_at == old_created_at
    assert restored.name == "Ville d’Écully-sur-Loire"
    diagnostic = Diagnostic.objects.get(public_id=filled.public_id)
    assert diagnostic.status == DiagnosticStatus.SUBMITTED
    assert diagnostic.catalogue == new_catalogue
    assert diagnostic.overall_score == pytest.approx(first["diagnostics"][0]["overall_score"])
    assert diagnostic.recommendation_scores.count() == 10
    for new in Answer.objects.select_related("diagnostic", "question", "updated_by"):
        old = old_answers[(new.diagnostic.public_id, new.question.code)]
        assert (new.revision, new.updated_at, new.comment) == (
            old.revision,
            old.updated_at,
            old.comment,
        )
        assert new.updated_by.email == old.updated_by.email
        if new.question.kind == QuestionKind.CHOICE:
            assert Option.objects.get(pk=new.value).label == old_options[old.value][1]
        elif new.question.kind == QuestionKind.MULTI:
            labels = {Option.objects.get(pk=pk).label for pk in new.value}
            assert labels == {old_options[pk][1] for pk in old.value}
        else:
            assert new.value == old.value
    change = AnswerChange.objects.filter(answer__diagnostic=diagnostic, revision=2).first()
    assert change.changed_by.email == team[2].email
    assert "réunion" in change.new_state["comment"]
    user = User.objects.get(email=referent.email)
    assert user.check_password("mot-de-passe-de-test")
    assert user.full_name == "Claire Martin"
    assert not User.objects.get(full_name="Ancien agent").is_active
    assert not Membership.objects.filter(user__full_name="Ancien agent").exists()
    assert Invitation.objects.get(collectivite=restored).email == "nouvelle@exemple.localhost"
    actions = {a.title: a for a in PlanAction.objects.filter(diagnostic=diagnostic)}
    own = actions["Jumelage avec Kénitra"]
    assert own.budget_amount == Decimal("15000.50")
    assert own.recommendation.number == 3
    assert [c.new_state["recommendation_id"] for c in own.changes.order_by("revision")] == [
        new_catalogue.recommendations.get(number=7).pk,
        new_catalogue.recommendations.get(number=3).pk,
    ]
    proposed = next(a for a in actions.values() if a.suggested_action_id)
    assert proposed.suggested_action.recommendation.catalogue == new_catalogue
    assert proposed.revision == 2
    assert proposed.deadline_quarter == "2027-T2"


def test_the_export_is_utf8_json_keyed_by_codes_not_ids(filled, team, tmp_path):
    collectivite = team[0]
    path = tmp_path / "export.json"
    call_command("export_collectivite", "--siren", collectivite.siren, "--output", str(path))
    text = path.read_bytes().decode("utf-8")
    assert "Ville d’Écully-sur-Loire" in text
    data = json.loads(text)
    diagnostic = data["diagnostics"][0]
    assert diagnostic["catalogue"] == "2026.1"
    assert diagnostic["answers"][0]["question"] == "R1.Q1"
    assert {m["role"] for m in data["memberships"]} == {"referent", "agent", "elu"}
    proposed = next(a for a in diagnostic["plan"] if a["suggested_action"])
    assert set(proposed["suggested_action"]) == {"recommendation", "position", "title"}
    assert all("id" not in row for row in diagnostic["answers"])


def test_the_import_refuses_a_collectivite_whose_siren_exists(filled, team, tmp_path):
    collectivite = team[0]
    path = tmp_path / "export.json"
    export(collectivite.siren, path)
    answers = Answer.objects.count()
    with pytest.raises(CommandError, match=f"SIREN {collectivite.siren} existe déjà"):
        call_command("import_collectivite", str(path))
    assert Answer.objects.count() == answers


def test_the_import_refuses_a_catalogue_version_that_is_not_loaded(filled, team, tmp_path):
    collectivite = team[0]
    data = export(collectivite.siren, tmp_path / "export.json")
    forget(collectivite, data)
    path = tmp_path / "sans-catalogue.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match=r"« 2026\.1 ».*manage\.py loadcatalogue"):
        call_command("import_collectivite", str(path))
    assert not Collectivite.objects.exists()
    assert not User.objects.exists()


def test_an_account_that_already_exists_is_reused_and_left_as_it_is(
    filled, team, catalogue, tmp_path, capsys
):
    collectivite, referent, *_ = team
    MembershipFactory(user=referent, role="agent")
    data = export(collectivite.siren, tmp_path / "export.json")
    collectivite.delete()
    User.objects.filter(email__in=[u["email"] for u in data["users"]]).exclude(
        pk=referent.pk
    ).delete()
    referent.full_name = "Claire Martin-Durand"
    referent.save(update_fields=["full_name"])

    call_command("import_collectivite", str(tmp_path / "export.json"))

    assert "1\u00a0compte existait déjà" in capsys.readouterr().out
    referent.refresh_from_db()
    assert referent.full_name == "Claire Martin-Durand"
    roles = dict(referent.memberships.values_list("collectivite__siren", "role"))
    assert roles[collectivite.siren] == "referent"
    assert len(roles) == 2


def test_an_unknown_siren_is_refused_in_french(db):
    with pytest.raises(CommandError, match="Aucune collectivité n’a le SIREN « 000000000 »"):
        call_command("export_collectivite", "--siren", "000000000")


def test_a_file_that_is_not_an_export_is_refused(db, tmp_path):
    path = tmp_path / "autre.json"
    path.write_text('{"version": "2026.1"}', encoding="utf-8")
    with pytest.raises(CommandError, match="n’est pas un export de collectivité"):
        call_command("import_collectivite", str(path))


def test_without_output_the_export_goes_to_the_standard_output(filled, team):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_collectivite", "--siren", team[0].siren, stdout=out, stderr=err)
    assert json.loads(out.getvalue())["collectivite"]["siren"] == team[0].siren
    assert "exportée" in err.getvalue()
