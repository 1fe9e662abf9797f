"""Insert plain rows with `executemany`, for loading a million rows in minutes.

`bulk_create` builds a model instance per row and prepares every value through the
field's full conversion chain; at a million assessments that is most of the load time.
Here a row is a dict of column attribute names to Python values, each column converted
by the one backend adapter its field type needs, and the ids are given by the loader
(the benchmark loads an empty database), so nothing has to be read back.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import count
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

BATCH_ROWS = 2_000


class Ids:
    """Ids for the rows of each model, counted from 1 in an empty database."""

    def __init__(self) -> None:
        self.counters: dict[type[models.Model], Iterator[int]] = {}

    def next(self, model: type[models.Model]) -> int:
        if model not in self.counters:
            self.counters[model] = count(1)
        return next(self.counters[model])


def _converter(field: "models.Field[Any, Any]") -> Callable[[Any], Any]:
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "JSONField":
        encoder = getattr(field, "encoder", None)
        return lambda value: None if value is None else ops.adapt_json_value(value, encoder)
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "UUIDField":
        return lambda value: field.get_db_prep_value(value, connection, prepared=False)
    return lambda value: value


def _default(field: "models.Field[Any, Any]") -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()  # "" for a text column without a default, else None


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT the rows into the model's table. Every row names its `id`; a column a row
    leaves out takes the field's default (or now, for auto_now fields)."""
    if not rows:
        return
    fields = list(model._meta.concrete_fields)
    unknown = set().union(*(row.keys() for row in rows)) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
    converters = [_converter(field) for field in fields]
    defaults = {field.attname: _default(field) for field in fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column or field.attname) for field in fields)
    # Table and column names come from the model's metadata, quoted; values are parameters.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608  # nosec B608
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    names = [field.attname for field in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_ROWS):
            cursor.executemany(
                sql,
                [
                    tuple(
                        convert(row.get(name, defaults[name]))
                        for name, convert in zip(names, converters, strict=True)
                    )
                    for row in rows[start : start + BATCH_ROWS]
                ],
            )


def reset_sequences(models_loaded: Iterable[type[models.Model]]) -> None:
    """After explicit ids, point PostgreSQL's id sequences past them (SQLite's
    AUTOINCREMENT follows inserted ids by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_loaded))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
