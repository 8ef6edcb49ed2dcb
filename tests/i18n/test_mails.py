"""Mails are written in the recipient's language when their account chose one, else in French,
whatever language the worker (or the request that queued them) runs in."""

import pytest
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils import translation

from accounts import services as account_services
from accounts.models import Invitation
from notifications import mails
from notifications.enums import NotificationKind
from tests.factories import UserFactory


@pytest.fixture
def rendered_in(monkeypatch):
    """The language active each time a mail's template is rendered."""
    languages = []

    def recording(template, context=None, *args, **kwargs):
        languages.append(translation.get_language())
        return loader.render_to_string(template, context, *args, **kwargs)

    monkeypatch.setattr(mails, "render_to_string", recording)
    monkeypatch.setattr(account_services, "render_to_string", recording)
    return languages


def test_each_notification_is_in_its_recipient_s_language(db, mail_server, rendered_in):
    people = [UserFactory(language="en"), UserFactory(language="fr"), UserFactory()]
    with translation.override("en"):  # what the worker happens to run in does not matter
        mails._send(
            recipients=people,
            kind=NotificationKind.DIAGNOSTIC_SUBMITTED,
            subject=translation.get_language,
            template="emails/notification_submitted.txt",
            context={"diagnostic": None, "actor": "Léa", "link": "http://testserver/"},
        )
    assert [(m.to[0], m.subject) for m in mail_server] == [
        (people[0].email, "en"),
        (people[1].email, "fr"),
        (people[2].email, "fr"),
    ]
    assert rendered_in == ["en", "fr", "fr"]


def test_an_invitation_is_in_the_language_of_the_invitee_s_account(
    db, collectivite, referent, mail_server, rendered_in
):
    UserFactory(email="deja@exemple.localhost", language="en")
    for email in ["deja@exemple.localhost", "nouveau@exemple.localhost"]:
        invitation = Invitation.objects.create(
            collectivite=collectivite, email=email, role="agent", invited_by=referent
        )
        with translation.override("en"):
            account_services.send_invitation_mail.call(
                invitation_id=invitation.pk, base_url="http://testserver"
            )
    assert [m.to[0] for m in mail_server] == ["deja@exemple.localhost", "nouveau@exemple.localhost"]
    # Someone without an account gets French, the site's language.
    assert rendered_in == ["en", "fr"]


@pytest.mark.parametrize(("language", "expected"), [("en", "en"), ("", "fr"), ("fr", "fr")])
def test_a_password_reset_is_in_the_account_s_language(
    db, monkeypatch, mail_server, language, expected
):
    user = UserFactory(language=language)
    languages = []
    send = PasswordResetForm.send_mail

    def recording(self, *args, **kwargs):
        languages.append(translation.get_language())
        return send(self, *args, **kwargs)

    monkeypatch.setattr(PasswordResetForm, "send_mail", recording)
    with translation.override("en" if expected == "fr" else "fr"):
        account_services.send_password_reset_mail.call(
            email=user.email, domain="testserver", use_https=False
        )
    assert [m.to[0] for m in mail_server] == [user.email]
    assert languages == [expected]
