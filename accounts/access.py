"""What a member may do in a collectivité, and the one way to reach one (404 otherwise)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404

from accounts.enums import EDITOR_ROLES, Role
from accounts.models import Collectivite


@dataclass(frozen=True, kw_only=True)
class RoleRights:
    """The rights that follow from a member's role; shared by collectivité and diagnostic access."""

    role: str

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES

    @property
    def is_referent(self) -> bool:
        return self.role == Role.REFERENT

    def require_editor(self) -> None:
        if not self.can_edit:
            raise PermissionDenied

    def require_referent(self) -> None:
        if not self.is_referent:
            raise PermissionDenied


@dataclass(frozen=True, kw_only=True)
class CollectiviteAccess(RoleRights):
    collectivite: Collectivite


def get_collectivite_access(user, public_id) -> CollectiviteAccess:
    """The collectivité and the user's role in it, in one query; 404 for outsiders."""
    collectivite = (
        Collectivite.objects.filter(public_id=public_id, memberships__user=user)
        .annotate(user_role=F("memberships__role"))
        .first()
        if user.is_authenticated
        else None
    )
    if collectivite is None:
        raise Http404
    return CollectiviteAccess(collectivite=collectivite, role=collectivite.user_role)
