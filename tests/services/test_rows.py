"""The generic row helpers: a dataclass from a SQL row, a mapping or an object; a row by its id."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select

from src_dash.services.inputs import InvalidInput
from src_dash.services.rows import from_row, row_by_id

meta = MetaData()
things = Table(
    "thing",
    meta,
    Column("id", Integer, primary_key=True),
    Column("name", String),
    Column("note", String),
)


@dataclass(frozen=True)
class Thing:
    thing_id: int
    name: str
    note: str
    count: int = 7


@pytest.fixture
def conn():  # noqa: ANN201
    engine = create_engine("sqlite://")
    meta.create_all(engine)
    with engine.begin() as c:
        c.execute(things.insert(), [{"id": 1, "name": "one", "note": "n"}])
        yield c


def test_from_row_takes_the_fields_by_name_and_the_given_ones(conn) -> None:  # noqa: ANN001
    row = conn.execute(select(things)).one()
    assert from_row(Thing, row, thing_id=row.id) == Thing(1, "one", "n")
    assert from_row(Thing, row, thing_id=1, note="") == Thing(1, "one", "")


def test_from_row_reads_mappings_and_objects() -> None:
    assert from_row(Thing, {"name": "a", "note": "b", "count": 2, "x": 0}, thing_id=3) == Thing(
        3, "a", "b", 2
    )
    source = Thing(4, "c", "d", 5)
    assert from_row(Thing, source, name="e") == Thing(4, "e", "d", 5)


def test_from_row_leaves_a_missing_field_to_the_dataclass() -> None:
    with pytest.raises(TypeError):
        from_row(Thing, {"name": "a"})


def test_row_by_id(conn) -> None:  # noqa: ANN001
    assert row_by_id(conn, things, 1, InvalidInput("thing", "no thing 1")).name == "one"
    with pytest.raises(InvalidInput, match="thing: no thing 2"):
        row_by_id(conn, things, 2, InvalidInput("thing", "no thing 2"))


@dataclass(frozen=True)
class Named:
    name: str
    note: str

    def count(self) -> int:
        return 0


def test_from_row_takes_only_a_dataclass_s_fields() -> None:
    assert from_row(Thing, Named("f", "g"), thing_id=5) == Thing(5, "f", "g", 7)
