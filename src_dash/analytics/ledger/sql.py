"""Raw SELECTs into typed Polars frames, on SQLite and PostgreSQL (the dialect's SQL and the
store's versions are the store's: re-exported here for the readers).

Dates arrive as ISO text and booleans as 0/1, then are typed; PostgreSQL streams the rows
through COPY ... CSV, SQLite hands them over from the DBAPI cursor.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from sqlalchemy.engine import Connection

from src_dash.store.dialect import sql_date, sql_flag, sql_utc_day
from src_dash.store.versions import data_version, entries_version, parties_version


@dataclass(frozen=True)
class Table:
    """A raw SELECT and the Polars types of its columns (dates arrive as ISO text)."""

    sql: str
    schema: dict[str, pl.DataType]


def rows_frame(rows: list, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows of text dates and integers -> a typed frame."""
    raw = {name: (pl.String if dtype == pl.Date else dtype) for name, dtype in schema.items()}
    for name, dtype in raw.items():
        if dtype == pl.Boolean:
            raw[name] = pl.Int8
    frame = pl.DataFrame(rows, schema=raw, orient="row")
    return typed_frame(frame, schema)


def typed_frame(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Type the ISO-text dates and 0/1 booleans of a raw frame; null strings become ''."""
    casts = []
    for name, dtype in schema.items():
        if dtype == pl.Date:
            casts.append(pl.col(name).str.to_date("%Y-%m-%d", strict=False))
        elif dtype == pl.Boolean:
            casts.append(pl.col(name).cast(pl.Int8).cast(pl.Boolean))
        elif dtype == pl.String:
            casts.append(pl.col(name).fill_null(""))
    return frame.with_columns(casts) if casts else frame


def id_list(ids: Iterable[object]) -> str:
    """Integer ids listed inline in SQL (`IN (...)`); "NULL" (matches nothing) when empty.

    Each one is turned into an int first, so nothing else can reach the SQL.
    """
    return ", ".join(str(int(i)) for i in ids) or "NULL"  # type: ignore[call-overload]


def read_table(conn: Connection, table: Table) -> pl.DataFrame:
    """Run a raw SELECT and return its rows as a typed Polars frame."""
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        buffer = io.BytesIO()
        with raw.cursor() as cur, cur.copy(f"COPY ({table.sql}) TO STDOUT WITH (FORMAT csv)") as cp:
            for block in cp:
                buffer.write(block)
        if buffer.tell() == 0:
            return rows_frame([], table.schema)
        raw_schema = {
            n: (pl.String if t in (pl.Date, pl.String) else pl.Int8 if t == pl.Boolean else t)
            for n, t in table.schema.items()
        }
        frame = pl.read_csv(
            buffer.getvalue(),
            has_header=False,
            new_columns=list(table.schema),
            schema=raw_schema,
        )
        return typed_frame(frame, table.schema)
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(table.sql)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return rows_frame(rows, table.schema)


__all__ = [
    "Table",
    "data_version",
    "entries_version",
    "id_list",
    "parties_version",
    "read_table",
    "rows_frame",
    "sql_date",
    "sql_flag",
    "sql_utc_day",
    "typed_frame",
]
