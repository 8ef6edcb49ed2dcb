"""Writes on members: invitations, the accounts created from them, roles and removals.

Each change is recorded in the collectivité's journal (MemberEvent) in the same transaction.
"""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.enums import MemberEventKind, Role
from accounts.models import (
    Collectivite,
    Invitation,
    MemberEvent,
    Membership,
    User,
    normalize_email_address,
)
from accounts.signals import invitation_accepted
from aeict.languages import language_of

INVITATION_SALT = "aeict.invitation"


class InvitationInvalid(Exception):
    """The link is tampered with, expired, already used, revoked, or its sender lost the right."""


class MemberChangeRefused(Exception):
    """A change to members the rules forbid; ``message`` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class LastReferent(MemberChangeRefused):
    def __init__(self):
        super().__init__(
            _(
                "La collectivité doit garder au moins un référent AEICT : désignez d’abord "
                "un autre référent."
            )
        )


class AlreadyMember(MemberChangeRefused):
    def __init__(self):
        super().__init__(_("Cette personne est déjà membre de la collectivité."))


class AlreadyInvited(MemberChangeRefused):
    def __init__(self):
        super().__init__(
            _(
                "Une invitation est déjà en attente pour cette adresse : renvoyez-la depuis "
                "la liste des invitations en attente."
            )
        )


class NotReferent(MemberChangeRefused):
    def __init__(self):
        super().__init__(_("Seul un référent AEICT de la collectivité peut faire ce changement."))


class InvitationNotPending(MemberChangeRefused):
    def __init__(self):
        super().__init__(_("Cette invitation a déjà été acceptée ou révoquée."))


def record(
    *,
    collectivite: Collectivite,
    actor: User | None,
    kind: str,
    target_email: str,
    target_name: str = "",
    old_role: str = "",
    new_role: str = "",
    details: str = "",
) -> MemberEvent:
    return MemberEvent.objects.create(
        collectivite=collectivite,
        actor=actor,
        kind=kind,
        target_email=target_email,
        target_name=target_name,
        old_role=old_role,
        new_role=new_role,
        details=details,
    )


def _lock_referent(*, collectivite: Collectivite, by: User) -> None:
    """Lock the référents' rows (so that two référents cannot demote each other at once) and
    check that ``by`` is one of them."""
    referents = list(
        Membership.objects.select_for_update()
        .filter(collectivite=collectivite, role=Role.REFERENT)
        .order_by("pk")  # the same locking order everywhere: no deadlock between référents
        .values_list("user_id", flat=True)
    )
    if by.pk not in referents:
        raise NotReferent


def sender_may_invite(invitation: Invitation) -> bool:
    """An invitation lives only while its sender may still send it: a référent of the
    collectivité, or an active platform administrator. A deleted sender's invitation is dead:
    nobody answers for it any more."""
    sender = invitation.invited_by
    if sender is None or not sender.is_active:
        return False
    # A platform administrator: staff, or a reviewer of access requests (who invites the
    # référent of each collectivité it accepts).
    if sender.is_staff or sender.has_perm("accounts.change_accessrequest"):
        return True
    return Membership.objects.filter(
        user=sender, collectivite_id=invitation.collectivite_id, role=Role.REFERENT
    ).exists()


def _revoke_sent_by(*, user: User, collectivite: Collectivite, actor: User, details: str) -> None:
    pending = (
        Invitation.objects.select_for_update()
        .pending()
        .filter(collectivite=collectivite, invited_by=user)
    )
    now = timezone.now()
    for invitation in pending:
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
        record(
            collectivite=collectivite,
            actor=actor,
            kind=MemberEventKind.INVITATION_REVOKED,
            target_email=invitation.email,
            new_role=invitation.role,
            details=details,
        )


class EmailTaken(Exception):
    """An account has this address already, whatever its case."""


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.public_id), salt=INVITATION_SALT, compress=True)


@transaction.atomic
def invite_member(
    *,
    collectivite: Collectivite,
    email: str,
    role: str,
    by: User,
    base_url: str,
    event: str = MemberEventKind.INVITED,
):
    """Invite ``email``; ``event`` is INVITATION_RESENT when resend_invitation calls it."""
    if Membership.objects.filter(collectivite=collectivite, user__email__iexact=email).exists():
        raise AlreadyMember
    if collectivite.invitations.pending().filter(email__iexact=email).exists():
        raise AlreadyInvited
    invitation = Invitation.objects.create(
        collectivite=collectivite, email=normalize_email_address(email), role=role, invited_by=by
    )
    record(
        collectivite=collectivite,
        actor=by,
        kind=event,
        target_email=invitation.email,
        new_role=role,
    )
    transaction.on_commit(
        lambda: send_invitation_mail.enqueue(invitation_id=invitation.pk, base_url=base_url)
    )
    return invitation


# Mail leaves through the task worker: a request never waits on the mail server, and takes as
# long whether or not an address has an account.


@task()
def send_invitation_mail(*, invitation_id: int, base_url: str) -> None:
    invitation = (
        Invitation.objects.select_related("collectivite", "invited_by")
        .pending()
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:  # revoked or accepted meanwhile
        return
    link = base_url + reverse("accept_invitation", args=[invitation_token(invitation)])
    context = {
        "invitation": invitation,
        "link": link,
        "by": invitation.invited_by,
        "days": settings.INVITATION_MAX_AGE // 86400,
    }
    # In the language of the invitee's account, when they have one that chose.
    with translation.override(language_of(User.objects.filter(email=invitation.email).first())):
        send_mail(
            subject=_("Invitation à rejoindre le diagnostic AEICT de %(name)s")
            % {"name": invitation.collectivite.name},
            message=render_to_string("emails/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )


@task()
def send_password_reset_mail(*, email: str, domain: str, use_https: bool) -> None:
    """Send a reset link to the account of ``email``; nothing when there is none."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    account = next(iter(form.get_users(form.cleaned_data["email"])), None)
    with translation.override(language_of(account)):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="registration/password_reset_subject.txt",
            email_template_name="registration/password_reset_email.txt",
        )


def invitation_from_token(token: str) -> Invitation:
    try:
        public_id = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.BadSignature:
        raise InvitationInvalid from None
    invitation = (
        Invitation.objects.select_related("collectivite", "invited_by")
        .pending()
        .filter(public_id=public_id)
        .first()
    )
    if invitation is None or not sender_may_invite(invitation):
        raise InvitationInvalid
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    invitation = (
        # Only the invitation's row: PostgreSQL refuses FOR UPDATE on the nullable side of the
        # outer join to its sender.
        Invitation.objects.select_for_update(of=("self",))
        .select_related("collectivite", "invited_by")
        .get(pk=invitation.pk)
    )
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationInvalid
    if not sender_may_invite(invitation):
        raise InvitationInvalid
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    # Someone who is already a member keeps their role: an invitation never changes a role
    # (that goes through change_role, which keeps a référent).
    membership, _created = Membership.objects.get_or_create(
        user=user, collectivite=invitation.collectivite, defaults={"role": invitation.role}
    )
    record(
        collectivite=invitation.collectivite,
        actor=user,
        kind=MemberEventKind.INVITATION_ACCEPTED,
        target_email=user.email,
        target_name=user.full_name,
        new_role=membership.role,
    )
    transaction.on_commit(
        lambda: invitation_accepted.send(
            sender=Invitation, invitation_id=invitation.pk, user_id=user.pk
        )
    )
    return membership


@transaction.atomic
def create_account_from_invitation(
    *, invitation: Invitation, full_name: str, password: str
) -> User:
    email = normalize_email_address(invitation.email)
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, full_name=full_name)
    except IntegrityError:  # created meanwhile by another request
        raise EmailTaken from None
    accept_invitation(invitation=invitation, user=user)
    return user


@transaction.atomic
def resend_invitation(*, invitation: Invitation, by: User, base_url: str) -> Invitation:
    """A new link in a new mail, valid for the full period again; the old link dies."""
    _lock_referent(collectivite=invitation.collectivite, by=by)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationNotPending
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invite_member(
        collectivite=invitation.collectivite,
        email=invitation.email,
        role=invitation.role,
        by=by,
        base_url=base_url,
        event=MemberEventKind.INVITATION_RESENT,
    )


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by: User) -> None:
    _lock_referent(collectivite=invitation.collectivite, by=by)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationNotPending
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(
        collectivite=invitation.collectivite,
        actor=by,
        kind=MemberEventKind.INVITATION_REVOKED,
        target_email=invitation.email,
        new_role=invitation.role,
    )


def _lock_membership(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "collectivite")
        .get(pk=membership.pk)
    )


def _keep_a_referent(membership: Membership) -> None:
    """Refuse when ``membership`` is the collectivité's last référent (rows locked by caller)."""
    if membership.role != Role.REFERENT:
        return
    others = Membership.objects.filter(
        collectivite_id=membership.collectivite_id, role=Role.REFERENT
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise LastReferent


@transaction.atomic
def change_role(*, membership: Membership, role: str, by: User) -> Membership:
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    _lock_referent(collectivite=membership.collectivite, by=by)
    membership = _lock_membership(membership)
    old_role = membership.role
    if old_role == role:
        return membership
    _keep_a_referent(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        collectivite=membership.collectivite,
        actor=by,
        kind=MemberEventKind.ROLE_CHANGED,
        target_email=membership.user.email,
        target_name=membership.user.full_name,
        old_role=old_role,
        new_role=role,
    )
    if old_role == Role.REFERENT:
        _revoke_sent_by(
            user=membership.user,
            collectivite=membership.collectivite,
            actor=by,
            details=_("L’expéditeur n’est plus référent AEICT."),
        )
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, by: User) -> None:
    _lock_referent(collectivite=membership.collectivite, by=by)
    membership = _lock_membership(membership)
    _keep_a_referent(membership)
    membership.delete()
    record(
        collectivite=membership.collectivite,
        actor=by,
        kind=MemberEventKind.MEMBER_REMOVED,
        target_email=membership.user.email,
        target_name=membership.user.full_name,
        old_role=membership.role,
    )
    _revoke_sent_by(
        user=membership.user,
        collectivite=membership.collectivite,
        actor=by,
        details=_("L’expéditeur a été retiré de la collectivité."),
    )
