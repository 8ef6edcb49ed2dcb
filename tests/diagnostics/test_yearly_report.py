"""The yearly report, read back from its PDF."""

import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from pypdf import PdfReader

from budget.models import BudgetYear
from diagnostics.enums import ActionStatus
from diagnostics.plan import services as plan_service
from diagnostics.reports import bilan
from diagnostics.reports.pdf import render_report
from diagnostics.results.report import build_report
from diagnostics.scoring import round_half_up
from partnerships.models import Partnership
from tests.diagnostics.helpers import answer_everything
from tests.factories import CollectiviteFactory

# WeasyPrint renders and the text is read back: CI runs these once, on PostgreSQL (.ci/run).
pytestmark = pytest.mark.pdf

TODAY = datetime.date(2026, 12, 15)


def flat_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def structure_types(pdf: bytes) -> set[str]:
    """The kinds of element of the PDF's structure tree (/Table, /TH, /H1…)."""
    reader = PdfReader(io.BytesIO(pdf))
    found = set()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif hasattr(node, "get"):
            if "/S" in node:
                found.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                stack.append(kids)
    return found


@pytest.fixture(autouse=True)
def today():
    with mock.patch("diagnostics.reports.data.today", return_value=TODAY):
        yield


def add(diagnostic, by, title, number=1, **values):
    action = plan_service.add_action(
        diagnostic=diagnostic,
        by=by,
        values={
            "title": title,
            "recommendation": diagnostic.catalogue.recommendations.get(number=number),
            **values,
        },
    )
    return action


@pytest.fixture
def year(client, diagnostic, agent, questions):
    """A 2026 diagnostic with its plan, budget and partnerships; another collectivité beside."""
    diagnostic.year = 2026
    diagnostic.save()
    client.force_login(agent)
    answer_everything(client, diagnostic, questions, high=False)
    client.logout()
    add(
        diagnostic,
        agent,
        "Accueillir une délégation de Kénitra",
        status=ActionStatus.DONE,
        completed_on=datetime.date(2026, 3, 15),
        budget_amount=Decimal("10000"),
        amount_spent=Decimal("8500.40"),
        owner="Direction des relations internationales",
    )
    add(
        diagnostic,
        agent,
        "Répondre à l’appel à projets Erasmus+",
        number=2,
        status=ActionStatus.IN_PROGRESS,
        deadline_quarter="2027-T4",
        budget_amount=Decimal("4000"),
        amount_spent=Decimal("1200"),
    )
    add(
        diagnostic,
        agent,
        "Créer un comité de pilotage",
        number=3,
        deadline_date=datetime.date(2026, 6, 30),
        budget_amount=Decimal("500"),
    )
    add(diagnostic, agent, "Action écartée du plan", dismissed=True)
    add(diagnostic, agent, "Action abandonnée", status=ActionStatus.ABANDONED)
    collectivite = diagnostic.collectivite
    BudgetYear.objects.create(
        collectivite=collectivite,
        year=2026,
        own_budget=Decimal("60000"),
        cofunding_eu=Decimal("15000"),
    )
    BudgetYear.objects.create(collectivite=collectivite, year=2025, own_budget=Decimal("99999"))

    def partnership(name, owner=collectivite, **values):
        return Partnership.objects.create(
            collectivite=owner, partner_name=name, country="MA", kind="jumelage", **values
        )

    partnership("Kénitra", signed_on=datetime.date(2019, 4, 2))
    partnership("Cracovie", signed_on=datetime.date(2026, 5, 10))
    partnership("Bamako", state="termine", ended_on=datetime.date(2026, 9, 30))
    partnership("Liège", state="termine", ended_on=datetime.date(2024, 1, 31))
    partnership("Porto", signed_on=datetime.date(2027, 1, 10))
    partnership("Turin", state="en_sommeil")
    other = CollectiviteFactory()
    partnership("Partenaire d’une autre collectivité", owner=other)
    BudgetYear.objects.create(collectivite=other, year=2026, own_budget=Decimal("123456"))
    return diagnostic


def test_the_yearly_report_tells_the_year_from_plan_budget_and_partnerships(year):
    pdf = render_report(year, "bilan")
    text = flat_text(pdf)
    assert "Bilan annuel de l’action européenne et internationale" in text
    assert year.collectivite.name in text
    # Actions: carried out (with date and cost), in progress, late.
    assert "1 action réalisée" in text
    assert "Accueillir une délégation de Kénitra" in text
    assert "15/03/2026" in text
    assert "8 500 €" in text
    assert "1 action en cours" in text
    assert "Répondre à l’appel à projets Erasmus+" in text
    assert "1 action en retard" in text
    assert "Créer un comité de pilotage" in text
    assert "Action écartée du plan" not in text
    assert "Action abandonnée" not in text
    # Budgets planned against spent: 14 500 € planned, 9 700,40 € spent (rounded half up).
    assert "Toutes les actions du plan 14 500 € 9 700 €" in text
    assert "Actions réalisées 10 000 € 8 500 €" in text
    # The budget app's figures of that year only, by source.
    assert "Budget propre (budget général) 60 000 €" in text
    assert "programmes de l’Union européenne 15 000 €" in text
    assert "Total 75 000 €" in text
    assert "99 999" not in text
    assert "123 456" not in text
    # Partnerships active, started and ended in 2026.
    assert "3 partenariats actifs en 2026" in text
    assert "1 signé dans l’année" in text
    assert "1 terminé dans l’année" in text
    for name in ["Kénitra", "Cracovie", "Bamako"]:
        assert name in text
    for name in ["Liège", "Porto", "Turin", "Partenaire d’une autre collectivité"]:
        assert name not in text
    # Scores and what comes next.
    report = build_report(year)
    assert f"Score global : {round_half_up(report.result.overall)} sur 100" in text
    for section in report.sections:
        assert section.recommendation.short_title in text
    assert "Et en 2027" in text
    assert "en retard (échéance 30/06/2026) : à relancer en priorité" in text


def test_the_yearly_report_has_four_to_eight_tagged_pages_in_french(year):
    pdf = render_report(year, "bilan")
    reader = PdfReader(io.BytesIO(pdf))
    assert 4 <= len(reader.pages) <= 8
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert root["/MarkInfo"]["/Marked"]
    assert "Bilan annuel" in reader.metadata.title
    assert {"/Table", "/TH", "/TD", "/H1", "/H2"} <= structure_types(pdf)


def test_a_long_plan_stays_within_eight_pages(year, agent):
    for index in range(60):
        add(
            year,
            agent,
            f"Action numéro {index} du plan de mandat",
            number=index % 10 + 1,
            status=[ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.TO_START][index % 3],
            budget_amount=Decimal(1000 + index),
        )
    pdf = render_report(year, "bilan")
    assert 4 <= len(PdfReader(io.BytesIO(pdf)).pages) <= 8
    text = flat_text(pdf)
    assert "Action numéro 59 du plan de mandat" in text


def test_without_budget_figures_the_report_says_so(year):
    BudgetYear.objects.filter(collectivite=year.collectivite, year=2026).delete()
    text = flat_text(render_report(year, "bilan"))
    assert "Aucun chiffre du budget n’a été saisi pour 2026" in text
    assert "Budget propre" not in text


def test_late_means_deadline_passed_and_not_done(year):
    facts = bilan.year_facts(year, today=TODAY)
    assert [a.title for a in facts.late] == ["Créer un comité de pilotage"]
    facts = bilan.year_facts(year, today=datetime.date(2026, 6, 30))
    assert facts.late == []


def test_an_elu_downloads_the_yearly_report(client, year, elu):
    client.force_login(elu)
    response = client.post(reverse("report_request", args=[year.public_id, "bilan"]))
    assert response.status_code == 302
    download = client.get(response.url)
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    download.close()
    assert "Bilan annuel" in flat_text(body)
