"""The budget in the collectivité's backup: exported exactly (amounts as decimal strings), and
checked on import as the budget pages check it, all or nothing."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Collectivite, User
from budget.enums import Holder
from budget.models import BudgetChange, BudgetYear, Competence, MechanismYear
from budget.services import save_competences, save_year
from diagnostics.backup import export_collectivite
from diagnostics.enums import AnswerSource
from diagnostics.models import Answer
from diagnostics.services import create_diagnostic

YEAR = timezone.localdate().year


@pytest.fixture
def collectivite_with_budget(catalogue_2026_2, collectivite, referent):
    create_diagnostic(collectivite=collectivite, title="Diagnostic", by=referent, year=YEAR)
    save_competences(
        collectivite=collectivite,
        values={
            "eau": {"holder": Holder.SELF},
            "mobilite": {"holder": Holder.SELF},
            "assainissement": {
                "holder": Holder.OTHER,
                "holder_name": "Syndicat du Val",
                "holder_siren": "",
            },
        },
        by=referent,
    )
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={
            "eau": {"resources": Decimal("4180000.10"), "committed": Decimal("12000.55")},
            "mobilite": {
                "resources": Decimal("12500000"),
                "versement_mobilite": Decimal("8000000"),
                "committed": Decimal("50000"),
            },
        },
        sources={"own_budget": Decimal("80000.01"), "staff_fte": Decimal("1.5")},
        by=referent,
    )
    return collectivite


def exported_and_forgotten(collectivite):
    data = json.loads(json.dumps(export_collectivite(collectivite)))
    collectivite.delete()
    User.objects.filter(email__in=[u["email"] for u in data["users"]]).delete()
    return data


def import_file(data, tmp_path):
    path = tmp_path / "import.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("import_collectivite", str(path), stdout=io.StringIO())


def budget_rows():
    return [
        model.objects.count() for model in (Competence, MechanismYear, BudgetYear, BudgetChange)
    ]


def test_the_budget_comes_back_exactly(collectivite_with_budget, tmp_path):
    before = export_collectivite(collectivite_with_budget)
    data = exported_and_forgotten(collectivite_with_budget)
    water = next(f for f in data["budget"]["mechanism_years"] if f["mechanism"] == "eau")
    assert water["resources"] == "4180000.10"  # a decimal string, never a float
    assert not Competence.objects.exists()

    import_file(data, tmp_path)

    restored = Collectivite.objects.get(siren=data["collectivite"]["siren"])
    after = export_collectivite(restored)
    assert after["budget"] == json.loads(json.dumps(before["budget"]))
    figure = MechanismYear.objects.get(collectivite=restored, mechanism="eau")
    assert figure.committed == Decimal("12000.55")
    assert BudgetYear.objects.get(collectivite=restored).staff_fte == Decimal("1.5")
    assert (
        Competence.objects.get(collectivite=restored, mechanism="assainissement").holder_name
        == "Syndicat du Val"
    )
    # The answers the budget gave stay marked as such.
    derived = Answer.objects.filter(diagnostic__collectivite=restored, source=AnswerSource.BUDGET)
    # (R8.Q7 waits for every competence to be said: electricity and waste are not.)
    assert {a.question.code for a in derived} == {"R8.Q2", "R8.Q6", "R8.Q10"}
    assert BudgetChange.objects.filter(collectivite=restored).count() == 6


def test_a_file_without_budget_imports_as_before(collectivite_with_budget, tmp_path):
    data = exported_and_forgotten(collectivite_with_budget)
    del data["budget"]
    for diagnostic in data["diagnostics"]:
        for answer in diagnostic["answers"]:
            del answer["source"]
    import_file(data, tmp_path)
    assert budget_rows() == [0, 0, 0, 0]
    assert not Answer.objects.filter(source=AnswerSource.BUDGET).exists()


def _water(data):
    return next(f for f in data["budget"]["mechanism_years"] if f["mechanism"] == "eau")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _water(d).update(resources="-1"), "Le montant doit être positif ou nul."),
        (lambda d: _water(d).update(resources="douze"), "n’est pas un montant"),
        (lambda d: _water(d).update(resources=41800.5), "n’est pas un montant"),
        (
            lambda d: _water(d).update(committed="1000000000000.01"),
            "Ce montant dépasse 1 000 milliards d’euros",
        ),
        (lambda d: _water(d).update(year=YEAR + 2), "trop lointaine"),
        (
            lambda d: d["budget"]["mechanism_years"].append(
                {
                    "year": YEAR,
                    "mechanism": "assainissement",
                    "resources": "1000",
                    "committed": None,
                    "versement_mobilite": None,
                }
            ),
            "c’est Syndicat du Val qui peut mobiliser ce 1",
        ),
        (
            lambda d: d["budget"]["mechanism_years"].append(dict(_water(d))),
            "déjà ses chiffres de l’année",
        ),
        (
            lambda d: next(
                f for f in d["budget"]["mechanism_years"] if f["mechanism"] == "mobilite"
            ).update(versement_mobilite="13000000"),
            "Le versement mobilité ne peut pas dépasser les ressources",
        ),
        (lambda d: d["budget"]["competences"][0].update(holder="peut-être"), "holder"),
        (lambda d: d["budget"]["years"][0].update(own_budget="-5"), "own_budget"),
    ],
)
def test_bad_budget_values_are_refused_in_french_and_nothing_is_written(
    collectivite_with_budget, tmp_path, change, message
):
    data = exported_and_forgotten(collectivite_with_budget)
    change(data)
    with pytest.raises(CommandError) as error:
        import_file(data, tmp_path)
    assert message in str(error.value).replace("\u00a0", " ")
    assert "rien n’a été importé" in str(error.value)
    assert budget_rows() == [0, 0, 0, 0]
    assert not Collectivite.objects.filter(siren=data["collectivite"]["siren"]).exists()
