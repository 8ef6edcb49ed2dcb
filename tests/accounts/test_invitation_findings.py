"""Regressions of issue 11: a removed référent's invitation, and the link opened by someone else."""

import re

from django.core import mail
from django.urls import reverse

from accounts.models import Membership, User
from tests.factories import MembershipFactory, UserFactory


def invitation_link(message) -> str:
    return re.search(r"http://testserver(/invitation/[^\s]+/)", message.body).group(1)


def invite(client, collectivite, by, email, role, capture):
    client.force_login(by)
    with capture(execute=True):
        response = client.post(
            reverse("members", args=[collectivite.public_id]), {"email": email, "role": role}
        )
    assert response.status_code == 302
    client.logout()
    return invitation_link(mail.outbox[-1])


def sign_up(client, link):
    return client.post(
        link,
        {
            "full_name": "Revenant",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )


def test_a_removed_referent_does_not_get_back_in_through_a_pending_invitation(
    client, collectivite, referent, django_capture_on_commit_callbacks
):
    MembershipFactory(collectivite=collectivite, role="referent")  # the one who stays
    link = invite(
        client,
        collectivite,
        referent,
        "perso@exemple.localhost",
        "referent",
        django_capture_on_commit_callbacks,
    )
    # Removed by other means than the members page (the admin, say).
    Membership.objects.filter(user=referent, collectivite=collectivite).delete()

    assert client.get(link).status_code == 404
    response = sign_up(client, link)

    assert response.status_code == 404
    assert not User.objects.filter(email="perso@exemple.localhost").exists()


def test_a_demoted_referent_s_pending_invitation_no_longer_works(
    client, collectivite, referent, django_capture_on_commit_callbacks
):
    MembershipFactory(collectivite=collectivite, role="referent")
    link = invite(
        client,
        collectivite,
        referent,
        "perso@exemple.localhost",
        "referent",
        django_capture_on_commit_callbacks,
    )
    Membership.objects.filter(user=referent, collectivite=collectivite).update(role="agent")

    assert sign_up(client, link).status_code == 404
    assert not Membership.objects.filter(user__email="perso@exemple.localhost").exists()


def test_an_invitation_whose_sender_was_deleted_no_longer_works(
    client, collectivite, referent, django_capture_on_commit_callbacks
):
    MembershipFactory(collectivite=collectivite, role="referent")
    link = invite(
        client,
        collectivite,
        referent,
        "perso@exemple.localhost",
        "agent",
        django_capture_on_commit_callbacks,
    )
    referent.delete()

    assert sign_up(client, link).status_code == 404


def test_an_invitation_opened_by_someone_else_says_who_is_who_and_offers_to_log_out(
    client, collectivite, referent, django_capture_on_commit_callbacks
):
    invited = UserFactory(email="invitee@exemple.localhost")
    link = invite(
        client,
        collectivite,
        referent,
        invited.email,
        "agent",
        django_capture_on_commit_callbacks,
    )
    someone_else = UserFactory(email="quelqu.un@exemple.localhost")
    client.force_login(someone_else)

    response = client.get(link)

    assert response.status_code == 200
    content = response.content.decode()
    assert someone_else.email in content
    assert invited.email in content
    assert f'action="{reverse("logout")}"' in content
    assert f'name="next" value="{link}"' in content
    # Logging out leads back to the invitation, which asks the invitee to log in.
    response = client.post(reverse("logout"), {"next": link})
    assert response.status_code == 302
    assert response.url == link
    response = client.get(link)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={link}"


def test_the_login_page_with_an_invitation_as_next_does_not_loop(
    client, collectivite, referent, django_capture_on_commit_callbacks
):
    invited = UserFactory(email="invitee@exemple.localhost")
    link = invite(
        client,
        collectivite,
        referent,
        invited.email,
        "agent",
        django_capture_on_commit_callbacks,
    )
    client.force_login(UserFactory())

    response = client.get(link, follow=True)

    assert len(response.redirect_chain) == 0
    assert response.status_code == 200
