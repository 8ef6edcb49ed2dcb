"""The one way to reach a diagnostic: through the requesting user's memberships (404 otherwise)."""

from dataclasses import dataclass

from django.db.models import F
from django.http import Http404

from accounts.access import RoleRights
from diagnostics.models import Diagnostic


@dataclass(frozen=True, kw_only=True)
class DiagnosticAccess(RoleRights):
    diagnostic: Diagnostic

    @property
    def can_answer(self) -> bool:
        return self.can_edit and not self.diagnostic.is_submitted


def get_diagnostic_access(
    user, public_id, *, lock: bool = False, related: bool = True
) -> DiagnosticAccess:
    """The diagnostic and the user's role in its collectivité, in one query; 404 for outsiders.

    With ``lock``, the same query also locks the diagnostic's row until the end of the current
    transaction, so a write that needs both the check and the lock pays one round trip for them.
    Without ``related``, the collectivité and the catalogue are not read along (a lighter query
    for the questionnaire's hot paths, which only use the diagnostic's own columns); the
    membership is joined in the same query either way.
    """
    diagnostics = (
        Diagnostic.objects.for_user(user)
        .filter(public_id=public_id)
        .annotate(
            user_role=F("collectivite__memberships__role"),
            # Applicability rules depend on it (diagnostics.selectors.collectivite_kind).
            collectivite_kind=F("collectivite__kind"),
        )
    )
    if related:
        diagnostics = diagnostics.select_related("collectivite", "catalogue")
    if lock:
        diagnostics = diagnostics.select_for_update(of=("self",))
    diagnostic = diagnostics.first()
    if diagnostic is None:
        raise Http404
    return DiagnosticAccess(diagnostic=diagnostic, role=diagnostic.user_role)
