"""The one way to reach a diagnostic: through the requesting user's memberships (404 otherwise)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404

from diagnostics.enums import EDITOR_ROLES, Role
from diagnostics.models import Collectivite, Diagnostic


@dataclass(frozen=True)
class DiagnosticAccess:
    diagnostic: Diagnostic
    role: str

    @property
    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES

    @property
    def is_referent(self) -> bool:
        return self.role == Role.REFERENT

    @property
    def can_answer(self) -> bool:
        return self.can_edit and not self.diagnostic.is_submitted

    def require_editor(self) -> None:
        if not self.can_edit:
            raise PermissionDenied

    def require_referent(self) -> None:
        if not self.is_referent:
            raise PermissionDenied


def get_diagnostic_access(user, public_id) -> DiagnosticAccess:
    """The diagnostic and the user's role in its collectivité, in one query; 404 for outsiders."""
    diagnostic = (
        Diagnostic.objects.for_user(user)
        .filter(public_id=public_id)
        .select_related("collectivite", "catalogue")
        .annotate(user_role=F("collectivite__memberships__role"))
        .first()
    )
    if diagnostic is None:
        raise Http404
    return DiagnosticAccess(diagnostic=diagnostic, role=diagnostic.user_role)


def get_collectivite_role(user, public_id) -> tuple[Collectivite, str]:
    collectivite = (
        Collectivite.objects.filter(public_id=public_id, memberships__user=user)
        .annotate(user_role=F("memberships__role"))
        .first()
        if user.is_authenticated
        else None
    )
    if collectivite is None:
        raise Http404
    return collectivite, collectivite.user_role
