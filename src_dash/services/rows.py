"""From the store to the views: one dataclass built from a SQL row (or any record), and one row
fetched by its id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection, Row

T = TypeVar("T")


def from_row(cls: type[T], record: object, **given: Any) -> T:  # noqa: ANN401
    """The dataclass `cls` with each field the record (a SQL row, a mapping, a dataclass, or any
    object with attributes) has by the same name, except the ones given, taken as they are; a
    field neither has keeps its default.
    """
    names = [f.name for f in fields(cls) if f.name not in given]  # type: ignore[arg-type]
    if isinstance(record, Row):
        record = record._mapping
    elif is_dataclass(record):  # its fields only, never a method or property of the same name
        record = {f.name: getattr(record, f.name) for f in fields(record)}
    if isinstance(record, Mapping):
        taken = {n: record[n] for n in names if n in record}
    else:
        taken = {n: getattr(record, n) for n in names if hasattr(record, n)}
    return cls(**taken, **given)


def row_by_id(conn: Connection, table: Table, row_id: object, missing: Exception) -> Row:
    """The row of `table` with this id.

    Raises:
        `missing`, when there is none.
    """
    row = conn.execute(select(table).where(table.c.id == row_id)).first()
    if row is None:
        raise missing
    return row
