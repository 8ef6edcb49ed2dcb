"""A member of another collectivité finds none of a diagnostic's pages: 404 everywhere."""

import pytest
from playwright.sync_api import expect

from diagnostics.enums import ReportStatus, ReportVariant
from diagnostics.models import ReportFile
from diagnostics.plan import services as plan_service
from recommendations.models import Recommendation
from tests.e2e.helpers import check_page, fill_answers, submit

pytestmark = pytest.mark.e2e


def test_a_member_of_another_collectivite_gets_the_not_found_page_everywhere(
    new_page, diagnostic, referent, agent, outsider
):
    fill_answers(diagnostic, by=agent)
    submit(diagnostic, by=referent)
    action = plan_service.add_action(
        diagnostic=diagnostic,
        by=agent,
        values={
            "title": "Recenser les partenariats",
            "recommendation": Recommendation.objects.get(catalogue=diagnostic.catalogue, number=1),
        },
    )
    report = ReportFile.objects.create(
        diagnostic=diagnostic,
        variant=ReportVariant.FULL,
        content_hash="0" * 64,
        status=ReportStatus.READY,
        file="rapports/inexistant.pdf",
    )
    base = f"/diagnostics/{diagnostic.public_id}"
    paths = [
        f"{base}/",
        f"{base}/preconisations/1/",
        f"{base}/preconisations/10/",
        f"{base}/questions/R1.Q1/historique/",
        f"{base}/resultats/",
        f"{base}/resultats/1/",
        f"{base}/export.csv",
        f"{base}/export.json",
        f"{base}/plan/",
        f"{base}/plan/{action.public_id}/",
        f"{base}/plan/{action.public_id}/historique/",
        f"{base}/rapports/fichiers/{report.public_id}/",
        f"{base}/rapports/fichiers/{report.public_id}/telecharger/",
        f"/collectivites/{diagnostic.collectivite.public_id}/membres/",
    ]
    page = new_page(outsider)
    for path in paths:
        response = page.goto(path)
        assert response.status == 404, f"{path} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
        expect(page.get_by_role("main")).not_to_contain_text(diagnostic.title)
    check_page(page, "not found page")
