"""Bulk writes: PostgreSQL's COPY, multi-row INSERTs elsewhere, and the ids they use."""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Max


def spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` whole shares that differ by at most one."""
    if parts <= 0:
        return []
    return [(index + 1) * total // parts - index * total // parts for index in range(parts)]


def first_free_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def rows_insert(model, columns: list[str], rows: Iterable[tuple]) -> int:
    """Write rows of column values into the model's own table; returns the row count.

    PostgreSQL gets a COPY; other databases get multi-row INSERTs of values prepared
    by the model's fields.
    """
    table = model._meta.db_table
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        by_column = {field.column: field for field in model._meta.local_concrete_fields}
        fields = [by_column[column] for column in columns]
        batch_size = max(1, 900 // len(columns))
        placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
        batch: list = []

        def flush():
            values = ", ".join([placeholders] * (len(batch) // len(columns)))
            # Table and column names come from the model, values are parameters.
            statement = f"INSERT INTO {quote(table)} ({names}) VALUES {values}"  # noqa: S608
            cursor.execute(statement, batch)

        for row in rows:
            batch.extend(
                field.get_db_prep_value(value, connection, prepared=False)
                for field, value in zip(fields, row, strict=True)
            )
            count += 1
            if count % batch_size == 0:
                flush()
                batch = []
        if batch:
            flush()
    return count
