"""The « Plan du site » (RGAA 12.1, a second navigation system): public, linked from every
page's footer, and listing only the visitor's own collectivités and diagnostics."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import CollectiviteFactory, DiagnosticFactory, MembershipFactory

URL = "/plan-du-site/"


def test_the_site_map_is_public_and_linked_from_the_footer(client, db):
    assert reverse("plan_du_site") == URL
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Plan du site</h1>" in body
    for name in ["methode", "aide", "accessibilite", "login", "access_request"]:
        assert f'href="{reverse(name)}"' in body, name
    assert f'href="{reverse("dashboard")}"' not in body
    assert "Vos collectivités" not in body
    # The footer of every page links to it; on the map itself, as the current page.
    assert f'<a href="{URL}" aria-current="page">Plan du site</a>' in body
    home = client.get(reverse("home")).content.decode()
    assert f'<a href="{URL}">Plan du site</a>' in home


def test_a_member_sees_their_collectivites_pages_and_no_one_elses(
    client, catalogue, collectivite, referent, agent
):
    current = DiagnosticFactory(collectivite=collectivite, catalogue=catalogue, title="Bilan 2026")
    archived = DiagnosticFactory(
        collectivite=collectivite,
        catalogue=catalogue,
        title="Bilan ancien",
        year=2024,
        archived_at=timezone.now(),
    )
    other = DiagnosticFactory(catalogue=catalogue, title="Diagnostic d’ailleurs")

    client.force_login(referent)
    body = client.get(URL).content.decode()
    pid = current.public_id
    assert "Vos collectivités" in body and collectivite.name in body
    for url in [
        reverse("diagnostic_overview", args=[pid]),
        reverse("diagnostic_results", args=[pid]),
        reverse("diagnostic_plan", args=[pid]),
        reverse("members", args=[collectivite.public_id]),
        reverse("budget_index", args=[collectivite.public_id]),
        reverse("partnership_list", args=[collectivite.public_id]),
        reverse("dashboard"),
    ]:
        assert f'href="{url}"' in body, url
    assert str(archived.public_id) not in body
    assert str(other.public_id) not in body and other.collectivite.name not in body

    # The members page is for référents only.
    client.force_login(agent)
    body = client.get(URL).content.decode()
    assert f'href="{reverse("diagnostic_overview", args=[pid])}"' in body
    assert reverse("members", args=[collectivite.public_id]) not in body


def test_the_number_of_queries_does_not_grow_with_the_collectivites(client, catalogue, referent):
    def count():
        client.get(URL)  # session and user cached in the first request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    client.force_login(referent)
    DiagnosticFactory(collectivite=referent.memberships.get().collectivite, catalogue=catalogue)
    before = count()
    for _ in range(3):
        membership = MembershipFactory(
            user=referent, collectivite=CollectiviteFactory(), role="referent"
        )
        DiagnosticFactory(collectivite=membership.collectivite, catalogue=catalogue)
        DiagnosticFactory(collectivite=membership.collectivite, catalogue=catalogue, year=2025)
    assert count() == before
