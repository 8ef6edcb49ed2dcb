"""The services that change members: the last référent stays, invitations die with their
sender's rights, and every change is in the journal."""

import re

import pytest
from django.core import mail

from accounts.enums import MemberEventKind
from accounts.models import Invitation, MemberEvent, Membership
from accounts.services import (
    AlreadyInvited,
    AlreadyMember,
    InvitationInvalid,
    InvitationNotPending,
    LastReferent,
    NotReferent,
    accept_invitation,
    change_role,
    invitation_from_token,
    invitation_token,
    invite_member,
    remove_member,
    resend_invitation,
    revoke_invitation,
)
from tests.factories import MembershipFactory, UserFactory

BASE_URL = "http://testserver"


def membership_of(user, collectivite):
    return Membership.objects.get(user=user, collectivite=collectivite)


def invite(collectivite, by, email="invitee@exemple.localhost", role="agent"):
    return invite_member(
        collectivite=collectivite, email=email, role=role, by=by, base_url=BASE_URL
    )


def kinds(collectivite):
    return list(
        MemberEvent.objects.filter(collectivite=collectivite)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def test_the_last_referent_cannot_demote_themselves(collectivite, referent, agent):
    with pytest.raises(LastReferent):
        change_role(membership=membership_of(referent, collectivite), role="agent", by=referent)
    assert membership_of(referent, collectivite).role == "referent"
    assert kinds(collectivite) == []


def test_the_last_referent_cannot_be_removed(collectivite, referent):
    with pytest.raises(LastReferent):
        remove_member(membership=membership_of(referent, collectivite), by=referent)
    assert membership_of(referent, collectivite).role == "referent"


def test_a_referent_demotes_another_and_the_journal_says_who_and_what(collectivite, referent):
    other = MembershipFactory(collectivite=collectivite, role="referent")

    change_role(membership=other, role="elu", by=referent)

    other.refresh_from_db()
    assert other.role == "elu"
    event = MemberEvent.objects.get(collectivite=collectivite)
    assert event.kind == MemberEventKind.ROLE_CHANGED
    assert event.actor == referent
    assert (event.target_email, event.old_role, event.new_role) == (
        other.user.email,
        "referent",
        "elu",
    )


def test_once_demoted_the_last_but_one_referent_is_the_last(collectivite, referent):
    other = MembershipFactory(collectivite=collectivite, role="referent")
    change_role(membership=other, role="agent", by=referent)
    with pytest.raises(LastReferent):
        change_role(membership=membership_of(referent, collectivite), role="agent", by=referent)


def test_only_a_referent_of_the_collectivite_changes_members(collectivite, referent, agent):
    with pytest.raises(NotReferent):
        change_role(membership=membership_of(referent, collectivite), role="elu", by=agent)
    with pytest.raises(NotReferent):
        remove_member(membership=membership_of(agent, collectivite), by=UserFactory())
    assert Membership.objects.filter(collectivite=collectivite).count() == 2


def test_an_unknown_role_is_refused(collectivite, referent, agent):
    with pytest.raises(ValueError):
        change_role(membership=membership_of(agent, collectivite), role="roi", by=referent)


def test_demoting_a_referent_revokes_the_invitations_they_sent(collectivite, referent):
    other = MembershipFactory(collectivite=collectivite, role="referent")
    sent = invite(collectivite, other.user, role="referent")
    mine = invite(collectivite, referent, email="autre@exemple.localhost")

    change_role(membership=other, role="agent", by=referent)

    sent.refresh_from_db()
    mine.refresh_from_db()
    assert sent.revoked_at is not None
    assert mine.revoked_at is None
    with pytest.raises(InvitationInvalid):
        invitation_from_token(invitation_token(sent))
    assert kinds(collectivite)[-2:] == [
        MemberEventKind.ROLE_CHANGED,
        MemberEventKind.INVITATION_REVOKED,
    ]
    revoked = MemberEvent.objects.filter(kind=MemberEventKind.INVITATION_REVOKED).get()
    assert revoked.actor == referent
    assert revoked.target_email == sent.email
    assert "plus référent" in revoked.details


def test_removing_a_member_revokes_the_invitations_they_sent(collectivite, referent):
    other = MembershipFactory(collectivite=collectivite, role="referent")
    sent = invite(collectivite, other.user, role="referent")

    remove_member(membership=other, by=referent)

    assert not Membership.objects.filter(pk=other.pk).exists()
    sent.refresh_from_db()
    assert sent.revoked_at is not None
    assert kinds(collectivite)[-2:] == [
        MemberEventKind.MEMBER_REMOVED,
        MemberEventKind.INVITATION_REVOKED,
    ]
    removed = MemberEvent.objects.get(kind=MemberEventKind.MEMBER_REMOVED)
    assert (removed.actor, removed.target_email, removed.old_role) == (
        referent,
        other.user.email,
        "referent",
    )


def test_an_invitation_accepted_after_its_sender_was_removed_is_refused(collectivite, referent):
    other = MembershipFactory(collectivite=collectivite, role="referent")
    sent = invite(collectivite, other.user, role="referent")
    # Opened while the sender was still référent, accepted after the removal (admin inline).
    opened = invitation_from_token(invitation_token(sent))
    other.delete()
    with pytest.raises(InvitationInvalid):
        accept_invitation(invitation=opened, user=UserFactory(email=sent.email))
    assert not Membership.objects.filter(user__email=sent.email).exists()


def test_a_platform_administrator_s_invitation_lives_while_they_are_active(collectivite):
    staff = UserFactory(is_staff=True)
    invitation = invite(collectivite, staff)
    assert invitation_from_token(invitation_token(invitation)) == invitation
    staff.is_active = False
    staff.save()
    with pytest.raises(InvitationInvalid):
        invitation_from_token(invitation_token(invitation))


def test_inviting_a_member_is_refused_whatever_the_case(collectivite, referent, agent):
    with pytest.raises(AlreadyMember):
        invite(collectivite, referent, email=agent.email.upper())
    assert not Invitation.objects.exists()


def test_inviting_an_address_already_invited_is_refused_until_revoked(collectivite, referent):
    first = invite(collectivite, referent)
    with pytest.raises(AlreadyInvited):
        invite(collectivite, referent, email="Invitee@Exemple.localhost", role="elu")
    revoke_invitation(invitation=first, by=referent)
    assert invite(collectivite, referent, role="elu").role == "elu"
    assert kinds(collectivite) == [
        MemberEventKind.INVITED,
        MemberEventKind.INVITATION_REVOKED,
        MemberEventKind.INVITED,
    ]


def test_an_address_invited_elsewhere_can_be_invited_here(collectivite, referent, outsider):
    invite(outsider.memberships.get().collectivite, outsider)
    assert invite(collectivite, referent).collectivite == collectivite


def test_a_revoked_invitation_is_dead_and_cannot_be_revoked_twice(collectivite, referent):
    invitation = invite(collectivite, referent)
    revoke_invitation(invitation=invitation, by=referent)
    with pytest.raises(InvitationInvalid):
        invitation_from_token(invitation_token(invitation))
    with pytest.raises(InvitationNotPending):
        revoke_invitation(invitation=invitation, by=referent)
    with pytest.raises(InvitationNotPending):
        resend_invitation(invitation=invitation, by=referent, base_url=BASE_URL)


def test_resending_gives_a_new_link_and_kills_the_old_one(
    collectivite, referent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old = invite(collectivite, referent)
    Invitation.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=2020))
    second = MembershipFactory(collectivite=collectivite, role="referent").user
    with django_capture_on_commit_callbacks(execute=True):
        new = resend_invitation(invitation=old, by=second, base_url=BASE_URL)

    assert len(mail.outbox) == 2
    # The link is signed when the mail is sent (its timestamp may differ from a token made here):
    # read it back from the mail.
    [token] = re.findall(r"/invitation/([^/\s]+)/", mail.outbox[1].body)
    assert invitation_from_token(token) == new
    assert new.public_id != old.public_id
    assert new.invited_by == second
    assert new.created_at > old.created_at.replace(year=2020)  # the expiry starts again
    with pytest.raises(InvitationInvalid):
        invitation_from_token(invitation_token(old))
    assert invitation_from_token(invitation_token(new)) == new
    assert kinds(collectivite) == [MemberEventKind.INVITED, MemberEventKind.INVITATION_RESENT]


def test_accepting_is_in_the_journal(collectivite, referent):
    invitation = invite(collectivite, referent, role="elu")
    user = UserFactory(email=invitation.email, full_name="Élue Invitée")
    accept_invitation(invitation=invitation, user=user)
    event = MemberEvent.objects.get(kind=MemberEventKind.INVITATION_ACCEPTED)
    assert (event.actor, event.target_name, event.new_role) == (user, "Élue Invitée", "elu")


def test_an_invitation_never_changes_the_role_of_someone_already_member(collectivite, referent):
    # Sent before the person joined by another invitation; accepting it changes nothing.
    invitation = Invitation.objects.create(
        collectivite=collectivite, email=referent.email, role="agent", invited_by=referent
    )
    accept_invitation(invitation=invitation, user=referent)
    assert membership_of(referent, collectivite).role == "referent"
