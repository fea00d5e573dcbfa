"""store.rows: a dataclass filled from a result row or a mapping."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import create_engine, text

from src_dash.store.rows import from_row, tuples


@dataclass(frozen=True)
class _Thing:
    id: int
    name: str
    tags: tuple[str, ...] = ()
    note: str = "none"


def test_fields_come_from_the_columns_of_their_name_or_from_what_is_given() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT 1 AS id, 'a' AS name, 'x' AS other")).one()
    assert from_row(_Thing, row) == _Thing(1, "a")
    assert from_row(_Thing, row, name="b", note="n") == _Thing(1, "b", (), "n")


def test_a_mapping_works_too_and_list_columns_become_tuples() -> None:
    record = {"id": 2, "name": "c", "tags": ["p", "q"], "note": None}
    assert from_row(_Thing, record, **tuples(record, "tags")) == _Thing(2, "c", ("p", "q"), None)
    assert tuples({"tags": None}, "tags") == {"tags": ()}
