"""Querysets compiled once per process, for the two hot paths of the questionnaire.

Building a query with the ORM (resolving lookups and joins, compiling the SQL) costs several
times what running it does on a small indexed table. A ``CompiledQuery`` keeps the ORM as the
only description of the query: it builds the queryset once, with placeholder values, compiles
it, and finds where each placeholder sits among the SQL's parameters; each call then runs that
SQL with the real values in their places (prepared by the same model field the ORM would use).

Only exact matches are supported: each placeholder must appear exactly once, as given, among the
compiled parameters, and compiling fails loudly otherwise (a test compiles every query on each
database the suite runs on).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Field, QuerySet


@dataclass(frozen=True)
class Placeholder:
    field: Field  # prepares the real value for the database, as the ORM would
    value: object  # a value no row has, unlike any other parameter of the query


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet], **placeholders: Placeholder):
        self.build = build
        self.placeholders = placeholders

    @functools.cached_property
    def _by_vendor(self) -> dict:
        return {}

    def _compiled(self) -> tuple[str, list, dict[str, int], dict]:
        key = (connection.vendor, connection.alias)
        if key not in self._by_vendor:
            queryset = self.build(**{name: p.value for name, p in self.placeholders.items()})
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            params = list(params)
            # What turns the database's values into Python ones (JSON, UUIDs and dates on
            # SQLite…), as the ORM applies them.
            converters = compiler.get_converters([column[0] for column in compiler.select])
            positions = {}
            for name, placeholder in self.placeholders.items():
                prepared = placeholder.field.get_db_prep_value(placeholder.value, connection)
                found = [i for i, param in enumerate(params) if param == prepared]
                if len(found) != 1:
                    raise ValueError(
                        f"placeholder {name!r} appears {len(found)} times in the parameters "
                        f"of {sql!r}"
                    )
                positions[name] = found[0]
            self._by_vendor[key] = (sql, params, positions, converters)
        return self._by_vendor[key]

    def rows(self, **values) -> list[tuple]:
        """The rows of the query run with ``values`` (one per placeholder, by name)."""
        sql, params, positions, converters = self._compiled()
        params = list(params)
        for name, position in positions.items():
            field = self.placeholders[name].field
            params[position] = field.get_db_prep_value(values[name], connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for index, (functions, expression) in converters.items():
                for function in functions:
                    row[index] = function(row[index], expression, connection)
            converted.append(tuple(row))
        return converted
