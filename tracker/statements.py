"""Statements the ORM compiles once per database and that then run as their SQL: for reads
every request makes, where building and compiling a queryset cost more than running it
(city-scale bench database: 0.96 ms for `select_related("profile").get(pk=…)`, 0.32 ms for
the same row through a cursor; 0.3 ms to build each of the task list's option lists).

Only for querysets whose filters are fixed: a statement is kept for the life of the
process (a value that differs per request is a primary key, put in by `RowByPk`).
Instances are made by `Model.from_db`, the hook the ORM itself uses, after the backend's
and the fields' converters (`ModelColumns`), so they are ordinary model instances.
"""

import functools
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections


class CompiledOnce:
    """A queryset compiled once per database. `rows()` come back as the driver gives them,
    so only for columns that need no conversion (integers and text), or through
    `ModelColumns.instance`."""

    def __init__(self, build):
        self._build = build  # () -> a values_list() queryset
        self._sql: dict[str, tuple[str, tuple]] = {}

    def statement(self, using: str = DEFAULT_DB_ALIAS) -> tuple[str, tuple]:
        compiled = self._sql.get(using)
        if compiled is None:
            compiled = self._sql[using] = self._build().query.get_compiler(using).as_sql()
        return compiled

    def rows(self, using: str = DEFAULT_DB_ALIAS, params=None) -> list[tuple]:
        sql, compiled_params = self.statement(using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, compiled_params if params is None else params)
            return cursor.fetchall()


# Put where the primary key goes when a statement is compiled, then found among the
# compiled parameters and replaced by each lookup's id: the smallest id an AutoField
# holds (no generated id is negative; a BigAutoField holds it too, and a value out of the
# column's range would compile to "no rows" instead of a parameter).
_PK_MARKER = -(2**31)


class RowByPk:
    """The row with a given (integer) primary key of a values_list() queryset, by a
    statement compiled once: `build(pk)` filters by `pk`, the statement is compiled with
    a marker there, and each lookup puts its own id in the marker's place."""

    def __init__(self, model, build):
        self.model = model
        self._compiled = CompiledOnce(lambda: build(_PK_MARKER))
        self._marker_index: dict[str, int] = {}

    def row(self, pk, using: str) -> tuple | None:
        """The row, or None (also for an id that is not an integer of the column's range)."""
        pk_field = self.model._meta.pk
        try:
            pk = pk_field.to_python(pk)
        except ValidationError:
            return None
        low, high = connections[using].ops.integer_field_range(pk_field.get_internal_type())
        if not isinstance(pk, int) or not (low <= pk <= high):
            return None
        params = list(self._compiled.statement(using)[1])
        params[self._marker(using, params)] = pk
        rows = self._compiled.rows(using, params)
        return rows[0] if rows else None

    def _marker(self, using, params) -> int:
        index = self._marker_index.get(using)
        if index is None:
            found = [i for i, value in enumerate(params) if value == _PK_MARKER]
            if len(found) != 1:
                raise ImproperlyConfigured(f"{self.model.__name__}: no single pk parameter")
            index = self._marker_index[using] = found[0]
        return index


@dataclass(frozen=True)
class ModelColumns:
    """The concrete fields of a model, in order, and how to make an instance of their
    values as a cursor returns them."""

    model: type
    attnames: tuple[str, ...]
    pk_index: int
    converters: tuple[tuple[int, tuple, object], ...]  # (index, converters, expression)

    @classmethod
    @functools.cache
    def of(cls, model, using: str) -> "ModelColumns":
        connection = connections[using]
        table = model._meta.db_table
        fields = model._meta.concrete_fields
        converters = []
        for index, field in enumerate(fields):
            column = field.get_col(table)
            found = tuple(
                connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            )
            if found:
                converters.append((index, found, column))
        return cls(
            model=model,
            attnames=tuple(field.attname for field in fields),
            pk_index=fields.index(model._meta.pk),
            converters=tuple(converters),
        )

    @property
    def width(self) -> int:
        return len(self.attnames)

    def instance(self, values, connection):
        """An instance from this model's slice of a row (None when its primary key is NULL,
        as for the missing side of a LEFT JOIN)."""
        if values[self.pk_index] is None:
            return None
        values = list(values)
        for index, converters, expression in self.converters:
            for converter in converters:
                values[index] = converter(values[index], expression, connection)
        return self.model.from_db(connection.alias, self.attnames, values)


class ByPk:
    """Instances of one queryset by primary key (the queryset's own filters stay in the
    statement): `queryset.get(pk=…)` without building and compiling it each time."""

    def __init__(self, queryset):
        self.queryset = queryset
        self._rows = RowByPk(
            queryset.model,
            lambda pk: (
                queryset.order_by()
                .filter(pk=pk)
                .values_list(*[field.attname for field in queryset.model._meta.concrete_fields])
            ),
        )

    def get(self, pk):
        connection = connections[self.queryset.db]
        row = self._rows.row(pk, connection.alias)
        if row is None:
            return None
        return ModelColumns.of(self.queryset.model, connection.alias).instance(row, connection)
