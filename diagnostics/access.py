"""The one way to reach a diagnostic: through the requesting user's memberships (404 otherwise)."""

import uuid
from dataclasses import dataclass

from django.db import connection
from django.db.models import F
from django.http import Http404

from accounts.access import RoleRights
from accounts.models import User
from aeict.compiled import CompiledQuery, Placeholder
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
    for the questionnaire's hot paths, which only use the diagnostic's own columns, compiled once
    per process: aeict.compiled); the membership is joined in the same query either way.
    """
    if not related:
        return _light_access(user, public_id, lock=lock)
    diagnostics = _accessible(user, public_id, lock=lock)
    diagnostic = diagnostics.select_related("collectivite", "catalogue").first()
    if diagnostic is None:
        raise Http404
    return DiagnosticAccess(diagnostic=diagnostic, role=diagnostic.user_role)


def _accessible(user, public_id, *, lock: bool):
    diagnostics = (
        Diagnostic.objects.for_user(user)
        .filter(public_id=public_id)
        .annotate(
            user_role=F("collectivite__memberships__role"),
            # Applicability rules depend on it (diagnostics.selectors.collectivite_kind).
            collectivite_kind=F("collectivite__kind"),
        )
    )
    if lock:
        diagnostics = diagnostics.select_for_update(of=("self",))
    return diagnostics


_COLUMNS = [f.attname for f in Diagnostic._meta.concrete_fields]


def _light_query(lock: bool) -> CompiledQuery:
    def build(user_id, public_id):
        diagnostics = _accessible(User(pk=user_id), public_id, lock=lock).order_by("pk")
        return diagnostics.values_list(*_COLUMNS, "user_role", "collectivite_kind")[:1]

    return CompiledQuery(
        build,
        user_id=Placeholder(User._meta.pk, -7_340_033),
        public_id=Placeholder(
            Diagnostic._meta.get_field("public_id"),
            uuid.UUID("00000000-0000-4000-8000-0000000a11ce"),
        ),
    )


LIGHT_QUERIES = {lock: _light_query(lock) for lock in (False, True)}


def _light_access(user, public_id, *, lock: bool) -> DiagnosticAccess:
    if not user.is_authenticated:
        raise Http404
    rows = LIGHT_QUERIES[lock].rows(user_id=user.pk, public_id=public_id)
    if not rows:
        raise Http404
    *values, role, kind = rows[0]
    diagnostic = Diagnostic.from_db(connection.alias, _COLUMNS, values)
    diagnostic.user_role, diagnostic.collectivite_kind = role, kind
    return DiagnosticAccess(diagnostic=diagnostic, role=role)
