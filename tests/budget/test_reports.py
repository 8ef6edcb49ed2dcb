"""The budget in the diagnostic's reports: the full PDF's table « Ce que la loi permet / ce qui
est engagé / la marge » (read back from the PDF), and R8's suggested actions pointing to the
room left on the results page."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from budget.enums import Holder
from budget.services import save_competences, save_year
from diagnostics.plan import services as plan_service
from diagnostics.reports.bilan import yearly_report
from diagnostics.reports.data import full_report
from diagnostics.reports.pdf import render_report
from diagnostics.services import create_diagnostic
from partnerships.models import Partnership

# WeasyPrint renders and the text is read back: CI runs these once, on PostgreSQL (.ci/run).
pytestmark = pytest.mark.pdf

YEAR = timezone.localdate().year


def plain(text: str) -> str:
    """Non-breaking spaces as plain ones, to compare words."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def diagnostic(catalogue_2026_2, collectivite, referent):
    return create_diagnostic(collectivite=collectivite, title="Diagnostic", by=referent, year=YEAR)


@pytest.fixture
def figures(collectivite, referent):
    save_competences(
        collectivite=collectivite,
        values={
            "eau": {"holder": Holder.SELF},
            "mobilite": {"holder": Holder.SELF},
            "assainissement": {"holder": Holder.OTHER, "holder_name": "Syndicat du Val"},
        },
        by=referent,
    )
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={
            # 41 800 € allowed, nothing committed.
            "eau": {"resources": Decimal("4180000")},
            # 1 % of 12 500 000 − 8 000 000 = 45 000 €; 50 000 € committed: 5 000 € over.
            "mobilite": {
                "resources": Decimal("12500000"),
                "versement_mobilite": Decimal("8000000"),
                "committed": Decimal("50000"),
            },
        },
        sources={"own_budget": Decimal("20000")},
        by=referent,
    )


def test_without_figures_the_report_has_no_budget_table(diagnostic):
    assert full_report(diagnostic)["budget"] is None
    assert "Ce que la loi permet" not in pdf_text(render_report(diagnostic, "complet"))


def test_the_full_pdf_shows_the_table_with_the_articles(diagnostic, figures):
    data = full_report(diagnostic)["budget"]
    rows = {plain(row["mechanism"]): row for row in data["rows"]}
    assert rows["1 % eau potable"]["allowed"] == "41\u00a0800\u00a0€"
    assert rows["1 % eau potable"]["margin"] == "41\u00a0800\u00a0€"
    assert rows["1 % mobilité"]["margin"] == "\u22125\u00a0000\u00a0€"
    assert rows["1 % mobilité"]["over"]
    assert "Syndicat du Val" in rows["1 % assainissement"]["note"]

    text = pdf_text(render_report(diagnostic, "complet"))
    assert f"Ce que la loi permet, ce qui est engagé et la marge en {YEAR}" in text
    for words in (
        "1 % eau potable",
        "CGCT, article L1115-1-1",
        "CGCT, article L1115-3",
        "41 800 €",
        "45 000 €",
        "50 000 €",
        "\u22125 000 €",
        "Dépassement de 5 000 €",
        "Compétence exercée par Syndicat du Val",
    ):
        assert words in plain(text), words


def test_the_r8_actions_point_to_the_room_left(client, diagnostic, figures, referent):
    client.force_login(referent)
    page = client.get(reverse("diagnostic_results", args=[diagnostic.public_id]))
    html = page.content.decode()
    html = plain(html)
    sentence = f"Jusqu’à 41 800 € mobilisables au titre du 1 % eau potable en {YEAR}"
    assert sentence in html
    start = html.index("Mettre en place le « 1 % eau et assainissement »")
    action = html[start : html.index("</li>", start)]
    assert sentence in action
    assert reverse("budget_year", args=[diagnostic.collectivite.public_id, YEAR]) in action


def test_the_plan_proposals_point_to_the_room_left_too(client, diagnostic, figures, referent):
    client.force_login(referent)
    html = plain(
        client.get(reverse("diagnostic_plan", args=[diagnostic.public_id])).content.decode()
    )
    start = html.index("Mettre en place le « 1 % eau et assainissement »")
    proposal = html[start : html.index("</li>", start)]
    assert f"Jusqu’à 41 800 € mobilisables au titre du 1 % eau potable en {YEAR}" in proposal
    # Mobility is over its ceiling: no room, no sentence.
    assert "au titre du 1 % mobilité" not in html


def test_the_room_left_costs_the_same_queries_whatever_the_actions(
    client, diagnostic, figures, referent, django_assert_max_num_queries
):
    from budget.reports import action_rooms
    from diagnostics.catalogue import catalogue_data

    data = catalogue_data(diagnostic.catalogue_id)
    # The collectivité, its competences, the year's figures and budget by source.
    with django_assert_max_num_queries(4):
        rooms = action_rooms(diagnostic, data)
    assert len(rooms) == 1


def test_the_full_pdf_r8_actions_tell_the_room_left(diagnostic, figures):
    data = full_report(diagnostic)
    r8 = next(s for s in data["sections"] if s["number"] == 8)
    sentence = f"Jusqu’à 41\u00a0800\u00a0€ mobilisables au titre du 1\u00a0% eau potable en {YEAR}"
    water = next(a for a in r8["actions"] if "1 % eau et assainissement" in plain(a["title"]))
    assert water["notes"] == [sentence]
    # Only R8's « 1 % » actions carry a note; mobility is over its ceiling: no room, no note.
    assert all(
        not action["notes"]
        for section in data["sections"]
        for action in section["actions"]
        if action is not water
    )
    text = plain(pdf_text(render_report(diagnostic, "complet")))
    start = text.index("Mettre en place le « 1 % eau et assainissement »")
    assert plain(sentence) in text[start : start + 1200]
    assert "au titre du 1 % mobilité" not in text


def test_without_figures_the_r8_actions_have_no_note(diagnostic):
    data = full_report(diagnostic)
    assert all(not a["notes"] for s in data["sections"] for a in s["actions"])
    assert "action_notes" not in data


def test_the_yearly_pdf_shows_the_table_with_the_articles(diagnostic, figures):
    data = yearly_report(diagnostic)
    assert data["budget"] == full_report(diagnostic)["budget"]
    assert "action_notes" not in data
    text = plain(pdf_text(render_report(diagnostic, "bilan")))
    assert f"Ce que la loi permet, ce qui est engagé et la marge en {YEAR}" in text
    for words in (
        f"Les dispositifs du 1 % en {YEAR}",
        "CGCT, article L1115-1-1",
        "CGCT, article L1115-3",
        "41 800 €",
        "\u22125 000 €",
        "Dépassement de 5 000 €",
        "Compétence exercée par Syndicat du Val",
        # The rows without a stated competence are named in one sentence, not five rows.
        "Compétence non renseignée sur les pages du budget pour : "
        "1 % électricité et gaz, 1 % déchets.",
    ):
        assert words in text, words
    assert "Compétence non renseignée." not in text
    # The full report keeps every row.
    assert "Compétence non renseignée." in plain(pdf_text(render_report(diagnostic, "complet")))


def test_without_figures_the_yearly_pdf_has_no_budget_table(diagnostic):
    assert yearly_report(diagnostic)["budget"] is None
    assert "Ce que la loi permet" not in pdf_text(render_report(diagnostic, "bilan"))


def test_the_yearly_pdf_prints_each_figure_the_same_way_in_both_tables(
    diagnostic, figures, collectivite, referent
):
    save_year(
        collectivite=collectivite,
        year=YEAR,
        mechanisms={"eau": {"resources": Decimal("4180000"), "committed": Decimal("12500.50")}},
        sources={"own_budget": Decimal("20000"), "cofunding_eu": Decimal("0.49")},
        by=referent,
    )
    text = plain(pdf_text(render_report(diagnostic, "bilan")))
    # By source, then in the 1 % table: the cents as entered, never rounded in one and not the
    # other; the total is the exact sum (20 000 + 12 500,50 + 50 000 + 0,49).
    assert "1 % eau potable 12 500,50 €" in text
    assert "41 800 € 12 500,50 € 29 299,50 €" in text
    assert "Total 82 500,99 €" in text
    assert "82 501 €" not in text


def test_the_reports_queries_do_not_grow_with_the_plan_and_the_registry(
    diagnostic, figures, referent
):
    recommendation = diagnostic.catalogue.recommendations.get(number=8)

    def add(count):
        for index in range(count):
            plan_service.add_action(
                diagnostic=diagnostic,
                by=referent,
                values={"title": f"Action {index}", "recommendation": recommendation},
            )
            Partnership.objects.create(
                collectivite=diagnostic.collectivite,
                partner_name=f"Partenaire {index}",
                country="MA",
                kind="jumelage",
            )

    def counted():
        found = {}
        for build in (full_report, yearly_report):
            with CaptureQueriesContext(connection) as queries:
                build(diagnostic)
            found[build.__name__] = len(queries)
        return found

    add(1)
    counted()  # caches warm
    one = counted()
    add(8)
    assert counted() == one
