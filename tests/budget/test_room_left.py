"""The read side of the diagnostic's feed: the 1 % mechanisms with room left, and the sentence
the results page shows (« Jusqu’à 41 800 € mobilisables au titre du 1 % eau potable en 2027 »)."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from budget.enums import Holder
from budget.selectors import room_left, room_left_sentence
from budget.services import save_competences, save_year
from tests.factories import DiagnosticFactory

YEAR = timezone.localdate().year


def enter(collectivite, by, year=YEAR):
    save_competences(
        collectivite=collectivite,
        values={
            "eau": {"holder": Holder.SELF},
            "mobilite": {"holder": Holder.SELF},
            "dechets": {"holder": Holder.SELF},
            "assainissement": {"holder": Holder.OTHER, "holder_name": "Syndicat"},
        },
        by=by,
    )
    save_year(
        collectivite=collectivite,
        year=year,
        mechanisms={
            # 41 800 € allowed, nothing committed: all of it left.
            "eau": {"resources": Decimal("4180000.00")},
            # 45 000 € allowed, 50 000 € committed: over, no room.
            "mobilite": {
                "resources": Decimal("12500000"),
                "versement_mobilite": Decimal("8000000"),
                "committed": Decimal("50000"),
            },
            # 30 000 € allowed, 29 999,50 € committed: 0,50 € left.
            "dechets": {"resources": Decimal("3000000"), "committed": Decimal("29999.50")},
        },
        sources=None,
        by=by,
    )


def test_room_left_lists_the_mechanisms_held_with_room_and_the_amount(collectivite, referent):
    enter(collectivite, referent)
    rooms = room_left(collectivite, YEAR)
    assert [(r.mechanism, r.room_left) for r in rooms] == [
        ("eau", Decimal("41800.00")),
        ("dechets", Decimal("0.50")),
    ]
    assert room_left(collectivite, YEAR - 1) == []


def test_the_sentence_gives_the_amount_the_mechanism_and_the_year(collectivite, referent):
    enter(collectivite, referent)
    water = room_left(collectivite, YEAR)[0]
    assert room_left_sentence(water, 2027) == (
        "Jusqu’à 41\u00a0800\u00a0€ mobilisables au titre du 1\u00a0% eau potable en 2027"
    )


def test_the_results_page_points_to_the_mechanisms_with_room_left(
    client, catalogue, collectivite, referent, outsider
):
    enter(collectivite, referent)
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent, year=YEAR
    )
    client.force_login(referent)
    page = client.get(reverse("diagnostic_results", args=[diagnostic.public_id])).content.decode()
    assert (
        f"Jusqu’à 41\u00a0800\u00a0€ mobilisables au titre du 1\u00a0% eau potable en {YEAR}"
        in page
    )
    assert f"au titre du 1\u00a0% déchets en {YEAR}" in page
    assert "1\u00a0% mobilité en" not in page
    assert reverse("budget_year", args=[collectivite.public_id, YEAR]) in page


def test_without_figures_the_results_page_says_nothing_of_the_budget(
    client, catalogue, collectivite, referent
):
    diagnostic = DiagnosticFactory(
        collectivite=collectivite, catalogue=catalogue, created_by=referent, year=YEAR
    )
    client.force_login(referent)
    page = client.get(reverse("diagnostic_results", args=[diagnostic.public_id])).content.decode()
    assert "mobilisables au titre du" not in page
