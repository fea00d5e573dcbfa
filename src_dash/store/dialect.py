"""SQL that differs between the store's two backends (SQLite and PostgreSQL), for the raw
SELECTs that read the store fast. (The Sage side's SQL Server dialect is sources/sql_dialect.py.)"""

from __future__ import annotations


def sql_date(dialect: str, column: str) -> str:
    """SQL giving a DATE column as ISO text on either backend."""
    if dialect == "postgresql":
        return f"to_char({column}, 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"


def sql_utc_day(dialect: str, column: str) -> str:
    """SQL giving the UTC day of a timestamp column as ISO text."""
    if dialect == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"


def sql_flag(column: str) -> str:
    """SQL giving a boolean column as 0 or 1 on either backend."""
    return f"CASE WHEN {column} THEN 1 ELSE 0 END"
