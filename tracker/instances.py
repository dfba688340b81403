"""Model instances read by a statement built once: for the reads every request makes (the
signed-in user with their profile, the session), where building and compiling a queryset
cost more than running it (measured on the city-scale bench database: 0.96 ms for
`select_related("profile").get(pk=…)`, 0.32 ms for the same row through a cursor).

Values are converted as the ORM converts them (the backend's and the field's
converters, e.g. SQLite's integers into booleans) and instances are made by
`Model.from_db`, the hook the ORM itself uses, so they are ordinary model instances.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connections


@dataclass(frozen=True)
class ModelColumns:
    """The concrete columns of a model as a SELECT list, and how to make instances of them."""

    model: type
    select: str  # "table"."column", … in field order
    attnames: tuple[str, ...]
    pk_index: int
    converters: tuple[tuple[int, tuple, object], ...]  # (index, converters, expression)

    @classmethod
    def of(cls, model, connection) -> "ModelColumns":
        quote = connection.ops.quote_name
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
            select=", ".join(f"{quote(table)}.{quote(field.column)}" for field in fields),
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


# An id no row has: put where the primary key goes when a statement is compiled, then found
# among the compiled parameters and replaced by each lookup's id.
_PK_MARKER = -7_318_406_263_581


class ByPk:
    """Instances of one queryset by primary key, by a statement the ORM compiles once per
    database (`queryset.get(pk=…)` cost 0.35 ms of Python per filter value on the task
    list, twice the statement). The queryset's own filters stay in the statement."""

    def __init__(self, queryset):
        self.queryset = queryset
        self._statements = {}

    def get(self, pk):
        """The instance with this primary key in the queryset, or None (also for an id that
        is not an integer of the column's range)."""
        queryset = self.queryset
        connection = connections[queryset.db]
        pk_field = queryset.model._meta.pk
        try:
            pk = pk_field.to_python(pk)
        except ValidationError:
            return None
        low, high = connection.ops.integer_field_range(pk_field.get_internal_type())
        if not isinstance(pk, int) or not (low <= pk <= high):
            return None
        statement = self._statements.get(connection.alias)
        if statement is None:
            statement = self._statements[connection.alias] = self._compile(connection)
        sql, params, marker_index, columns = statement
        params = list(params)
        params[marker_index] = pk
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return None if row is None else columns.instance(row, connection)

    def _compile(self, connection):
        columns = ModelColumns.of(self.queryset.model, connection)
        lookup = self.queryset.order_by().filter(pk=_PK_MARKER).values_list(*columns.attnames)
        sql, params = lookup.query.get_compiler(connection.alias).as_sql()
        marker_indexes = [i for i, value in enumerate(params) if value == _PK_MARKER]
        if len(marker_indexes) != 1:
            raise ImproperlyConfigured(f"{self.queryset.model.__name__}: no single pk parameter")
        return sql, tuple(params), marker_indexes[0], columns
