"""The demo data include the main collectivité's budget, whose figures answer R8's budget
questions of its diagnostic in progress; running the command again keeps them as they are."""

import io
from decimal import Decimal

from django.core.management import call_command

from accounts.models import Collectivite
from budget.models import BudgetChange, MechanismYear
from budget.selectors import room_left
from diagnostics.enums import AnswerSource
from diagnostics.models import Answer, Diagnostic


def test_the_demo_has_a_budget_that_feeds_the_diagnostic(catalogue_2026_2):
    call_command("seed_demo", stdout=io.StringIO())
    main = Collectivite.objects.get(name="Ville de Val-d’Armor (démo)")
    water = MechanismYear.objects.get(collectivite=main, year=2026, mechanism="eau")
    assert water.committed == Decimal("25000")
    assert [(r.mechanism, r.room_left) for r in room_left(main, 2026)] == [
        ("eau", Decimal("41800.00")),
        ("dechets", Decimal("24500.00")),
    ]
    in_progress = Diagnostic.objects.get(collectivite=main, year=2026)
    derived = Answer.objects.filter(diagnostic=in_progress, source=AnswerSource.BUDGET)
    assert {a.question.code for a in derived} == {
        "R8.Q2",
        "R8.Q6",
        "R8.Q7",
        "R8.Q8",
        "R8.Q10",
    }
    submitted = Diagnostic.objects.get(collectivite=main, year=2025)
    assert not Answer.objects.filter(diagnostic=submitted, source=AnswerSource.BUDGET).exists()

    changes = BudgetChange.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert BudgetChange.objects.count() == changes
