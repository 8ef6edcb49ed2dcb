"""Mail leaves through the task worker: a request does the same work whoever the address belongs
to, and nobody can keep an address's owner from getting a reset mail for long."""

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.services import send_invitation_mail, send_password_reset_mail
from tests.factories import UserFactory
from tests.tasks import run_queued_tasks

PASSWORD = "mot-de-passe-de-test"


def ask_reset(client, email, ip="192.0.2.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


# --- Password reset -----------------------------------------------------------------------------


def test_a_reset_request_queues_the_same_task_whether_the_address_has_an_account_or_not(
    client, db, queue, mail_server, settings
):
    UserFactory(email="connue@exemple.localhost")

    known = ask_reset(client, "connue@exemple.localhost", ip="192.0.2.1")
    unknown = ask_reset(client, "inconnue@exemple.localhost", ip="192.0.2.2")

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    assert mail_server == []  # neither request waited on the mail server
    assert [(r.task, r.args, r.kwargs) for r in queue.results] == [
        (
            send_password_reset_mail,
            [],
            {"email": email, "domain": "testserver", "use_https": False},
        )
        for email in ["connue@exemple.localhost", "inconnue@exemple.localhost"]
    ]
    json.dumps([result.kwargs for result in queue.results])  # the database queue stores JSON

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_queued_tasks(queue)

    assert [message.to for message in mail.outbox] == [["connue@exemple.localhost"]]
    assert "http://testserver/mot-de-passe/nouveau/" in mail.outbox[0].body


def test_the_reset_link_sent_by_the_worker_works(client, db):
    user = UserFactory()
    ask_reset(client, user.email)
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert "Enregistrer le mot de passe" in form_page.content.decode()


class Clock:
    """aeict.ratelimit's view of time, moved by the test (the cache's own clock is left alone)."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(3600 * 500_000)  # the start of an hour, so that minutes later is the same hour
    monkeypatch.setattr("aeict.ratelimit.time", clock)
    return clock


def test_requests_from_elsewhere_do_not_lock_the_owner_out_of_password_reset(client, db, clock):
    owner = UserFactory()
    for n in range(6):  # an attacker, from as many addresses as it takes
        ask_reset(client, owner.email, ip=f"203.0.113.{n}")
    assert len(mail.outbox) == 1  # a single mail, to the owner, for all these requests

    clock.now += 60
    ask_reset(client, owner.email, ip="198.51.100.4")
    assert len(mail.outbox) == 1  # too soon after the last mail

    clock.now += 5 * 60
    response = ask_reset(client, owner.email, ip="198.51.100.4")
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 2
    assert mail.outbox[-1].to == [owner.email]


def test_the_interval_between_two_reset_mails_is_a_setting(client, db, clock, settings):
    settings.PASSWORD_RESET_EMAIL_INTERVAL = 60
    owner = UserFactory()
    ask_reset(client, owner.email, ip="203.0.113.1")
    clock.now += 60
    ask_reset(client, owner.email, ip="203.0.113.2")
    assert len(mail.outbox) == 2


# --- Invitations --------------------------------------------------------------------------------


def test_the_invitation_mail_is_sent_by_the_worker_not_in_the_request(
    client,
    collectivite,
    referent,
    queue,
    mail_server,
    settings,
    django_capture_on_commit_callbacks,
):
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members", args=[collectivite.public_id]),
            {"email": "nouvelle@exemple.localhost", "role": "agent"},
        )
    assert response.status_code == 302
    assert mail_server == []
    [queued] = queue.results
    assert queued.task == send_invitation_mail
    json.dumps(queued.kwargs)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_queued_tasks(queue)

    [message] = mail.outbox
    assert message.to == ["nouvelle@exemple.localhost"]
    assert collectivite.name in message.subject
    assert referent.display_name in message.body
    link = re.search(r"http://testserver(/invitation/\S+/)", message.body)[1]
    client.logout()
    assert "Créer mon compte" in client.get(link).content.decode()


def test_an_invitation_is_queued_only_once_its_transaction_commits(
    client, collectivite, referent, queue, django_capture_on_commit_callbacks
):
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("members", args=[collectivite.public_id]),
            {"email": "nouvelle@exemple.localhost", "role": "agent"},
        )
    assert queue.results == []
    assert len(callbacks) == 1
