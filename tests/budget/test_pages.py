"""The budget's pages: figures typed the French way, bad input refused at the field with nothing
lost, over-ceiling flagged, roles and tenancy through the URLs, the CSV export."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budget.enums import Holder, Mechanism
from budget.models import BudgetChange, BudgetYear, Competence, MechanismYear
from budget.services import save_competences, save_year
from tests.factories import MembershipFactory

YEAR = timezone.localdate().year


def year_url(collectivite, year=YEAR):
    return reverse("budget_year", args=[collectivite.public_id, year])


def figures(**overrides):
    """A year's form, everything empty unless given (« eau-resources »: field of a prefix)."""
    data = {}
    for mechanism in Mechanism.values:
        data[f"{mechanism}-resources"] = ""
        data[f"{mechanism}-committed"] = ""
    data["mobilite-versement_mobilite"] = ""
    for name in (
        "own_budget",
        "cofunding_meae",
        "cofunding_afd",
        "cofunding_eu",
        "cofunding_water_agency",
        "cofunding_other",
        "staff_fte",
    ):
        data[f"sources-{name}"] = ""
    data.update({key.replace("__", "-"): value for key, value in overrides.items()})
    return data


def test_an_agent_enters_two_mechanisms_typed_the_french_way(
    client, holds_water_and_mobility, agent
):
    collectivite = holds_water_and_mobility
    client.force_login(agent)
    response = client.post(
        year_url(collectivite),
        figures(
            eau__resources="4 180 000,00",
            eau__committed="25000.50",
            mobilite__resources="12\u00a0500\u00a0000",
            mobilite__versement_mobilite="8\u202f000\u202f000",
            mobilite__committed="30 000",
            sources__own_budget="60 000",
            sources__cofunding_meae="20 000",
            sources__staff_fte="1,5",
        ),
    )
    assert response.status_code == 302
    water = MechanismYear.objects.get(collectivite=collectivite, year=YEAR, mechanism="eau")
    assert water.resources == Decimal("4180000.00")
    assert water.committed == Decimal("25000.50")
    mobility = MechanismYear.objects.get(collectivite=collectivite, year=YEAR, mechanism="mobilite")
    assert mobility.versement_mobilite == Decimal("8000000")
    assert BudgetYear.objects.get(collectivite=collectivite, year=YEAR).staff_fte == Decimal("1.5")

    page = client.get(year_url(collectivite)).content.decode()
    # Water: 1 % of 4 180 000 € is 41 800 €; 16 799,50 € left.
    assert "41\u00a0800\u00a0€" in page
    assert "16\u00a0799,50\u00a0€" in page
    # Mobility: 1 % of 12 500 000 − 8 000 000 = 45 000 €; 15 000 € left.
    assert "1\u00a0% de 4\u00a0500\u00a0000\u00a0€" in page
    assert "45\u00a0000\u00a0€" in page and "15\u00a0000\u00a0€" in page
    assert "CGCT, article L1115-1-1" in page and "CGCT, article L1115-3" in page
    # Sanitation is held by a syndicat: named, no ceiling.
    assert (
        "Compétence exercée par Syndicat d’assainissement du Val\u00a0: c’est cet organisme" in page
    )
    # Budget by source: 60 000 + 25 000,50 + 30 000 + 20 000 = 135 000,50 €.
    assert "135\u00a0000,50\u00a0€" in page
    # Co-funding share: 20 000 / 135 000,50 = 14,8 %.
    assert "14,8\u00a0%" in page
    # Each source once: the own budget is not a co-funding.
    assert "Cofinancement\u00a0: Appels à projets du ministère, MEAE / DCTCIV" in page
    assert "Cofinancement\u00a0: Budget propre" not in page
    # The history says who changed what.
    assert BudgetChange.objects.filter(collectivite=collectivite, year=YEAR).count() == 3
    assert agent.display_name in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-100", "Le montant doit être positif ou nul."),
        ("quarante mille", "Saisissez un montant en euros, en chiffres"),
        ("1 000 000 000 000,01", "Ce montant dépasse 1\u00a0000 milliards d’euros"),
        ("12,345", "Au plus deux chiffres après la virgule"),
    ],
)
def test_a_bad_amount_is_refused_at_its_field_and_nothing_typed_is_lost(
    client, holds_water_and_mobility, agent, typed, message
):
    collectivite = holds_water_and_mobility
    client.force_login(agent)
    response = client.post(
        year_url(collectivite),
        figures(eau__resources="4 180 000", eau__committed=typed, sources__own_budget="60 000"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'id="id_eau-committed"' in page and 'aria-invalid="true"' in page
    # What was typed comes back as it was, the good and the bad.
    assert f'value="{typed}"' in page
    assert 'value="4 180 000"' in page and 'value="60 000"' in page
    assert not MechanismYear.objects.filter(collectivite=collectivite).exists()
    assert not BudgetYear.objects.filter(collectivite=collectivite).exists()


def test_one_thousand_billion_is_the_largest_amount_accepted(
    client, holds_water_and_mobility, agent
):
    client.force_login(agent)
    response = client.post(
        year_url(holds_water_and_mobility), figures(eau__resources="1 000 000 000 000")
    )
    assert response.status_code == 302


def test_committed_above_the_ceiling_is_kept_and_flagged_in_red(
    client, holds_water_and_mobility, agent
):
    collectivite = holds_water_and_mobility
    client.force_login(agent)
    response = client.post(
        year_url(collectivite), figures(eau__resources="4 180 000", eau__committed="50 000")
    )
    assert response.status_code == 302
    water = MechanismYear.objects.get(collectivite=collectivite, mechanism="eau")
    assert water.committed == Decimal("50000")  # never capped
    page = client.get(year_url(collectivite)).content.decode()
    assert 'class="text-end amount-over"' in page
    assert "\u22128\u00a0200\u00a0€" in page
    assert (
        "Dépassement de 8\u00a0200\u00a0€\u00a0: les montants engagés dépassent le plafond" in page
    )


def test_figures_for_a_competence_held_by_another_body_are_refused_at_the_field(
    client, holds_water_and_mobility, agent
):
    collectivite = holds_water_and_mobility
    client.force_login(agent)
    response = client.post(
        year_url(collectivite),
        figures(assainissement__resources="2 000 000", eau__resources="4 180 000"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Votre collectivité n’exerce pas cette compétence\u00a0: c’est Syndicat d’assainissement "
        "du Val qui peut mobiliser ce 1\u00a0%." in page
    )
    assert 'value="2 000 000"' in page and 'value="4 180 000"' in page
    assert not MechanismYear.objects.filter(collectivite=collectivite).exists()


def test_figures_for_a_competence_not_said_are_refused_too(client, collectivite, agent):
    client.force_login(agent)
    response = client.post(year_url(collectivite), figures(dechets__resources="1 000"))
    assert response.status_code == 400
    assert "Indiquez d’abord, sur la page des compétences" in response.content.decode()


def test_the_service_refuses_figures_of_a_competence_not_held(collectivite, referent):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        save_year(
            collectivite=collectivite,
            year=YEAR,
            mechanisms={"eau": {"resources": Decimal("10.00")}},
            sources=None,
            by=referent,
        )
    assert "resources" in refused.value.message_dict
    assert not MechanismYear.objects.exists()


def test_a_versement_mobilite_above_the_resources_is_refused(
    client, holds_water_and_mobility, agent
):
    client.force_login(agent)
    response = client.post(
        year_url(holds_water_and_mobility),
        figures(mobilite__resources="1 000", mobilite__versement_mobilite="2 000"),
    )
    assert response.status_code == 400
    assert "Le versement mobilité ne peut pas dépasser les ressources" in response.content.decode()


def test_a_year_beyond_next_year_is_refused_with_a_french_message(client, collectivite, agent):
    client.force_login(agent)
    index = reverse("budget_index", args=[collectivite.public_id])
    response = client.get(index, {"annee": YEAR + 2})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"L’année {YEAR + 2} est trop lointaine\u00a0: vous pouvez saisir les chiffres" in page
    assert f'value="{YEAR + 2}"' in page
    assert client.get(index, {"annee": "deux mille"}).status_code == 400
    assert client.get(year_url(collectivite, YEAR + 2)).status_code == 404
    assert client.get(year_url(collectivite, 1999)).status_code == 404
    # Next year is allowed: a budget in preparation.
    response = client.get(index, {"annee": YEAR + 1})
    assert response.status_code == 302
    assert response["Location"] == year_url(collectivite, YEAR + 1)
    assert client.get(year_url(collectivite, YEAR + 1)).status_code == 200


def test_the_model_refuses_a_year_beyond_next_year(collectivite):
    from django.core.exceptions import ValidationError

    budget = BudgetYear(collectivite=collectivite, year=YEAR + 2)
    with pytest.raises(ValidationError) as refused:
        budget.full_clean()
    assert "year" in refused.value.message_dict


def test_the_model_refuses_negative_and_too_large_amounts(collectivite):
    from django.core.exceptions import ValidationError

    budget = BudgetYear(
        collectivite=collectivite,
        year=YEAR,
        own_budget=Decimal("-1"),
        cofunding_eu=Decimal("1000000000000.01"),
    )
    with pytest.raises(ValidationError) as refused:
        budget.full_clean()
    assert set(refused.value.message_dict) == {"own_budget", "cofunding_eu"}


def test_competences_name_the_other_body_and_keep_a_history(client, collectivite, referent):
    client.force_login(referent)
    url = reverse("budget_competences", args=[collectivite.public_id])
    data = {f"{m}-holder": Holder.NOT_SAID for m in Mechanism.values}
    data.update({"eau-holder": Holder.OTHER, "eau-holder_name": "", "eau-holder_siren": "12"})
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Indiquez le nom de l’organisme qui exerce la compétence." in page
    assert "Le SIREN doit comporter exactement 9 chiffres." in page
    data.update(
        {
            "eau-holder_name": "Syndicat des eaux",
            "eau-holder_siren": "",
            "dechets-holder": Holder.SELF,
            "dechets-in_general_budget": "on",
        }
    )
    assert client.post(url, data).status_code == 302
    water = Competence.objects.get(collectivite=collectivite, mechanism="eau")
    assert (water.holder, water.holder_name) == (Holder.OTHER, "Syndicat des eaux")
    assert Competence.objects.get(collectivite=collectivite, mechanism="dechets").in_general_budget
    changes = BudgetChange.objects.filter(collectivite=collectivite, subject="competence")
    assert changes.count() == 5
    assert all(change.changed_by == referent for change in changes)
    # Saving the same again records nothing.
    assert client.post(url, data).status_code == 302
    assert changes.count() == 5


def test_a_waste_base_in_the_budget_general_is_shown_as_an_estimate(client, collectivite, agent):
    save_competences(
        collectivite=collectivite,
        values={"dechets": {"holder": Holder.SELF, "in_general_budget": True}},
        by=agent,
    )
    client.force_login(agent)
    assert (
        client.post(year_url(collectivite), figures(dechets__resources="3 000 000")).status_code
        == 302
    )
    page = client.get(year_url(collectivite)).content.decode()
    assert "30\u00a0000\u00a0€" in page
    assert "base estimée" in page


def test_an_elu_reads_the_figures_but_cannot_change_them(client, holds_water_and_mobility, elu):
    collectivite = holds_water_and_mobility
    client.force_login(elu)
    page = client.get(year_url(collectivite))
    assert page.status_code == 200
    assert "Saisir les chiffres" not in page.content.decode()
    assert client.post(year_url(collectivite), figures(eau__resources="1")).status_code == 403
    competences = reverse("budget_competences", args=[collectivite.public_id])
    assert client.get(competences).status_code == 200
    assert client.post(competences, {"eau-holder": "collectivite"}).status_code == 403
    assert not MechanismYear.objects.exists()


def all_urls(collectivite):
    return [
        reverse("budget_index", args=[collectivite.public_id]),
        reverse("budget_competences", args=[collectivite.public_id]),
        year_url(collectivite),
        reverse("budget_export", args=[collectivite.public_id]),
    ]


def test_another_collectivite_finds_only_404(client, holds_water_and_mobility, referent, outsider):
    collectivite = holds_water_and_mobility
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal("4180000")}},
        sources=None,
        by=referent,
    )
    client.force_login(outsider)
    for url in all_urls(collectivite):
        assert client.get(url).status_code == 404, url
        assert client.post(url, figures(eau__resources="1")).status_code in (404, 405), url
    assert MechanismYear.objects.get(mechanism="eau").resources == Decimal("4180000")


def test_an_anonymous_visitor_is_sent_to_log_in(client, collectivite):
    for url in all_urls(collectivite):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_wrong_method_gets_405(client, collectivite, agent):
    client.force_login(agent)
    assert client.post(reverse("budget_index", args=[collectivite.public_id])).status_code == 405
    assert client.post(reverse("budget_export", args=[collectivite.public_id])).status_code == 405
    assert client.put(year_url(collectivite)).status_code == 405


def test_the_index_shows_the_evolution_over_the_years(client, holds_water_and_mobility, referent):
    collectivite = holds_water_and_mobility
    for year, own in ((YEAR - 1, "40000"), (YEAR, "60000")):
        save_year(
            collectivite=collectivite,
            year=year,
            mechanisms={"eau": {"resources": Decimal("4180000"), "committed": Decimal("10000")}},
            sources={"own_budget": Decimal(own), "cofunding_afd": Decimal("50000")},
            by=referent,
        )
    client.force_login(referent)
    page = client.get(reverse("budget_index", args=[collectivite.public_id])).content.decode()
    assert page.index(f">{YEAR - 1}</a>") < page.index(f">{YEAR}</a>")
    assert "100\u00a0000\u00a0€" in page and "120\u00a0000\u00a0€" in page
    # 50 000 / 100 000 and 50 000 / 120 000.
    assert "50\u00a0%" in page and "41,7\u00a0%" in page


def test_the_pages_read_a_fixed_number_of_queries(
    client, holds_water_and_mobility, referent, django_assert_max_num_queries
):
    collectivite = holds_water_and_mobility
    for year in range(YEAR - 5, YEAR + 1):
        save_year(
            collectivite=collectivite,
            year=year,
            mechanisms={"eau": {"resources": Decimal("1000"), "committed": Decimal("5")}},
            sources={"own_budget": Decimal("10")},
            by=referent,
        )
    client.force_login(referent)
    with django_assert_max_num_queries(8):
        client.get(reverse("budget_index", args=[collectivite.public_id]))
    with django_assert_max_num_queries(10):
        client.get(year_url(collectivite))


def test_the_dashboard_links_to_the_budget(client, collectivite, elu):
    client.force_login(elu)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("budget_index", args=[collectivite.public_id]) in page


def test_the_explain_page_is_public_and_works_the_examples(client, db):
    page = client.get(reverse("budget_explain")).content.decode()
    for article in ("L1115-1-1", "L1115-2", "L1115-3"):
        assert f"CGCT, article {article}" in page
    assert "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000006070633/" in page
    # Water: 1 % of 4 180 000 € is 41 800 €.
    assert "soit 41\u00a0800\u00a0€" in page
    # Mobility: 12 500 000 − 8 000 000 = 4 500 000, ceiling 45 000 €.
    assert (
        "la base est de 12\u00a0500\u00a0000\u00a0€ − 8\u00a0000\u00a0000\u00a0€ "
        "= 4\u00a0500\u00a0000\u00a0€" in page
    )
    assert "soit 45\u00a0000\u00a0€" in page
    assert "hors versement mobilité" in page


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_export_has_every_figure_and_no_formula(client, collectivite, referent):
    save_competences(
        collectivite=collectivite,
        values={
            "eau": {"holder": Holder.SELF},
            "mobilite": {"holder": Holder.OTHER, "holder_name": '=HYPERLINK("x")'},
        },
        by=referent,
    )
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal("4180000.00"), "committed": Decimal("50000")}},
        sources={"own_budget": Decimal("60000"), "cofunding_meae": Decimal("20000")},
        by=referent,
    )
    client.force_login(referent)
    response = client.get(reverse("budget_export", args=[collectivite.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(response)
    assert rows[0] == [
        "collectivite",
        "annee",
        "rubrique",
        "poste",
        "article",
        "valeur",
        "remarque",
    ]
    by_item = {(row[2], row[3]): row for row in rows[1:]}
    water = "1\u00a0% eau potable"
    assert by_item[(water, "plafond")][4:6] == ["L1115-1-1", "41800.00"]
    # Over the ceiling: a negative room, quoted so that no spreadsheet reads it as a formula.
    assert by_item[(water, "marge")][5:] == ["'-8200.00", "engagé au-delà du plafond"]
    assert by_item[("1\u00a0% mobilité", "competence")][6] == '\'=HYPERLINK("x")'
    assert by_item[("total", "total")][5] == "130000.00"
    assert by_item[("total", "part_cofinancements")][5] == "15.4"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_an_agent_of_two_collectivites_sees_each_ones_figures_only(
    client, holds_water_and_mobility, agent
):
    other = MembershipFactory(user=agent, role="agent").collectivite
    save_competences(collectivite=other, values={"eau": {"holder": Holder.SELF}}, by=agent)
    save_year(
        collectivite=other,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal("9990000")}},
        sources=None,
        by=agent,
    )
    client.force_login(agent)
    page = client.get(year_url(holds_water_and_mobility)).content.decode()
    assert "99\u00a0900\u00a0€" not in page
    assert "99\u00a0900\u00a0€" in client.get(year_url(other)).content.decode()
