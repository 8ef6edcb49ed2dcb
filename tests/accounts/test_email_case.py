"""One account per e-mail address, whatever its case: in the database and at every way in."""

import json

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Invitation, User
from accounts.services import (
    EmailTaken,
    create_account_from_invitation,
    invitation_token,
    invite_member,
)
from tests.factories import CollectiviteFactory, MembershipFactory, UserFactory

OWNER = "referent@val-darmor.localhost"
OTHER_CASE = "Referent@Val-Darmor.localhost"
PASSWORD = "mot-de-passe-de-test"  # tests.factories.UserFactory's
TAKEN = "Un compte existe déjà avec cette adresse électronique (les majuscules n’y changent rien)."
NO_MEMBERSHIPS = {
    "memberships-TOTAL_FORMS": "0",
    "memberships-INITIAL_FORMS": "0",
    "memberships-MIN_NUM_FORMS": "0",
    "memberships-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def owner(db):
    return UserFactory(email=OWNER)


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def page(response) -> str:
    return response.content.decode().replace("&#x27;", "’")


# --- The database -------------------------------------------------------------------------------


def test_the_database_refuses_an_address_that_differs_only_by_case(owner):
    with pytest.raises(IntegrityError), transaction.atomic():
        User(email=OTHER_CASE).save()
    assert User.objects.count() == 1


def test_the_constraint_speaks_french_to_model_validation(owner):
    with pytest.raises(Exception, match="Un compte existe déjà avec cette adresse"):
        User(email=OTHER_CASE).validate_constraints()


def test_the_user_manager_stores_addresses_lower_cased(db):
    user = User.objects.create_user(email="  Camille.Dupont@Exemple.localhost ")
    assert user.email == "camille.dupont@exemple.localhost"
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="CAMILLE.DUPONT@exemple.localhost")


# --- The admin ----------------------------------------------------------------------------------


def test_the_admin_refuses_to_add_an_account_whose_address_differs_only_by_case(
    admin_client, owner
):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"email": OTHER_CASE, "full_name": "Doublon", "usable_password": "false", **NO_MEMBERSHIPS},
    )
    assert response.status_code == 200
    assert page(response).count(TAKEN) == 1
    assert User.objects.filter(email__iexact=OWNER).count() == 1


def test_the_admin_stores_a_new_address_lower_cased(admin_client, db):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": " Nouvelle.Personne@Exemple.localhost ",
            "full_name": "Nouvelle Personne",
            "usable_password": "false",
            **NO_MEMBERSHIPS,
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="nouvelle.personne@exemple.localhost").exists()


def test_the_admin_refuses_to_give_an_account_the_address_of_another_in_another_case(
    admin_client, owner
):
    other = UserFactory()
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[other.pk]),
        {"email": OTHER_CASE, "full_name": other.full_name, "is_active": "on", **NO_MEMBERSHIPS},
    )
    assert response.status_code == 200
    assert TAKEN in page(response)
    other.refresh_from_db()
    assert other.email != OWNER


def test_the_admin_keeps_an_account_s_own_address_in_another_case(admin_client, owner):
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[owner.pk]),
        {"email": OTHER_CASE, "full_name": "Claire", "is_active": "on", **NO_MEMBERSHIPS},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert (owner.email, owner.full_name) == (OWNER, "Claire")


def test_the_admin_login_takes_the_address_in_any_case(client, db):
    staff = UserFactory(email="admin@aeict.localhost", is_staff=True)
    response = client.post(
        reverse("admin:login"), {"username": "Admin@AEICT.localhost", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


# --- Log in, password reset ---------------------------------------------------------------------


def test_the_login_takes_the_address_in_any_case(client, owner):
    response = client.post(reverse("login"), {"username": OTHER_CASE, "password": PASSWORD})
    assert response.status_code == 302


def test_a_reset_asked_in_another_case_reaches_the_account(client, owner):
    client.post(reverse("password_reset"), {"email": OTHER_CASE})
    assert [message.to for message in mail.outbox] == [[OWNER]]


# --- Invitations and the accounts made from them ------------------------------------------------


def test_an_invitation_keeps_the_address_lower_cased(client, collectivite, referent):
    client.force_login(referent)
    response = client.post(
        reverse("members", args=[collectivite.public_id]), {"email": OTHER_CASE, "role": "agent"}
    )
    assert response.status_code == 302
    assert Invitation.objects.get().email == OWNER


def test_the_invitation_service_keeps_the_address_lower_cased(collectivite, referent):
    invitation = invite_member(
        collectivite=collectivite,
        email=f" {OTHER_CASE} ",
        role="agent",
        by=referent,
        base_url="http://testserver",
    )
    assert invitation.email == OWNER


def test_signing_up_from_an_invitation_in_another_case_asks_to_log_in(client, owner):
    # An invitation written before addresses were lower-cased.
    invitation = Invitation.objects.create(
        collectivite=CollectiviteFactory(),
        email=OTHER_CASE,
        role="agent",
        invited_by=UserFactory(is_staff=True),  # a sender who may still invite
    )
    link = reverse("accept_invitation", args=[invitation_token(invitation)])
    response = client.post(
        link,
        {
            "full_name": "Doublon",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
        follow=True,
    )
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "Un compte existe déjà pour" in page(response)
    assert User.objects.filter(email__iexact=OWNER).count() == 1


def test_the_account_service_refuses_an_address_taken_in_another_case(owner):
    """As when two people sign up at once: the view's check is passed, the service refuses."""
    invitation = Invitation.objects.create(
        collectivite=CollectiviteFactory(),
        email=OTHER_CASE,
        role="agent",
        invited_by=UserFactory(is_staff=True),  # a sender who may still invite
    )
    with pytest.raises(EmailTaken):
        create_account_from_invitation(
            invitation=invitation, full_name="Doublon", password="un-mot-de-passe-solide"
        )
    assert User.objects.filter(email__iexact=OWNER).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# --- The import of a collectivité ----------------------------------------------------------------


def test_the_import_reuses_the_account_whose_address_differs_only_by_case(
    catalogue, owner, tmp_path
):
    membership = MembershipFactory(user=owner, role="referent")
    collectivite = membership.collectivite
    Invitation.objects.create(collectivite=collectivite, email="x@exemple.localhost", role="elu")
    path = tmp_path / "export.json"
    call_command("export_collectivite", "--siren", collectivite.siren, "--output", str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    collectivite.delete()
    # A file written by hand, or by a version that kept the case as typed.
    shouted = json.loads(
        json.dumps(data)
        .replace(OWNER, OTHER_CASE)
        .replace("x@exemple.localhost", "X@Exemple.localhost")
    )
    path.write_text(json.dumps(shouted), encoding="utf-8")

    # Without the option, the import names the existing account (in its stored spelling)…
    with pytest.raises(CommandError, match=OWNER):
        call_command("import_collectivite", str(path))
    # …and with it, attaches that account rather than creating a second one.
    call_command("import_collectivite", str(path), "--attach-existing-accounts")

    assert list(User.objects.filter(email__iexact=OWNER)) == [owner]
    assert owner.memberships.get().role == "referent"
    assert Invitation.objects.get().email == "x@exemple.localhost"
