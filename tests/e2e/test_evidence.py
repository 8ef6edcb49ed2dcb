"""Evidence in the browser: a file and a link attached under a question, with axe in each state."""

import pytest
from playwright.sync_api import expect

from diagnostics.models import Answer, Evidence
from tests.diagnostics import evidence_samples as samples
from tests.e2e.helpers import check_page

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def page_url(diagnostic, number=1):
    return f"/diagnostics/{diagnostic.public_id}/preconisations/{number}/"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_an_agent_attaches_a_file_and_a_link_without_losing_a_typed_answer(
    new_page, diagnostic, agent, javascript
):
    page = new_page(agent, java_script_enabled=javascript)
    page.goto(page_url(diagnostic))
    block = page.locator("#justificatifs-R1\\.Q7")
    expect(block).to_contain_text("Aucun justificatif pour cette question.")
    # A typed answer, not saved yet (no Tab, no change event without JavaScript)…
    page.locator("[name='R1.Q7-value']").fill("4")
    block.locator("summary").click()
    block.get_by_label("Fichier").set_input_files(
        {"name": "délibération.pdf", "mimeType": "application/pdf", "buffer": samples.PDF}
    )
    block.get_by_label("Intitulé (facultatif)").fill("Délibération du conseil")
    if javascript:  # axe runs scripts: only with JavaScript on (the HTML is the same)
        check_page(page, "evidence form open")
    block.get_by_role("button", name="Ajouter le justificatif").click()
    expect(page.get_by_role("status").first).to_contain_text("Justificatif ajouté")
    block = page.locator("#justificatifs-R1\\.Q7")
    expect(block.get_by_role("link", name="Délibération du conseil")).to_be_visible()
    expect(block).to_contain_text(f"Ajouté par {agent.display_name} le")
    # …is still there, saved with the file.
    expect(page.locator("[name='R1.Q7-value']")).to_have_value("4")
    assert Answer.objects.get(diagnostic=diagnostic, question__code="R1.Q7").value is not None

    block.locator("summary").click()
    block.get_by_label("ou lien vers une page web").fill("https://www.cites-unies-france.org/")
    block.get_by_role("button", name="Ajouter le justificatif").click()
    block = page.locator("#justificatifs-R1\\.Q7")
    expect(block.get_by_role("link", name="https://www.cites-unies-france.org/")).to_be_visible()
    assert Evidence.objects.filter(diagnostic=diagnostic).count() == 2
    if javascript:  # axe runs scripts: only with JavaScript on (the HTML is the same)
        check_page(page, "evidence listed")

    # A refused file is said under the question, in French, and announced.
    block.locator("summary").click()
    block.get_by_label("Fichier").set_input_files(
        {"name": "outil.pdf", "mimeType": "application/pdf", "buffer": samples.EXE}
    )
    block.get_by_role("button", name="Ajouter le justificatif").click()
    block = page.locator("#justificatifs-R1\\.Q7")
    expect(block).to_contain_text("n’est pas d’un type accepté")
    if javascript:  # axe runs scripts: only with JavaScript on (the HTML is the same)
        check_page(page, "evidence refused")

    block.get_by_role("button", name="Retirer Délibération du conseil").click()
    block = page.locator("#justificatifs-R1\\.Q7")
    expect(block.get_by_role("link", name="Délibération du conseil")).to_have_count(0)
    assert Evidence.objects.filter(diagnostic=diagnostic).count() == 1
