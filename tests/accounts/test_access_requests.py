"""« Demander un accès »: a newcomer asks, an administrator accepts (collectivité created, person
invited as référent) or refuses with a reason; each told by mail, sent by the worker."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.access_requests import (
    send_access_request_received_mails,
    send_access_request_refused_mail,
)
from accounts.enums import AccessRequestStatus, Role
from accounts.models import AccessRequest, Collectivite, Invitation
from accounts.services import send_invitation_mail, sender_may_invite
from tests.factories import CollectiviteFactory, MembershipFactory, UserFactory
from tests.tasks import queued, run_queued_tasks

pytestmark = pytest.mark.django_db

FORM = {
    "collectivite_name": "Commune de Saint-Martin-des-Champs",
    "siren": "214 401 093",
    "kind": "commune",
    "full_name": "Inès Laurent",
    "job_title": "Chargée de mission relations internationales",
    "email": "Ines.Laurent@Saint-Martin.localhost",
    "message": "Nous préparons le bilan du mandat.",
}


@pytest.fixture
def reviewer(db):
    """Not staff, not superuser: the permission alone makes a reviewer."""
    user = UserFactory(full_name="Paul Plateforme")
    user.user_permissions.add(Permission.objects.get(codename="change_accessrequest"))
    return user


def ask(client, **changes):
    return client.post(reverse("access_request"), {**FORM, **changes})


def a_request(**changes) -> AccessRequest:
    values = {**FORM, "siren": "214401093", "email": "ines.laurent@saint-martin.localhost"}
    return AccessRequest.objects.create(**{**values, **changes})


def review_url(access_request):
    return reverse("access_request_review", args=[access_request.public_id])


def test_a_request_is_recorded_and_both_sides_are_told_by_the_worker(
    client, reviewer, queue, mail_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("access_request_sent")
    access_request = AccessRequest.objects.get()
    assert (access_request.siren, access_request.email, access_request.status) == (
        "214401093",
        "ines.laurent@saint-martin.localhost",
        AccessRequestStatus.PENDING,
    )
    assert mail_server == []
    assert queued(queue) == [
        (send_access_request_received_mails, {"request_id": access_request.pk})
    ]
    run_queued_tasks(queue)
    by_recipient = {message.to[0]: message for message in mail_server}
    assert set(by_recipient) == {access_request.email, reviewer.email}
    assert "bien reçue" in by_recipient[access_request.email].subject
    assert f"http://testserver{review_url(access_request)}" in by_recipient[reviewer.email].body


def test_a_wrong_siren_is_refused_in_french_and_nothing_typed_is_lost(client):
    response = ask(client, siren="214401094")
    assert response.status_code == 400
    content = response.content.decode()
    assert "Ce SIREN n’est pas valide (la clé de contrôle ne correspond pas)." in content
    assert 'value="214401094"' in content
    assert 'value="Inès Laurent"' in content
    assert "Nous préparons le bilan du mandat." in content
    assert not AccessRequest.objects.exists()


def test_a_missing_field_is_named_in_the_summary(client):
    response = ask(client, job_title="")
    assert response.status_code == 400
    assert re.search(r'<a href="#id_job_title">Votre fonction</a>', response.content.decode())


def test_requests_from_one_address_are_limited(client, settings):
    settings.ACCESS_REQUEST_LIMIT_PER_IP = 2
    assert [ask(client).status_code for _ in range(3)] == [302, 302, 400]
    assert AccessRequest.objects.count() == 2
    assert "Trop de demandes" in ask(client).content.decode()


def test_only_reviewers_see_the_queue(client, reviewer):
    pending = a_request()
    for url in (reverse("access_requests"), review_url(pending)):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]
        client.force_login(MembershipFactory(role=Role.REFERENT).user)
        assert client.get(url).status_code == 404
        client.logout()
    client.force_login(MembershipFactory(role=Role.REFERENT).user)
    assert client.post(review_url(pending), {"accepter": "1"}).status_code == 404
    client.logout()
    assert AccessRequest.objects.get().status == AccessRequestStatus.PENDING
    client.force_login(reviewer)
    content = client.get(reverse("access_requests")).content.decode()
    assert "1 demande en attente" in content and FORM["collectivite_name"] in content


def test_accepting_creates_the_collectivite_and_invites_the_person_as_referent(
    client, reviewer, queue, mail_server, django_capture_on_commit_callbacks
):
    pending = a_request()
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review_url(pending), {"accepter": "1"})
    assert response.status_code == 302
    collectivite = Collectivite.objects.get(siren="214401093")
    assert (collectivite.name, collectivite.kind) == (FORM["collectivite_name"], "commune")
    invitation = Invitation.objects.get(collectivite=collectivite)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        pending.email,
        Role.REFERENT,
        reviewer,
    )
    assert sender_may_invite(invitation)
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.collectivite) == (
        AccessRequestStatus.ACCEPTED,
        reviewer,
        collectivite,
    )
    assert [task for task, _kwargs in queued(queue)] == [send_invitation_mail]
    run_queued_tasks(queue)
    assert [message.to for message in mail_server] == [[pending.email]]
    assert "/invitation/" in mail_server[0].body


def test_a_collectivite_already_registered_with_a_referent_is_not_given_another(client, reviewer):
    existing = CollectiviteFactory(siren="214401093")
    MembershipFactory(collectivite=existing, role=Role.REFERENT)
    pending = a_request()
    client.force_login(reviewer)
    response = client.post(review_url(pending), {"accepter": "1"})
    assert response.status_code == 400
    assert "a déjà un référent sur la plateforme" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == AccessRequestStatus.PENDING
    assert not Invitation.objects.exists()


def test_a_registered_collectivite_without_referent_gets_the_person_as_referent(client, reviewer):
    existing = CollectiviteFactory(siren="214401093", name="Saint-Martin")
    pending = a_request()
    client.force_login(reviewer)
    assert client.post(review_url(pending), {"accepter": "1"}).status_code == 302
    assert Collectivite.objects.filter(siren="214401093").count() == 1
    assert Invitation.objects.get().collectivite == existing


def test_refusing_needs_a_reason_which_is_mailed(
    client, reviewer, queue, mail_server, django_capture_on_commit_callbacks
):
    pending = a_request()
    client.force_login(reviewer)
    response = client.post(review_url(pending), {"refuser": "1", "reason": "  "})
    assert response.status_code == 400
    assert "Motif du refus" in response.content.decode()
    assert AccessRequest.objects.get().status == AccessRequestStatus.PENDING
    reason = "La plateforme est réservée aux collectivités territoriales."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review_url(pending), {"refuser": "1", "reason": reason})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.refusal_reason) == (AccessRequestStatus.REFUSED, reason)
    assert queued(queue) == [(send_access_request_refused_mail, {"request_id": pending.pk})]
    run_queued_tasks(queue)
    assert [message.to for message in mail_server] == [[pending.email]]
    assert reason in mail_server[0].body
    assert not Collectivite.objects.exists()


def test_a_request_is_decided_once(client, reviewer):
    pending = a_request()
    client.force_login(reviewer)
    client.post(review_url(pending), {"refuser": "1", "reason": "Doublon."})
    response = client.post(review_url(pending), {"accepter": "1"})
    assert response.status_code == 400
    assert "Cette demande a déjà été traitée (refusée)." in response.content.decode()
    assert not Collectivite.objects.exists()


def test_refused_requests_are_deleted_after_a_year():
    old = a_request(
        status=AccessRequestStatus.REFUSED, decided_at=timezone.now() - timedelta(days=366)
    )
    recent = a_request(
        status=AccessRequestStatus.REFUSED, decided_at=timezone.now() - timedelta(days=300)
    )
    accepted = a_request(
        status=AccessRequestStatus.ACCEPTED, decided_at=timezone.now() - timedelta(days=800)
    )
    out = StringIO()
    call_command("prune_access_requests", stdout=out)
    assert out.getvalue().strip() == "1\u00a0demande d’accès refusée supprimée."
    assert set(AccessRequest.objects.values_list("pk", flat=True)) == {recent.pk, accepted.pk}
    assert not AccessRequest.objects.filter(pk=old.pk).exists()


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("mentions_legales", "Mentions légales"),
        ("donnees_personnelles", "Données personnelles"),
        ("contact", "Contact"),
        ("aide", "Aide"),
        ("access_request", "Demander un accès"),
    ],
)
def test_the_newcomers_pages_are_public_and_linked_from_every_page(client, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()
    if name != "access_request":
        footer = client.get(reverse("home")).content.decode().split("<footer", 1)[1]
        assert f'href="{reverse(name)}"' in footer


def test_the_legal_pages_show_the_operator_s_settings(client, settings):
    settings.PLATFORM_OPERATOR = "Association des collectivités pour l’international"
    settings.HOSTING_PROVIDER = "Hébergeur SAS, 1 rue de l’Exemple, 75001 Paris"
    settings.DATA_PROTECTION_EMAIL = "dpo@exemple.localhost"
    legal = client.get(reverse("mentions_legales")).content.decode()
    assert "Association des collectivités pour l’international" in legal
    assert "Hébergeur SAS" in legal
    privacy = client.get(reverse("donnees_personnelles")).content.decode()
    assert "mailto:dpo@exemple.localhost" in privacy


def test_the_deployment_check_asks_for_the_legal_notice_s_facts(settings):
    from django.core import checks

    settings.PLATFORM_OPERATOR = ""
    settings.CONTACT_EMAIL = "contact@aeict.localhost"
    ids = {message.id for message in checks.run_checks(include_deployment_checks=True)}
    assert {"aeict.W001", "aeict.W002"} <= ids
    settings.PLATFORM_OPERATOR = "Exploitant"
    settings.PLATFORM_OPERATOR_ADDRESS = "Adresse"
    settings.PUBLICATION_DIRECTOR = "Direction"
    settings.HOSTING_PROVIDER = "Hébergeur"
    settings.CONTACT_EMAIL = "contact@aeict.example.fr"
    ids = {message.id for message in checks.run_checks(include_deployment_checks=True)}
    assert not {"aeict.W001", "aeict.W002"} & ids


def test_a_siren_of_the_official_list_gives_its_name_kind_and_population(client, reviewer):
    from territories.models import Territory

    entry = Territory.objects.create(
        kind="epci",
        epci_nature="METRO",
        code="214401093",
        siren="214401093",
        name="Métropole de Saint-Martin",
        search_name="metropole de saint-martin",
        population=412_000,
    )
    pending = a_request(kind="commune")
    client.force_login(reviewer)
    assert (
        "La liste officielle connaît ce SIREN" in client.get(review_url(pending)).content.decode()
    )
    assert client.post(review_url(pending), {"accepter": "1"}).status_code == 302
    collectivite = Collectivite.objects.get(siren="214401093")
    assert (
        collectivite.official,
        collectivite.name,
        collectivite.kind,
        collectivite.population,
    ) == (
        entry,
        "Métropole de Saint-Martin",
        "metropole",
        412_000,
    )
