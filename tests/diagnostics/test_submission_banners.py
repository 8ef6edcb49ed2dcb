"""After submission the overview says it once: the success message and the page's banner differ."""

from django.urls import reverse

from diagnostics.catalogue import catalogue_data
from tests.diagnostics.helpers import answer_everything


def test_submitting_shows_one_banner_not_two_identical_ones(client, diagnostic, referent):
    client.force_login(referent)
    answer_everything(client, diagnostic, catalogue_data(diagnostic.catalogue_id))
    response = client.post(reverse("diagnostic_submit", args=[diagnostic.public_id]), follow=True)
    page = response.content.decode()
    alerts = [
        chunk.split("</", 1)[0].split(">", 1)[1].strip()
        for chunk in page.split('class="alert ')[1:]
    ]
    assert "Diagnostic soumis\u00a0: ses scores sont enregistrés." in alerts
    assert len(alerts) == len(set(alerts))
    assert page.count("lecture seule") == 1
