"""Every difference between the SQL servers a Sage 100 base can sit on, in one place.

Production is Microsoft SQL Server; tests run the same queries through unixODBC on SQLite demo
bases. The queries themselves are plain, portable SQL (explicit columns, `?` parameters,
bracket-quoted names, which both servers accept); only what follows differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pyodbc

# Sage writes these when a date is empty; NULL means the same.
EMPTY_DATES = frozenset({date(1753, 1, 1), date(1900, 1, 1)})


@dataclass(frozen=True)
class Dialect:
    """What differs between servers: table hints, text encoding, dates."""

    name: str
    table_hint: str
    text_encoding: str
    dates_as_text: bool
    # An expression giving a date column's day as 'YYYY-MM-DD' text; {col} is the column.
    day_text: str
    # The same for a day plus a number of days; {col} the date, {days} the number.
    day_plus_text: str

    def table(self, name: str) -> str:
        """Return a table reference with the server's read hint (NOLOCK on SQL Server)."""
        return f"{name}{self.table_hint}"

    def day(self, column: str) -> str:
        """SQL giving a date column as ISO day text, NULL for an empty date (NULL, 1753, 1900).

        The server does the conversion, so millions of rows reach Python as short strings.
        """
        text = self.day_text.format(col=column)
        return f"NULLIF(NULLIF({text}, '1753-01-01'), '1900-01-01')"

    def day_plus(self, column: str, days: str) -> str:
        """SQL giving a date column plus a number of days as ISO day text."""
        return self.day_plus_text.format(col=column, days=days)

    def datetime_param(self, value: datetime) -> datetime | str:
        """Return a datetime as the server compares it (SQLite compares ISO text)."""
        if self.dates_as_text:
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value


SQL_SERVER = Dialect(
    name="mssql",
    table_hint=" WITH (NOLOCK)",
    text_encoding="cp1252",
    dates_as_text=False,
    day_text="CONVERT(char(10), {col}, 23)",
    day_plus_text="CONVERT(char(10), DATEADD(day, {days}, {col}), 23)",
)
SQLITE = Dialect(
    name="sqlite",
    table_hint="",
    text_encoding="utf-8",
    dates_as_text=True,
    day_text="substr({col}, 1, 10)",
    day_plus_text="date({col}, '+' || ({days}) || ' days')",
)


def detect_dialect(connection: pyodbc.Connection) -> Dialect:
    """Pick the dialect from what the ODBC driver says the server is."""
    dbms = (connection.getinfo(pyodbc.SQL_DBMS_NAME) or "").lower()
    if "sqlite" in dbms:
        return SQLITE
    return SQL_SERVER


def configure_connection(connection: pyodbc.Connection, dialect: Dialect, encoding: str) -> None:
    """Decode varchar columns with the base's code page (cp1252 for a French Sage base)."""
    connection.setdecoding(pyodbc.SQL_CHAR, encoding=encoding or dialect.text_encoding)
    connection.setdecoding(pyodbc.SQL_WCHAR, encoding="utf-16le")


def as_datetime(value: object) -> datetime | None:
    """Read a datetime column or aggregate (drivers may return text); empty dates give None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day)
    else:
        result = datetime.fromisoformat(str(value).strip())
    if result.date() in EMPTY_DATES:
        return None
    return result


def as_date(value: object) -> date | None:
    """Read a date column; NULL, 1753-01-01 and 1900-01-01 give None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    else:
        result = datetime.fromisoformat(str(value).strip()).date()
    return None if result in EMPTY_DATES else result
