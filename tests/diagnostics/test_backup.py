import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Collectivite, Invitation, Membership, User
from diagnostics.backup import export_collectivite
from diagnostics.catalogue import catalogue_data
from diagnostics.enums import ActionStatus, DiagnosticStatus
from diagnostics.models import (
    Answer,
    AnswerChange,
    Diagnostic,
    PlanAction,
    PlanActionChange,
    RecommendationScore,
)
from diagnostics.plan import services as plan_service
from diagnostics.questionnaire.answers import (
    make_state,
    save_answer,
)
from diagnostics.services import submit_diagnostic
from recommendations.enums import QuestionKind
from recommendations.models import CatalogueVersion, Option, Question, SuggestedAction
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
    plan_service.update_action(
        action=own,
        by=referent,
        values={
            "status": ActionStatus.DONE,
            "completed_on": datetime.date(2025, 11, 4),
            "amount_spent": Decimal("12400.00"),
        },
        base_revision=2,
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
    assert own.completed_on == datetime.date(2025, 11, 4)
    assert own.amount_spent == Decimal("12400.00")
    assert [c.new_state["recommendation_id"] for c in own.changes.order_by("revision")] == [
        new_catalogue.recommendations.get(number=7).pk,
        new_catalogue.recommendations.get(number=3).pk,
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

    call_command("import_collectivite", str(tmp_path / "export.json"), "--attach-existing-accounts")

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


# The import checks every value before it writes anything --------------------------------------


@pytest.fixture
def exported(filled, team):
    """The export of a filled collectivité that is then deleted with its people."""
    collectivite = team[0]
    data = export_collectivite(collectivite)
    data = json.loads(json.dumps(data))
    collectivite.delete()
    User.objects.filter(email__in=[u["email"] for u in data["users"]]).delete()
    return data


def import_file(data, tmp_path, *options):
    path = tmp_path / "import.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("import_collectivite", str(path), *options, stdout=io.StringIO())


def row_counts():
    models = [
        User,
        Collectivite,
        Membership,
        Invitation,
        Diagnostic,
        RecommendationScore,
        Answer,
        AnswerChange,
        PlanAction,
        PlanActionChange,
    ]
    return {model.__name__: model.objects.count() for model in models}


def refused(data, tmp_path, *options) -> str:
    before = row_counts()
    with pytest.raises(CommandError) as error:
        import_file(data, tmp_path, *options)
    assert row_counts() == before
    return str(error.value)


def answer_of_kind(data, kind, *, diagnostic=0):
    codes = set(
        Question.objects.filter(kind=kind, recommendation__catalogue__code="2026.1").values_list(
            "code", flat=True
        )
    )
    return next(a for a in data["diagnostics"][diagnostic]["answers"] if a["question"] in codes)


def set_answer(kind, value):
    def change(data):
        row = answer_of_kind(data, kind)
        row["value"] = value
        return row["question"]

    return change


def set_in(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            set_answer(QuestionKind.NUMBER, "pas un nombre"),
            "diagnostic 1 › {code}\u00a0: «\u00a0pas un nombre\u00a0» n’est pas un nombre",
            id="number-answer-not-a-number",
        ),
        pytest.param(
            set_answer(QuestionKind.NUMBER, "-3"),
            "diagnostic 1 › {code}\u00a0: «\u00a0-3\u00a0»",
            id="number-answer-negative",
        ),
        pytest.param(
            set_answer(QuestionKind.CHOICE, 99),
            "diagnostic 1 › {code}\u00a0: «\u00a099\u00a0» ",
            id="unknown-choice",
        ),
        pytest.param(
            set_answer(QuestionKind.MULTI, [0, 42]),
            "diagnostic 1 › {code}\u00a0: «\u00a042\u00a0» ",
            id="unknown-multi-choice",
        ),
        pytest.param(
            set_answer(QuestionKind.MULTI, [1, 1]),
            "diagnostic 1 › {code}\u00a0: «\u00a0[1, 1]\u00a0» cite deux fois la même option.",
            id="repeated-multi-choice",
        ),
        pytest.param(
            set_answer(QuestionKind.SCALE, 17),
            "diagnostic 1 › {code}\u00a0: «\u00a017\u00a0» ",
            id="scale-level-out-of-range",
        ),
        pytest.param(
            set_answer(QuestionKind.BOOLEAN, "oui"),
            "diagnostic 1 › {code}\u00a0: «\u00a0oui\u00a0» ",
            id="boolean-not-a-boolean",
        ),
        pytest.param(
            set_answer(QuestionKind.TEXT, "x" * 5000),
            "diagnostic 1 › {code}\u00a0: 2\u00a0000 caractères au plus",
            id="text-answer-too-long",
        ),
        pytest.param(
            set_in(["collectivite", "kind"], "empire"), "collectivité › kind\u00a0:", id="kind"
        ),
        pytest.param(
            set_in(["collectivite", "siren"], "../../../x"),
            "collectivité › siren\u00a0:",
            id="siren",
        ),
        pytest.param(
            set_in(["collectivite", "name"], "É" * 5000), "collectivité › name\u00a0:", id="name"
        ),
        pytest.param(
            set_in(["collectivite", "name"], "Ville\x00 de Nulle part"),
            "collectivité › name\u00a0: ",
            id="nul-character",
        ),
        pytest.param(
            set_in(["memberships", 0, "role"], "dieu"), "membre 1 › role\u00a0:", id="role"
        ),
        pytest.param(
            set_in(["invitations", 0, "role"], "dieu"), "invitation 1 › role\u00a0:", id="inv-role"
        ),
        pytest.param(
            set_in(["diagnostics", 0, "status"], "pirate"),
            "diagnostic 1 › status\u00a0:",
            id="status",
        ),
        pytest.param(
            set_in(["diagnostics", 0, "created_at"], "hier"),
            "diagnostic 1 › created_at\u00a0:",
            id="date",
        ),
        pytest.param(
            set_in(["diagnostics", 0, "overall_score"], 250),
            "diagnostic 1 › overall_score\u00a0:",
            id="score-above-100",
        ),
        pytest.param(
            set_in(["diagnostics", 0, "plan", 0, "status"], "pirate"),
            "diagnostic 1 › action 1 › status\u00a0:",
            id="plan-status",
        ),
        pytest.param(
            set_in(["diagnostics", 0, "plan", 0, "deadline_quarter"], "2027T2"),
            "diagnostic 1 › action 1 › deadline_quarter\u00a0:",
            id="plan-quarter",
        ),
        pytest.param(
            set_in(["diagnostics", 0, "plan", 0, "completed_on"], "hier"),
            "diagnostic 1 › action 1 › completed_on : « hier » n’est pas une date de réalisation",
            id="plan-completed-on",
        ),
        pytest.param(
            set_in(["diagnostics", 0, "plan", 0, "amount_spent"], "-5"),
            "diagnostic 1 › action 1 › amount_spent :",
            id="plan-amount-spent",
        ),
        pytest.param(
            set_in(["users", 0, "email"], "pas une adresse"),
            "compte 1 › email\u00a0:",
            id="email",
        ),
        pytest.param(
            set_in(["diagnostics", 0, "answers", 0, "question"], "R99.Q1"),
            "diagnostic 1 › réponse 1 › question\u00a0: La question «\u00a0R99.Q1\u00a0»",
            id="unknown-question",
        ),
        pytest.param(
            set_in(["diagnostics", 1, "public_id"], "not-a-uuid"),
            "diagnostic 2 › public_id\u00a0:",
            id="public-id",
        ),
        pytest.param(
            set_in(["diagnostics", 0, "plan", 0, "changes", 0, "new_state", "couleur"], "rouge"),
            "diagnostic 1 › action 1 › historique 1 › new_state › couleur\u00a0:",
            id="plan-history-unknown-field",
        ),
        pytest.param(
            set_in(["users", 0, "password"], None), "compte 1 › password\u00a0:", id="password"
        ),
    ],
)
def test_the_import_refuses_a_value_the_forms_would_refuse_and_writes_nothing(
    exported, tmp_path, change, expected
):
    code = change(exported)

    message = refused(exported, tmp_path)

    assert expected.format(code=code) in message
    assert "rien n’a été importé" in message


def test_a_backup_made_before_completion_dates_and_amounts_spent_still_imports(exported, tmp_path):
    for diagnostic in exported["diagnostics"]:
        for action in diagnostic["plan"]:
            action.pop("completed_on")
            action.pop("amount_spent")
            for change in action["changes"]:
                for state in (change["old_state"], change["new_state"]):
                    if state:
                        state.pop("completed_on", None)
                        state.pop("amount_spent", None)

    import_file(exported, tmp_path)

    actions = PlanAction.objects.all()
    assert actions.count() == sum(len(d["plan"]) for d in exported["diagnostics"])
    assert not actions.filter(completed_on__isnull=False).exists()
    assert not actions.filter(amount_spent__isnull=False).exists()


def test_a_history_state_is_checked_like_the_answer(exported, tmp_path):
    row = answer_of_kind(exported, QuestionKind.NUMBER)
    row["changes"][0]["new_state"]["value"] = "douze"

    message = refused(exported, tmp_path)

    where = f"diagnostic 1 › {row['question']} › historique 1 › new_state"
    assert f"{where}\u00a0: «\u00a0douze\u00a0» n’est pas un nombre." in message


def test_the_refusal_lists_every_problem_up_to_fifty(exported, tmp_path):
    answers = [a for d in exported["diagnostics"] for a in d["answers"]]
    for row in answers:
        row["revision"] = "trois"
    exported["collectivite"]["kind"] = "empire"

    message = refused(exported, tmp_path)

    total = len(answers) + 1
    assert total > 50
    assert f"{total}\u00a0problèmes" in message
    assert message.count("\n- ") == 50
    assert f"… et {total - 50}\u00a0autres problèmes" in message


def test_an_existing_account_is_not_attached_without_the_option(exported, tmp_path):
    claire = UserFactory(email="claire@exemple.localhost", full_name="Claire Déjà-là")
    entry = next(u for u in exported["users"] if u["full_name"] == "Claire Martin")
    old_email = entry["email"]
    entry["email"] = "  Claire@Exemple.LOCALHOST "
    for row in [*exported["memberships"], *exported["invitations"]]:
        for name in ("user", "invited_by"):
            if row.get(name) == old_email:
                row[name] = "claire@exemple.localhost"
    for diagnostic in exported["diagnostics"]:
        for name in ("created_by", "submitted_by", "reopened_by"):
            if diagnostic[name] == old_email:
                diagnostic[name] = "CLAIRE@exemple.localhost"
        for row in [*diagnostic["answers"], *diagnostic["plan"]]:
            for name in ("created_by", "updated_by"):
                if row.get(name) == old_email:
                    row[name] = "claire@exemple.localhost"
            for change in row["changes"]:
                if change["changed_by"] == old_email:
                    change["changed_by"] = "claire@exemple.localhost"

    message = refused(exported, tmp_path)

    assert "claire@exemple.localhost" in message
    assert "--attach-existing-accounts" in message
    assert not claire.memberships.exists()

    import_file(exported, tmp_path, "--attach-existing-accounts")

    claire.refresh_from_db()
    assert claire.full_name == "Claire Déjà-là"
    assert claire.check_password("mot-de-passe-de-test")
    assert claire.email == "claire@exemple.localhost"
    assert list(claire.memberships.values_list("role", flat=True)) == ["referent"]
    assert User.objects.filter(email__iexact="claire@exemple.localhost").count() == 1
    diagnostic = Diagnostic.objects.get(public_id=exported["diagnostics"][0]["public_id"])
    assert diagnostic.created_by == claire


def test_a_missing_value_a_repeated_row_and_a_not_applicable_answer_are_refused(exported, tmp_path):
    diagnostic = exported["diagnostics"][0]
    del diagnostic["title"]
    diagnostic["answers"].append(dict(diagnostic["answers"][0]))
    exported["diagnostics"][1]["public_id"] = diagnostic["public_id"]
    codes = set(
        Question.objects.filter(
            allows_not_applicable=False, recommendation__catalogue__code="2026.1"
        ).values_list("code", flat=True)
    )
    row = next(a for a in diagnostic["answers"] if a["question"] in codes)
    row.update(value=None, not_applicable=True)

    message = refused(exported, tmp_path)

    first = diagnostic["answers"][0]["question"]
    assert "diagnostic 1 › title\u00a0: Cette valeur manque." in message
    assert f"diagnostic 1 › {first}\u00a0: Cette question a déjà une réponse plus haut." in message
    assert (
        "diagnostic 2 › public_id\u00a0: Cet identifiant est déjà celui de diagnostic 1." in message
    )
    assert f"diagnostic 1 › {row['question']} › not_applicable\u00a0:" in message


def test_an_existing_account_that_only_wrote_history_is_reused_without_the_option(
    exported, tmp_path
):
    former = next(u for u in exported["users"] if u["full_name"] == "Ancien agent")
    assert former["email"] not in [m["user"] for m in exported["memberships"]]
    existing = UserFactory(email=former["email"].upper(), full_name="Toujours là")

    import_file(exported, tmp_path)

    existing.refresh_from_db()
    assert existing.full_name == "Toujours là"
    assert not existing.memberships.exists()
    assert Answer.objects.filter(updated_by=existing).exists()
