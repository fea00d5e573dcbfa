"""Dataclasses filled from result rows: each field from the column of the same name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def _columns(row: Any) -> Mapping[str, Any]:  # noqa: ANN401
    return row if isinstance(row, Mapping) else row._mapping


def from_row(cls: type[T], row: Any, **given: object) -> T:  # noqa: ANN401
    """A `cls` (a dataclass) from `row` (a result row or a mapping).

    The fields named in `given` take those values, the others the row's column of their name;
    a field the row has no column for keeps its default.
    """
    values = {**_columns(row), **given}
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    return cls(**{name: values[name] for name in names if name in values})


def tuples(row: Any, *names: str) -> dict[str, tuple]:  # noqa: ANN401
    """The row's list columns `names` as tuples (NULL as empty), to give to `from_row`."""
    values = _columns(row)
    return {name: tuple(values[name] or ()) for name in names}
