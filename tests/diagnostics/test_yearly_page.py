"""The inhabitants' page of the yearly report: published by the référent, read without login."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budget.models import BudgetYear
from diagnostics.enums import ActionStatus
from diagnostics.models import YearlyReportPage
from diagnostics.plan import services as plan_service
from diagnostics.questionnaire.answers import make_state, save_answer
from partnerships.models import Partnership
from tests.factories import CollectiviteFactory, DiagnosticFactory

NOINDEX = '<meta name="robots" content="noindex">'


def settings_url(diagnostic):
    return reverse("yearly_page_settings", args=[diagnostic.public_id])


def public_url(diagnostic):
    return reverse("yearly_page", args=[diagnostic.collectivite.public_id, diagnostic.year])


def add(diagnostic, by, title, **values):
    return plan_service.add_action(
        diagnostic=diagnostic,
        by=by,
        values={
            "title": title,
            "recommendation": diagnostic.catalogue.recommendations.get(number=1),
            **values,
        },
    )


@pytest.fixture
def year(diagnostic, agent, questions):
    diagnostic.year = 2026
    diagnostic.save()
    question = questions.questions[0]
    save_answer(
        diagnostic=diagnostic,
        question=question,
        state=make_state(
            value=None, not_applicable=False, comment="Commentaire interne à ne pas publier"
        ),
        by=agent,
        base_revision=0,
    )
    add(
        diagnostic,
        agent,
        "Accueillir une délégation de Kénitra",
        status=ActionStatus.DONE,
        completed_on=datetime.date(2026, 3, 15),
        owner="Mme Agente Secrète",
        description="Description interne de l’action",
        budget_line="6574 — ligne budgétaire interne",
        budget_amount=Decimal("10000"),
        amount_spent=Decimal("8500"),
    )
    add(diagnostic, agent, "Action encore à lancer", budget_amount=Decimal("2000"))
    Partnership.objects.create(
        collectivite=diagnostic.collectivite,
        partner_name="Kénitra",
        country="MA",
        kind="jumelage",
        contact="Contact Privé",
        yearly_budget=Decimal("7777"),
    )
    BudgetYear.objects.create(
        collectivite=diagnostic.collectivite,
        year=2026,
        own_budget=Decimal("60000"),
        cofunding_eu=Decimal("15000"),
    )
    return diagnostic


def publish(client, diagnostic, referent, **choices):
    client.force_login(referent)
    data = {"decision": "publier", **choices}
    response = client.post(settings_url(diagnostic), data)
    assert response.status_code == 302
    client.logout()


def test_the_page_is_unpublished_by_default_and_answers_404_with_noindex(client, year):
    response = client.get(public_url(year))
    assert response.status_code == 404
    assert NOINDEX in response.content.decode()
    assert not YearlyReportPage.objects.exists()


def test_the_referent_publishes_and_anyone_reads_only_what_was_ticked(client, year, referent):
    publish(client, year, referent, show_actions="on", show_partnerships="on", show_costs="on")

    response = client.get(public_url(year))

    assert response.status_code == 200
    page = response.content.decode()
    assert "noindex" not in page
    assert "Notre action européenne et internationale en 2026" in page
    assert "Accueillir une délégation de Kénitra" in page
    assert "terminé le 15 mars 2026" in page
    assert "Kénitra (Maroc) — Jumelage" in page
    # Totals only: 8 500 € spent of 12 000 € planned; neither per action nor by source.
    assert "Les actions du plan ont coûté 8\u00a0500\u00a0€ en tout" in page
    assert "12\u00a0000\u00a0€" in page
    assert "coût\u00a0:" not in page
    assert "60\u00a0000" not in page
    # Never the people, the internal texts, the budget lines.
    for secret in [
        "Mme Agente Secrète",
        "Description interne",
        "6574",
        "Commentaire interne",
        "Contact Privé",
        "7\u00a0777",
        "Action encore à lancer",
    ]:
        assert secret not in page


def test_unticked_parts_are_not_shown_and_details_only_when_ticked(client, year, referent):
    publish(client, year, referent, show_actions="on")
    page = client.get(public_url(year)).content.decode()
    assert "Accueillir une délégation de Kénitra" in page
    assert "Nos partenaires à l’étranger" not in page
    assert "Ce que cela a coûté" not in page
    assert "8\u00a0500" not in page

    publish(client, year, referent, show_costs="on", show_cost_details="on", show_actions="on")
    page = client.get(public_url(year)).content.decode()
    assert "coût\u00a0: 8\u00a0500\u00a0€" in page
    assert "Budget propre (budget général)" in page
    assert "75\u00a0000\u00a0€" in page


def test_the_default_text_is_short_sentences_and_the_referent_may_replace_it(
    client, year, referent
):
    publish(client, year, referent, show_actions="on")
    page = client.get(public_url(year)).content.decode()
    assert "Cette page présente ce qui a été fait en 2026." in page
    assert "a réalisé 1 action de son plan." in page

    publish(client, year, referent, show_actions="on", text="Merci à tous les bénévoles.")
    page = client.get(public_url(year)).content.decode()
    assert "Merci à tous les bénévoles." in page
    assert "Cette page présente" not in page


def test_unpublishing_removes_the_page_at_once(client, year, referent):
    publish(client, year, referent, show_actions="on")
    assert client.get(public_url(year)).status_code == 200
    client.force_login(referent)
    response = client.post(settings_url(year), {"decision": "retirer", "show_actions": "on"})
    assert response.status_code == 302
    client.logout()
    assert client.get(public_url(year)).status_code == 404


@pytest.mark.parametrize("role", ["agent", "elu"])
def test_only_the_referent_publishes(client, year, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(settings_url(year)).status_code == 403
    assert client.post(settings_url(year), {"decision": "publier"}).status_code == 403
    client.logout()
    assert client.get(public_url(year)).status_code == 404


def test_another_collectivite_or_year_finds_nothing(client, year, referent, catalogue):
    publish(client, year, referent, show_actions="on")
    other = DiagnosticFactory(collectivite=CollectiviteFactory(), catalogue=catalogue, year=2026)
    assert client.get(public_url(other)).status_code == 404
    wrong_year = reverse("yearly_page", args=[year.collectivite.public_id, 2025])
    assert client.get(wrong_year).status_code == 404


def test_a_diagnostic_without_a_year_cannot_be_published(client, diagnostic, referent):
    client.force_login(referent)
    response = client.post(settings_url(diagnostic), {"decision": "publier"})
    assert response.status_code == 400
    assert "Ce diagnostic n’a pas d’année" in response.content.decode()
    assert not YearlyReportPage.objects.exists()


def test_a_too_long_text_is_refused_in_french_and_nothing_is_saved(client, year, referent):
    client.force_login(referent)
    response = client.post(settings_url(year), {"decision": "publier", "text": "x" * 3001})
    assert response.status_code == 400
    assert "3\u00a0000 caractères au plus" in response.content.decode()
    assert not YearlyReportPage.objects.exists()


def test_the_settings_page_shows_the_state_and_a_preview(client, year, referent):
    client.force_login(referent)
    page = client.get(settings_url(year)).content.decode()
    assert "Non publiée" in page
    assert NOINDEX in page
    assert "Aperçu de la page enregistrée" in page
    publish(client, year, referent, show_actions="on")
    client.force_login(referent)
    page = client.get(settings_url(year)).content.decode()
    assert public_url(year) in page
    assert "Retirer la page" in page


def test_the_public_page_reads_a_fixed_number_of_queries(client, year, referent, agent):
    publish(client, year, referent, show_actions="on", show_partnerships="on", show_costs="on")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(public_url(year)).status_code == 200
        return len(queries)

    before = count()
    for index in range(8):
        add(year, agent, f"Action réalisée {index}", status=ActionStatus.DONE)
        Partnership.objects.create(
            collectivite=year.collectivite,
            partner_name=f"Ville {index}",
            country="DE",
            kind="jumelage",
        )
    assert count() == before


def test_an_unknown_decision_only_saves_the_choices(client, year, referent):
    client.force_login(referent)
    response = client.post(settings_url(year), {"decision": "pirate", "show_actions": "on"})
    assert response.status_code == 302
    page = YearlyReportPage.objects.get()
    assert not page.published
    assert page.show_actions and not page.show_partnerships
    client.logout()
    assert client.get(public_url(year)).status_code == 404


def test_an_absurd_year_or_address_is_a_404_not_an_error(client, year, referent):
    publish(client, year, referent, show_actions="on")
    collectivite = year.collectivite.public_id
    for path in [
        f"/bilan/{collectivite}/99999999999999999999999/",
        f"/bilan/{collectivite}/0/",
        "/bilan/pas-un-identifiant/2026/",
    ]:
        assert client.get(path).status_code == 404, path
