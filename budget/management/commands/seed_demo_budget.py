"""manage.py seed_demo_budget (run by seed_demo): the budget of the demo's main collectivité —
competences and two years of figures: water with room left, mobility over its ceiling (flagged),
sanitation and energy run by syndicats. Saving them answers R8's budget questions of its
diagnostic in progress (budget.feed). Kept as they are when run again."""

from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Collectivite, User
from accounts.siren import siren_with_key
from budget.enums import Holder, Mechanism
from budget.models import Competence
from budget.services import save_competences, save_year
from diagnostics.management.commands.seed_demo import MAIN

REFERENT = "referent@val-darmor.localhost"


class Command(BaseCommand):
    help = "Crée le budget de démonstration de la collectivité principale (après seed_demo)."

    def handle(self, *args, **options):
        collectivite = Collectivite.objects.filter(siren=siren_with_key(MAIN[2])).first()
        if collectivite is None:
            self.stdout.write("Pas de collectivité de démonstration : lancez seed_demo.")
            return
        if Competence.objects.for_collectivite(collectivite).exists():
            return
        with transaction.atomic():
            self._seed(collectivite, User.objects.filter(email=REFERENT).first())
        self.stdout.write(self.style.SUCCESS("Budget de démonstration prêt."))

    def _seed(self, collectivite, by):
        save_competences(
            collectivite=collectivite,
            values={
                Mechanism.WATER: {"holder": Holder.SELF},
                Mechanism.SANITATION: {
                    "holder": Holder.OTHER,
                    "holder_name": "Syndicat d’assainissement de la Rance (démo)",
                },
                Mechanism.ENERGY: {
                    "holder": Holder.OTHER,
                    "holder_name": "Syndicat départemental d’énergie (démo)",
                },
                Mechanism.WASTE: {"holder": Holder.SELF, "in_general_budget": True},
                Mechanism.MOBILITY: {"holder": Holder.SELF},
            },
            by=by,
        )
        for year, water_committed, own_budget in (
            (2025, Decimal("15000"), Decimal("62000")),
            (2026, Decimal("25000"), Decimal("68500")),
        ):
            save_year(
                collectivite=collectivite,
                year=year,
                mechanisms={
                    # 1 % of 6 680 000 € = 66 800 €.
                    Mechanism.WATER: {
                        "resources": Decimal("6680000"),
                        "committed": water_committed,
                    },
                    Mechanism.WASTE: {"resources": Decimal("2450000")},
                    # 1 % of 12 500 000 − 8 000 000 = 45 000 €, 50 000 € committed: over.
                    Mechanism.MOBILITY: {
                        "resources": Decimal("12500000"),
                        "versement_mobilite": Decimal("8000000"),
                        "committed": Decimal("50000") if year == 2026 else None,
                    },
                },
                sources={
                    "own_budget": own_budget,
                    "cofunding_meae": Decimal("20000"),
                    "cofunding_eu": Decimal("35000.50"),
                    "staff_fte": Decimal("2.5"),
                },
                by=by,
            )
