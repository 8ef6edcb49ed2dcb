import pytest

from budget.enums import Holder, Mechanism
from budget.services import save_competences


@pytest.fixture
def holds_water_and_mobility(collectivite, referent):
    """The collectivité runs water and mobility itself; a syndicat runs sanitation."""
    save_competences(
        collectivite=collectivite,
        values={
            Mechanism.WATER: {"holder": Holder.SELF},
            Mechanism.MOBILITY: {"holder": Holder.SELF},
            Mechanism.SANITATION: {
                "holder": Holder.OTHER,
                "holder_name": "Syndicat d’assainissement du Val",
            },
        },
        by=referent,
    )
    return collectivite
