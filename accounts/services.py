"""Writes on members: invitations and the accounts created from them."""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import Collectivite, Invitation, Membership, User, normalize_email_address

INVITATION_SALT = "aeict.invitation"


class InvitationInvalid(Exception):
    """The link is tampered with, expired or already used."""


class EmailTaken(Exception):
    """An account has this address already, whatever its case."""


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(str(invitation.public_id), salt=INVITATION_SALT, compress=True)


@transaction.atomic
def invite_member(*, collectivite: Collectivite, email: str, role: str, by: User, base_url: str):
    invitation = Invitation.objects.create(
        collectivite=collectivite, email=normalize_email_address(email), role=role, invited_by=by
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
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:  # withdrawn or accepted meanwhile
        return
    link = base_url + reverse("accept_invitation", args=[invitation_token(invitation)])
    context = {
        "invitation": invitation,
        "link": link,
        "by": invitation.invited_by,
        "days": settings.INVITATION_MAX_AGE // 86400,
    }
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
    if form.is_valid():
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
        Invitation.objects.select_related("collectivite").filter(public_id=public_id).first()
    )
    if invitation is None or invitation.accepted_at is not None:
        raise InvitationInvalid
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationInvalid
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    membership, created = Membership.objects.get_or_create(
        user=user, collectivite=invitation.collectivite, defaults={"role": invitation.role}
    )
    if not created and membership.role != invitation.role:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
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
