"""The issue's bad input, for the budget by source and the staff (the 1 % figures are covered in
test_pages.py): each refused at its field in French, with everything typed kept."""

import pytest

from budget.models import BudgetYear, MechanismYear
from tests.budget.test_pages import figures, year_url


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("own_budget", "-5", "Le montant doit être positif ou nul."),
        ("cofunding_meae", "vingt mille", "Saisissez un montant en euros, en chiffres"),
        ("cofunding_eu", "1 000 000 000 001", "Ce montant dépasse 1\u00a0000 milliards d’euros"),
        ("staff_fte", "deux", "Saisissez un nombre, par exemple 2,5."),
        ("staff_fte", "-1", "Le nombre doit être positif ou nul."),
    ],
)
def test_a_bad_source_is_refused_at_its_field_and_nothing_typed_is_lost(
    client, holds_water_and_mobility, agent, field, typed, message
):
    collectivite = holds_water_and_mobility
    client.force_login(agent)
    data = figures(eau__resources="4 180 000", sources__cofunding_afd="12 000,50")
    data[f"sources-{field}"] = typed
    response = client.post(year_url(collectivite), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    # The field is marked invalid and the error summary links to it.
    assert f'href="#id_sources-{field}"' in page
    assert f'value="{typed}"' in page
    assert 'value="4 180 000"' in page and 'value="12 000,50"' in page
    assert not MechanismYear.objects.filter(collectivite=collectivite).exists()
    assert not BudgetYear.objects.filter(collectivite=collectivite).exists()
