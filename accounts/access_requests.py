"""Requests for access from collectivités not yet on the platform, and their review.

An administrator (a person with the permission to change access requests) accepts a request,
which creates the collectivité — or takes the one already registered under that SIREN — and
invites the person as its référent, or refuses it with a reason. The requester is told each
time by e-mail, and the administrators are told of each new request; every mail leaves through
the task worker.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.enums import AccessRequestStatus, Role
from accounts.models import AccessRequest, Collectivite, Invitation, Membership, User
from accounts.official import CollectiviteRefused, create_collectivite_from_territory
from accounts.services import AlreadyInvited, AlreadyMember, invite_member
from aeict.languages import language_of
from territories.models import Territory

REVIEW_PERMISSION = "accounts.change_accessrequest"


class AccessRequestRefused(Exception):
    """The decision cannot be taken; ``message`` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def may_review(user: User) -> bool:
    return user.is_active and user.has_perm(REVIEW_PERMISSION)


def reviewers():
    """The active accounts that review requests: superusers, and holders of the permission."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__codename="change_accessrequest")
            | Q(groups__permissions__codename="change_accessrequest")
        )
        .distinct()
        .order_by("pk")
    )


def submit_access_request(**values) -> AccessRequest:
    access_request = AccessRequest.objects.create(**values)
    transaction.on_commit(
        lambda: send_access_request_received_mails.enqueue(request_id=access_request.pk)
    )
    return access_request


def _lock_pending(access_request: AccessRequest) -> AccessRequest:
    locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    if not locked.is_pending:
        raise AccessRequestRefused(
            _("Cette demande a déjà été traitée (%(status)s).")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def official_entry(access_request: AccessRequest) -> Territory | None:
    """The entry of the official list with the request's SIREN, if the list has one."""
    return Territory.objects.current().filter(siren=access_request.siren).first()


def _new_collectivite(access_request: AccessRequest) -> Collectivite:
    """From the official list when it knows the SIREN (its name, kind and population), else as
    the request describes it."""
    territory = official_entry(access_request)
    if territory is not None and not Collectivite.objects.filter(official=territory).exists():
        try:
            return create_collectivite_from_territory(territory=territory)
        except CollectiviteRefused as refused:
            raise AccessRequestRefused(refused.message) from None
    return Collectivite.objects.create(
        name=access_request.collectivite_name, siren=access_request.siren, kind=access_request.kind
    )


@transaction.atomic
def accept_access_request(
    *, access_request: AccessRequest, by: User, base_url: str
) -> tuple[AccessRequest, Invitation]:
    locked = _lock_pending(access_request)
    collectivite = Collectivite.objects.filter(siren=locked.siren).first()
    if collectivite is None:
        collectivite = _new_collectivite(locked)
    elif Membership.objects.filter(collectivite=collectivite, role=Role.REFERENT).exists():
        raise AccessRequestRefused(
            _(
                "%(name)s a déjà un référent sur la plateforme : refusez la demande en "
                "indiquant à la personne de s’adresser à lui."
            )
            % {"name": collectivite.name}
        )
    try:
        invitation = invite_member(
            collectivite=collectivite,
            email=locked.email,
            role=Role.REFERENT,
            by=by,
            base_url=base_url,
        )
    except AlreadyMember:
        raise AccessRequestRefused(
            _("Cette personne est déjà membre de %(name)s.") % {"name": collectivite.name}
        ) from None
    except AlreadyInvited:
        raise AccessRequestRefused(
            _("Cette personne a déjà une invitation en attente pour %(name)s.")
            % {"name": collectivite.name}
        ) from None
    locked.status = AccessRequestStatus.ACCEPTED
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.collectivite = collectivite
    locked.save(update_fields=["status", "decided_at", "decided_by", "collectivite"])
    return locked, invitation


@transaction.atomic
def refuse_access_request(*, access_request: AccessRequest, by: User, reason: str):
    reason = reason.strip()
    if not reason:
        raise AccessRequestRefused(_("Indiquez le motif du refus : il est envoyé à la personne."))
    locked = _lock_pending(access_request)
    locked.status = AccessRequestStatus.REFUSED
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.refusal_reason = reason
    locked.save(update_fields=["status", "decided_at", "decided_by", "refusal_reason"])
    transaction.on_commit(lambda: send_access_request_refused_mail.enqueue(request_id=locked.pk))
    return locked


@task()
def send_access_request_received_mails(*, request_id: int) -> None:
    """To the requester, an acknowledgement; to each reviewer, a link to the request."""
    access_request = AccessRequest.objects.filter(pk=request_id).first()
    if access_request is None:
        return
    context = {
        "request": access_request,
        "link": settings.SITE_URL
        + reverse("access_request_review", args=[access_request.public_id]),
        "contact": settings.CONTACT_EMAIL,
    }
    # The requester has no account yet: French, the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            subject=_("Votre demande d’accès au Diagnostic AEICT est bien reçue"),
            message=render_to_string("emails/access_request_received.txt", context),
            from_email=None,
            recipient_list=[access_request.email],
        )
    # The reviewers, by the language of their accounts.
    by_language = {}
    for reviewer in reviewers().order_by("pk"):
        by_language.setdefault(language_of(reviewer), []).append(reviewer.email)
    for language, addresses in by_language.items():
        with translation.override(language):
            send_mail(
                subject=_("Nouvelle demande d’accès : %(name)s")
                % {"name": access_request.collectivite_name},
                message=render_to_string("emails/access_request_to_review.txt", context),
                from_email=None,
                recipient_list=addresses,
            )


@task()
def send_access_request_refused_mail(*, request_id: int) -> None:
    access_request = AccessRequest.objects.filter(
        pk=request_id, status=AccessRequestStatus.REFUSED
    ).first()
    if access_request is None:
        return
    with translation.override(settings.LANGUAGE_CODE):  # no account: French
        send_mail(
            subject=_("Votre demande d’accès au Diagnostic AEICT"),
            message=render_to_string(
                "emails/access_request_refused.txt",
                {"request": access_request, "contact": settings.CONTACT_EMAIL},
            ),
            from_email=None,
            recipient_list=[access_request.email],
        )
