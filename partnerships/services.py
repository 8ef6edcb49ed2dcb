"""Writes on the registry: each one records who did it in the registry's history."""

from django.db import transaction

from accounts.models import Collectivite, User
from partnerships.enums import PartnershipEventKind
from partnerships.forms import PartnershipForm
from partnerships.models import FinderProfile, Partnership, PartnershipEvent


def _record(*, partnership, kind, by, changed_fields=()):
    PartnershipEvent.objects.create(
        collectivite_id=partnership.collectivite_id,
        partnership=partnership if kind != PartnershipEventKind.DELETED else None,
        partner_name=partnership.partner_name,
        actor=by,
        kind=kind,
        changed_fields=list(changed_fields),
    )


@transaction.atomic
def save_partnership(
    *,
    collectivite: Collectivite,
    form: PartnershipForm,
    by: User,
    kind: str | None = None,
) -> Partnership:
    """Create or update from a valid form (the form's instance tells which)."""
    partnership = form.save(commit=False)
    creating = partnership.pk is None
    partnership.collectivite = collectivite
    partnership.save()
    partnership.co_partners.set(form.co_partners)
    if creating:
        _record(partnership=partnership, kind=kind or PartnershipEventKind.CREATED, by=by)
    elif form.changed_data:
        labels = [str(form.fields[name].label) for name in form.changed_data]
        _record(
            partnership=partnership,
            kind=PartnershipEventKind.UPDATED,
            by=by,
            changed_fields=labels,
        )
    return partnership


@transaction.atomic
def delete_partnership(*, partnership: Partnership, by: User) -> None:
    _record(partnership=partnership, kind=PartnershipEventKind.DELETED, by=by)
    partnership.delete()


@transaction.atomic
def set_finder_visibility(
    *, collectivite: Collectivite, visible: bool, contact_email: str, by: User
) -> FinderProfile:
    """The référent's choice to be found by other collectivités, and the address they see."""
    profile, _created = FinderProfile.objects.select_for_update().get_or_create(
        collectivite=collectivite
    )
    events = []
    if profile.visible != visible:
        events.append(PartnershipEventKind.SHOWN if visible else PartnershipEventKind.HIDDEN)
    if profile.contact_email != contact_email:
        events.append(PartnershipEventKind.CONTACT)
    if not events:
        return profile
    profile.visible = visible
    profile.contact_email = contact_email
    profile.updated_by = by
    profile.save(update_fields=["visible", "contact_email", "updated_by", "updated_at"])
    PartnershipEvent.objects.bulk_create(
        PartnershipEvent(collectivite=collectivite, partner_name="", actor=by, kind=kind)
        for kind in events
    )
    return profile
