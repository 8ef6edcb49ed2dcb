"""The state a recommendation page shows, in one query: a fingerprint of every row it reads.

The page is cached whole (questionnaire.views._cached_page). Its key must change whenever
anything it shows changes, however the change was made (a service, the admin, a data import, a
bulk update that sends no signal). So the key is not built from counters that writers must
remember to bump: it hashes the rows themselves, every column, read by the database in a single
query before the page decides whether to render:

- the diagnostic's answers, evidence and comments, with the name and address of the person who
  wrote each one (the cards show them);
- the partnerships of its collectivité and the date of the registry's last event (the
  informative questions of recommendation 1 show the registry's figures and their date).

It reads every row of the diagnostic, not only the page's: a superset is safe, and the query
stays one whatever the page. The diagnostic's own row, the person and their role come from the
access check; the catalogue from its per-process cache (CatalogueData.digest).

On PostgreSQL each part is hashed by the server (md5 of the rows written as records, where NULL
and '' differ); on SQLite (development and tests) the rows' text (``quote()`` of each column) is
returned and hashed here.
"""

import functools
import hashlib

from django.db import connection

from accounts.models import User
from diagnostics.models import Answer, Evidence, QuestionComment
from partnerships.models import Partnership, PartnershipEvent

# (model, the column scoping its rows, the column naming who wrote each row, or None)
_DIAGNOSTIC_PARTS = (
    (Answer, "diagnostic_id", "updated_by_id"),
    (Evidence, "diagnostic_id", "added_by_id"),
    (QuestionComment, "diagnostic_id", "author_id"),
)
_COLLECTIVITE_PARTS = ((Partnership, "collectivite_id", None),)
# Only the date of the registry's last change is shown: its latest event, not the whole history.
_LAST_EVENT = (PartnershipEvent, "collectivite_id", "created_at")
_AUTHOR_FIELDS = ("full_name", "email")


def _part(vendor: str, model, scope_column: str, author_column) -> str:
    """A subquery giving the text (SQLite) or md5 (PostgreSQL) of the rows, with their authors'
    name and address, in primary key order."""
    qn = connection.ops.quote_name
    rows = f"FROM {qn(model._meta.db_table)} t"
    authors = []
    if author_column:
        rows += (
            f" LEFT JOIN {qn(User._meta.db_table)} u"
            f" ON u.{qn(User._meta.pk.column)} = t.{qn(author_column)}"
        )
        authors = [f"u.{qn(User._meta.get_field(name).column)}" for name in _AUTHOR_FIELDS]
    rows += f" WHERE t.{qn(scope_column)} = %s"
    pk = f"t.{qn(model._meta.pk.column)}"
    if vendor == "postgresql":
        # The row's text as PostgreSQL writes a record: every column, NULL apart from ''.
        text = f"ROW({', '.join(['t', *authors])})::text"
        return f"(SELECT md5(coalesce(string_agg({text}, '|' ORDER BY {pk}), '')) {rows})"
    # SQLite writes no records: each column quoted as an SQL literal (NULL apart from '').
    columns = [f"t.{qn(f.column)}" for f in model._meta.concrete_fields] + authors
    text = " || ',' || ".join(f"quote({column})" for column in columns)
    return f"(SELECT group_concat(r, '|') FROM (SELECT {text} AS r {rows} ORDER BY {pk}))"


@functools.cache
def _sql(vendor: str) -> str:
    qn = connection.ops.quote_name
    parts = [_part(vendor, *part) for part in _DIAGNOSTIC_PARTS]
    parts += [_part(vendor, *part) for part in _COLLECTIVITE_PARTS]
    model, scope, moment = _LAST_EVENT
    parts.append(
        f"(SELECT max({qn(model._meta.get_field(moment).column)})"
        f" FROM {qn(model._meta.db_table)} WHERE {qn(scope)} = %s)"
    )
    return "SELECT " + ", ".join(parts)


def page_state(diagnostic) -> str:
    """A hash of the rows a recommendation page of ``diagnostic`` reads: one query."""
    params = [diagnostic.pk] * len(_DIAGNOSTIC_PARTS)
    params += [diagnostic.collectivite_id] * (len(_COLLECTIVITE_PARTS) + 1)
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor), params)
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()
