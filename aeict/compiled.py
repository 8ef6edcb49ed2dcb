"""Querysets compiled once per process, for the two hot paths of the questionnaire.

Building a query with the ORM (resolving lookups and joins, compiling the SQL) costs several
times what running it does on a small indexed table. A ``CompiledQuery`` keeps the ORM as the
only description of the query: it builds the queryset once, with placeholder values, compiles
it, and finds where each placeholder sits among the SQL's parameters; each call then runs that
SQL with the real values in their places (prepared by the same model field the ORM would use).

Exact matches and lists (``field__in=[…]``, compiled once per length) are supported: each
placeholder value must appear exactly once, as given, among the compiled parameters, and
compiling fails loudly otherwise (tests compare each query's results with the ORM's on each
database the suite runs on).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Field, QuerySet, signals


@dataclass(frozen=True)
class Placeholder:
    field: Field  # prepares the real value for the database, as the ORM would
    value: object  # a value no row has, unlike any other parameter of the query


@dataclass(frozen=True)
class Placeholders:
    """A list of values (``field__in=[…]``): the query is compiled once for each length, with
    ``first``, ``first - 1``… in the list's places (integers no row has)."""

    field: Field
    first: int

    def values(self, length: int) -> list[int]:
        return [self.first - i for i in range(length)]


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet], **placeholders: Placeholder | Placeholders):
        self.build = build
        self.placeholders = placeholders
        self._compiled_by_key: dict = {}

    def _sentinels(self, shape: dict[str, int]) -> dict[str, list]:
        """Each placeholder's values, as a list (of one value for a single placeholder)."""
        return {
            name: p.values(shape[name]) if isinstance(p, Placeholders) else [p.value]
            for name, p in self.placeholders.items()
        }

    def _compiled(self, shape: dict[str, int]) -> tuple[str, list, dict[str, list[int]], dict]:
        key = (connection.vendor, connection.alias, tuple(sorted(shape.items())))
        if key not in self._compiled_by_key:
            sentinels = self._sentinels(shape)
            queryset = self.build(
                **{
                    name: values if isinstance(self.placeholders[name], Placeholders) else values[0]
                    for name, values in sentinels.items()
                }
            )
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            params = list(params)
            # What turns the database's values into Python ones (JSON, UUIDs and dates on
            # SQLite…), as the ORM applies them.
            converters = compiler.get_converters([column[0] for column in compiler.select])
            positions = {}
            for name, values in sentinels.items():
                field = self.placeholders[name].field
                positions[name] = []
                for value in values:
                    prepared = field.get_db_prep_value(value, connection)
                    found = [i for i, param in enumerate(params) if param == prepared]
                    if len(found) != 1:
                        raise ValueError(
                            f"placeholder {name!r} ({value!r}) appears {len(found)} times in the "
                            f"parameters of {sql!r}"
                        )
                    positions[name].append(found[0])
            self._compiled_by_key[key] = (sql, params, positions, converters)
        return self._compiled_by_key[key]

    def rows(self, **values) -> list[tuple]:
        """The rows of the query run with ``values`` (one per placeholder, by name; a list for
        ``Placeholders``)."""
        shape = {
            name: len(values[name])
            for name, p in self.placeholders.items()
            if isinstance(p, Placeholders)
        }
        sql, params, positions, converters = self._compiled(shape)
        params = list(params)
        for name, places in positions.items():
            field = self.placeholders[name].field
            given = values[name] if name in shape else [values[name]]
            for position, value in zip(places, given, strict=True):
                params[position] = field.get_db_prep_value(value, connection)
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


# Writes of one row, for the answer save: what ``Model.save()`` sends for them, without the ORM
# building the statement each time (and without sending signals: only models that have no
# receivers are written this way). Values are prepared by each field as the ORM prepares them
# (``pre_save``, then ``get_db_prep_save``); tests compare the rows with the ORM's.


@functools.cache
def _update_sql(model, names: tuple[str, ...], vendor: str) -> tuple[str, tuple[Field, ...]]:
    _without_receivers(model)
    meta = model._meta
    quote = connection.ops.quote_name
    fields = tuple(_writable(meta.get_field(name)) for name in names)
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    return sql, fields


@functools.cache
def _insert_sql(model, vendor: str) -> tuple[str, tuple[Field, ...]]:
    _without_receivers(model)
    meta = model._meta
    quote = connection.ops.quote_name
    fields = tuple(_writable(field) for field in meta.concrete_fields if field is not meta.pk)
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})", fields


def _without_receivers(model) -> None:
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        raise ValueError(f"{model.__name__} has save receivers: save it with the ORM")


def _writable(field: Field) -> Field:
    """A field whose value goes in as one parameter, as the ORM would send it."""
    if hasattr(field, "get_placeholder") or field.has_db_default() or field.generated:
        raise ValueError(f"{field} is not written as a plain parameter")
    return field


def update_row(instance, names: list[str]) -> int:
    """``instance.save(update_fields=names)`` for a row known to exist: the number of rows
    updated (0 when it has gone)."""
    sql, fields = _update_sql(type(instance), tuple(names), connection.vendor)
    params = [
        field.get_db_prep_save(field.pre_save(instance, False), connection) for field in fields
    ]
    params.append(instance._meta.pk.get_db_prep_value(instance.pk, connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def insert_row(instance) -> None:
    """A new row with ``instance``'s values, whose primary key the database gives and nobody
    reads back (``instance.pk`` stays None)."""
    sql, fields = _insert_sql(type(instance), connection.vendor)
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
