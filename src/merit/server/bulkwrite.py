"""Bulk writes for bulk issuance: many rows of one model in one statement, whatever their number.

On PostgreSQL, ``insert`` reserves the primary keys from the table's sequence and streams the rows with ``COPY``:
Django's ``bulk_create`` sends them as arrays through ``UNNEST``, and psycopg quotes large text arrays (signed
credentials of several kilobytes) in Python, which cost more than signing them. Elsewhere (SQLite) ``insert`` is
``bulk_create``. Either way the instances come back with their primary keys set, as from ``bulk_create``.

``update_each`` sets one column to a different value in each row with a single ``CASE`` statement; Django's
``bulk_update`` builds the same statement from expressions, which takes longer than running it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

CHUNK = 300
"""Rows per ``update_each`` statement: three parameters a row stays under SQLite's oldest limit of 999."""


def insert(objects: Sequence[Model]) -> None:
    """Insert ``objects`` (instances of one model, not yet saved) and set their primary keys."""
    if not objects:
        return
    model = type(objects[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for instance, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            instance.pk = pk
        fields = meta.concrete_fields
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for instance in objects:
                # What ``save`` and ``bulk_create`` do for each field: defaults such as ``auto_now_add`` are filled
                # in on the instance, and values become what the driver sends.
                copy.write_row([field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields])
    for instance in objects:
        instance._state.adding = False
        instance._state.db = connection.alias


def update_each(model: type[Model], column: str, values: Mapping[int, Any], **same: Any) -> None:
    """Set field ``column`` of each row ``pk`` to ``values[pk]``, and the fields in ``same`` to one value for all."""
    meta = model._meta
    quote = connection.ops.quote_name
    target = meta.get_field(column)
    pk = quote(meta.pk.column)
    assignments = [f"{quote(meta.get_field(name).column)} = %s" for name in same]
    fixed = [meta.get_field(name).get_db_prep_save(value, connection) for name, value in same.items()]
    items = list(values.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            cases = " ".join(["WHEN %s THEN %s"] * len(chunk))
            marks = ", ".join(["%s"] * len(chunk))
            sets = ", ".join([f"{quote(target.column)} = CASE {pk} {cases} END", *assignments])
            params: list[Any] = []
            for key, value in chunk:
                params += [key, target.get_db_prep_save(value, connection)]
            keys = [key for key, _ in chunk]
            # Only quoted names from the model's metadata are formatted in; every value is a parameter.
            sql = f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {pk} IN ({marks})"  # noqa: S608
            cursor.execute(sql, params + fixed + keys)
