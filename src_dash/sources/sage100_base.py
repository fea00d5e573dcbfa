"""The connection to a Sage 100 base and the queries every reader shares.

Lookups read once per connection (currencies, payment methods, free fields), watermarks, the
windows of an incremental read, and the scopes that keep to customers (CT_Type = 0) and to the
receivable lines of the open years.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Self

import pyodbc

from src_dash.money import to_money
from src_dash.sources.sql_dialect import (
    Dialect,
    as_date,
    as_datetime,
    configure_connection,
    detect_dialect,
)

# Free-field types of cbSysLibre (CB_Type): 0 means the field was deleted.
FREE_FIELD_DELETED = 0

#: A customer's lines are those on a receivable account: 411 (clients) and 416 (clients douteux).
#: A customer's lines on other accounts (413, 418, 419, ...) are left out and counted.
RECEIVABLE = "(CG_Num LIKE '411%' OR CG_Num LIKE '416%')"
# Where an entry read's free-field columns start (after those of `_entry_columns`).
ENTRY_FREE_START = 25


class Sage100Error(RuntimeError):
    """The Sage base cannot be read: unreachable, or not shaped like a Sage 100 base."""


@dataclass(frozen=True)
class Window:
    """Which rows an incremental read wants: new above `after_marq`, changed since `since`.

    `upto_marq` bounds every read of a run, so rows added while it runs wait for the next one.
    """

    after_marq: int
    since: datetime | None
    upto_marq: int


@dataclass(frozen=True)
class Watermark:
    """The highest cbMarq and the newest cbModification of a table, read before a run."""

    max_marq: int
    max_modified: datetime | None


def as_text(value: object) -> str:
    """Strip a varchar (Sage pads nothing, but drivers and users do)."""
    return "" if value is None else str(value).strip()


def as_int(value: object) -> int:
    """An integer column (0 for NULL or '')."""
    return 0 if value is None or value == "" else int(value)


def bracket(name: str) -> str:
    """A column name quoted for SQL Server and SQLite (a free field's name is free text)."""
    return "[" + name.replace("]", "]]") + "]"


def free_value(value: object) -> str:
    """A free field's value as text (dates in ISO, amounts with their decimals)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        as_day = as_date(value)
        return as_day.isoformat() if as_day else ""
    if isinstance(value, float | Decimal):
        return str(to_money(value))
    return str(value).strip()


class SageConnection:
    """A connection to one Sage 100 base; use as a context manager."""

    def __init__(self, connection_string: str, encoding: str = "", timeout: int = 30) -> None:
        """Connect to the base.

        Args:
            connection_string: an ODBC connection string (DRIVER=...;SERVER=...;DATABASE=...).
            encoding: code page of varchar columns; empty means the server's usual one.
            timeout: seconds to wait for the connection.

        Raises:
            Sage100Error: when the base cannot be reached.
        """
        try:
            self.connection = pyodbc.connect(connection_string, timeout=timeout, readonly=True)
        except pyodbc.Error as exc:
            raise Sage100Error(f"cannot connect to the Sage base: {exc}") from exc
        self.dialect: Dialect = detect_dialect(self.connection)
        configure_connection(self.connection, self.dialect, encoding)
        self._currencies: dict[int, str] | None = None
        self._payment_methods: dict[int, str] | None = None
        self._entry_free_fields: list[str] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def _query(self, sql: str, *params: object) -> pyodbc.Cursor:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, *params)
        except pyodbc.Error as exc:
            raise Sage100Error(f"query failed: {exc}\n{sql}") from exc
        return cursor

    def currencies(self) -> dict[int, str]:
        """Map P_DEVISE.cbIndice to the ISO code (N_Devise 0 is the book currency)."""
        if self._currencies is None:
            rows = self._query(
                f"SELECT cbIndice, D_CodeISO, D_Intitule FROM {self.dialect.table('P_DEVISE')}"
            ).fetchall()
            self._currencies = {
                as_int(r[0]): (as_text(r[1]) or as_text(r[2])[:3]).upper() for r in rows
            }
        return self._currencies

    def payment_methods(self) -> dict[int, str]:
        """Map P_REGLEMENT.cbIndice to the payment method's label."""
        if self._payment_methods is None:
            rows = self._query(
                f"SELECT cbIndice, R_Intitule FROM {self.dialect.table('P_REGLEMENT')}"
            ).fetchall()
            self._payment_methods = {as_int(r[0]): as_text(r[1]) for r in rows}
        return self._payment_methods

    def free_fields(self, table: str = "F_COMPTET") -> list[str]:
        """Names of a table's free fields: its cbSysLibre rows that are real columns of it.

        Args:
            table: F_COMPTET (customers, the default) or F_ECRITUREC (entries).
        """
        rows = self._query(
            "SELECT CB_Name FROM cbSysLibre WHERE CB_File = ? AND CB_Type <> ? ORDER BY CB_Pos",
            table,
            FREE_FIELD_DELETED,
        ).fetchall()
        columns = {c.column_name for c in self.connection.cursor().columns(table=table)}
        return [as_text(r[0]) for r in rows if as_text(r[0]) in columns]

    def entry_free_fields(self) -> list[str]:
        """Names of the entries' free fields (F_ECRITUREC), read once per connection."""
        if self._entry_free_fields is None:
            self._entry_free_fields = self.free_fields("F_ECRITUREC")
        return self._entry_free_fields

    def watermark(self, table: str) -> Watermark:
        """Read the highest cbMarq and newest cbModification of a table.

        Two queries, as a lone MIN/MAX is what servers answer from an index without a scan.
        """
        table_ref = self.dialect.table(table)
        marq = self._query(f"SELECT MAX(cbMarq) FROM {table_ref}").fetchone()[0]
        modified = self._query(f"SELECT MAX(cbModification) FROM {table_ref}").fetchone()[0]
        return Watermark(max_marq=as_int(marq), max_modified=as_datetime(modified))

    def _windowed(
        self, sql: str, params: list[object], window: Window | None
    ) -> list[tuple[str, list[object]]]:
        """The queries that read a window's rows: new rows, and changed older rows.

        Two disjoint queries rather than one with an OR, so that each can use its index (the
        primary key for new rows, cbModification for changed ones).
        """
        if window is None:
            return [(sql, params)]
        queries = [
            (
                f"{sql} AND cbMarq > ? AND cbMarq <= ?",
                [*params, window.after_marq, window.upto_marq],
            )
        ]
        if window.since is not None:
            queries.append(
                (
                    f"{sql} AND cbModification >= ? AND cbMarq <= ?",
                    [
                        *params,
                        self.dialect.datetime_param(window.since),
                        min(window.after_marq, window.upto_marq),
                    ],
                )
            )
        return queries

    def _fetch(
        self, queries: list[tuple[str, list[object]]], batch_size: int
    ) -> Iterator[list[pyodbc.Row]]:
        """Run queries one after the other and yield their rows in batches."""
        for sql, params in queries:
            cursor = self._query(sql, *params)
            while rows := cursor.fetchmany(batch_size):
                yield rows

    def _customers_scope(self) -> str:
        return f"CT_Num IN (SELECT CT_Num FROM {self.dialect.table('F_COMPTET')} WHERE CT_Type = 0)"

    def _entries_scope(self, period: tuple[date, date], params: list[object]) -> str:
        start, end = period
        params.extend(
            [
                self.dialect.datetime_param(datetime(start.year, start.month, start.day)),
                self.dialect.datetime_param(datetime(end.year, end.month, end.day)),
            ]
        )
        return f"{self._customers_scope()} AND {RECEIVABLE} AND JM_Date >= ? AND JM_Date <= ?"

    def count_rows(self, table: str, upto_marq: int, after_marq: int = 0) -> int:
        """Count every row of a table with a cbMarq in (after_marq, upto_marq] (a range count)."""
        sql = f"SELECT COUNT(*) FROM {self.dialect.table(table)} WHERE cbMarq <= ?"
        if not after_marq:
            return as_int(self._query(sql, upto_marq).fetchone()[0])
        sql += " AND cbMarq > ?"
        return as_int(self._query(sql, upto_marq, after_marq).fetchone()[0])
