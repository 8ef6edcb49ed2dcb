import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from accounts.models import Invitation, Membership, User
from accounts.services import INVITATION_SALT
from tests.factories import MembershipFactory, UserFactory


def invitation_link(message) -> str:
    return re.search(r"http://testserver(/invitation/[^\s]+/)", message.body).group(1)


def test_login_by_email_and_password(client, referent):
    response = client.post(
        reverse("login"), {"username": referent.email.upper(), "password": "mot-de-passe-de-test"}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_a_wrong_password_gets_a_french_message(client, referent):
    response = client.post(reverse("login"), {"username": referent.email, "password": "non"})
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect" in response.content.decode()


def test_public_pages_need_no_login(client, catalogue):
    for name in ["home", "methode", "accessibilite", "login", "password_reset"]:
        assert client.get(reverse(name)).status_code == 200, name


def test_the_home_page_lists_the_ten_recommendations_in_the_study_wording(client, catalogue):
    content = client.get(reverse("home")).content.decode()
    for recommendation in catalogue.recommendations.all():
        assert recommendation.wording in content


def test_other_pages_need_a_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_referent_invites_a_colleague_who_creates_an_account(
    client, referent, collectivite, django_capture_on_commit_callbacks
):
    client.force_login(referent)
    url = reverse("members", args=[collectivite.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Nouvelle.Agente@Exemple.localhost", "role": "agent"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert collectivite.name in mail.outbox[0].subject
    link = invitation_link(mail.outbox[0])
    client.logout()
    page = client.get(link)
    assert "Créer mon compte" in page.content.decode()
    response = client.post(
        link,
        {
            "full_name": "Nouvelle Agente",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle.agente@exemple.localhost")
    assert Membership.objects.get(user=user, collectivite=collectivite).role == "agent"
    # The link is single-use.
    client.logout()
    assert client.get(link).status_code == 404


def test_a_weak_password_is_refused_in_french(
    client, referent, collectivite, django_capture_on_commit_callbacks
):
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members", args=[collectivite.public_id]),
            {"email": "x@exemple.localhost", "role": "elu"},
        )
    assert response.status_code == 302
    link = invitation_link(mail.outbox[0])
    client.logout()
    response = client.post(
        link, {"full_name": "X", "password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 200
    assert "trop court" in response.content.decode() or "12 caractères" in response.content.decode()
    assert not User.objects.filter(email="x@exemple.localhost").exists()


def test_an_expired_invitation_is_refused(client, referent, collectivite, settings):
    invitation = Invitation.objects.create(
        collectivite=collectivite, email="y@exemple.localhost", role="agent", invited_by=referent
    )
    token = signing.dumps(str(invitation.public_id), salt=INVITATION_SALT, compress=True)
    settings.INVITATION_MAX_AGE = -1
    response = client.get(reverse("accept_invitation", args=[token]))
    assert response.status_code == 404
    assert "expiré" in response.content.decode()


def test_a_tampered_invitation_is_refused(client):
    response = client.get(reverse("accept_invitation", args=["pas-un-jeton"]))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["agent", "elu"])
def test_only_a_referent_manages_members(client, collectivite, role):
    user = MembershipFactory(collectivite=collectivite, role=role).user
    client.force_login(user)
    url = reverse("members", args=[collectivite.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"email": "z@exemple.localhost", "role": "referent"}).status_code == 403
    assert not Invitation.objects.exists()


def test_members_of_another_collectivite_get_404(client, collectivite, outsider):
    client.force_login(outsider)
    assert client.get(reverse("members", args=[collectivite.public_id])).status_code == 404


def test_password_reset_says_the_same_whether_the_address_exists_or_not(client, db):
    UserFactory(email="connu@exemple.localhost")
    known = client.post(reverse("password_reset"), {"email": "connu@exemple.localhost"})
    unknown = client.post(reverse("password_reset"), {"email": "inconnu@exemple.localhost"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 1
    assert "/mot-de-passe/nouveau/" in mail.outbox[0].body
