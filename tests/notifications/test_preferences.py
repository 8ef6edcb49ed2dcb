"""« Mes notifications »: each person turns each kind of mail on or off, for themselves only."""

from django.test import Client
from django.urls import reverse

from notifications.models import NotificationPreference

URL = "/compte/notifications/"


def test_the_page_lives_under_the_account(db):
    assert reverse("notification_settings") == URL


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_every_kind_is_on_until_turned_off(client, elu):
    client.force_login(elu)
    page = client.get(URL).content.decode()
    assert "<legend" in page and "M’envoyer un courriel quand…" in page
    assert page.count('type="checkbox"') == 5
    assert page.count(" checked") == 5
    assert 'aria-current="page">Mes notifications</a>' in page  # linked from the header


def test_a_person_turns_one_kind_off_and_keeps_the_others(client, elu, agent):
    client.force_login(elu)
    response = client.post(
        URL, {"diagnostic_submitted": "on", "diagnostic_reopened": "on", "member_joined": "on"}
    )
    assert response.status_code == 302
    assert response.url == URL
    preference = NotificationPreference.objects.get(user=elu)
    assert not preference.report_ready
    assert preference.diagnostic_submitted and preference.diagnostic_reopened
    page = client.get(URL).content.decode()
    assert "Vos choix de notifications sont enregistrés." in page
    assert page.count(" checked") == 3
    assert not NotificationPreference.objects.filter(user=agent).exists()


def test_turning_everything_off_is_a_choice_too(client, elu):
    client.force_login(elu)
    client.post(URL, {})
    preference = NotificationPreference.objects.get(user=elu)
    assert not any(
        getattr(preference, kind)
        for kind in ("diagnostic_submitted", "diagnostic_reopened", "report_ready", "member_joined")
    )


def test_a_post_without_the_csrf_token_is_refused(elu):
    client = Client(enforce_csrf_checks=True)
    client.force_login(elu)
    response = client.post(URL, {})
    assert response.status_code == 403
    assert not NotificationPreference.objects.filter(user=elu).exists()


def test_other_methods_are_refused(client, elu):
    client.force_login(elu)
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405
