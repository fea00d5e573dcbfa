"""Dataclasses filled from result rows (or any record): each field from the column of the same
name. The one `from_row` of the product: services and views use it too."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar

from sqlalchemy.engine import Row

T = TypeVar("T")


def _columns(row: Any) -> Mapping[str, Any]:  # noqa: ANN401
    return row if isinstance(row, Mapping) else row._mapping


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


def tuples(row: Any, *names: str) -> dict[str, tuple]:  # noqa: ANN401
    """The row's list columns `names` as tuples (NULL as empty), to give to `from_row`."""
    values = _columns(row)
    return {name: tuple(values[name] or ()) for name in names}
