"""Fast bulk writes of many rows (the sync's entries), below the ORM but still in the store.

Callers pass values ready for any driver: money as integer cents, dates as ISO text (what
SQLAlchemy stores on SQLite; PostgreSQL casts it), decimals as text, booleans as bool.
PostgreSQL inserts go through COPY.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Table
from sqlalchemy.engine import Connection


class BulkWriter:
    """Insert, update and delete rows of one table by raw, batched statements."""

    def __init__(self, conn: Connection, table: Table, columns: Sequence[str]) -> None:
        """Prepare statements for `table` with `columns` (the updatable ones, without id)."""
        self.conn = conn
        self.table = table.name
        self.columns = list(columns)
        self.is_sqlite = conn.dialect.name == "sqlite"
        mark = "?" if self.is_sqlite else "%s"
        self._mark = mark
        self._insert = (
            f"INSERT INTO {table} ({', '.join(self.columns)}) "
            f"VALUES ({', '.join(mark for _ in self.columns)})"
        )
        self._update = (
            f"UPDATE {table} SET {', '.join(f'{c} = {mark}' for c in self.columns)} "
            f"WHERE id = {mark}"
        )

    def insert(self, rows: Sequence[Sequence[object]]) -> int:
        """Insert rows given in `columns` order; return how many."""
        if not rows:
            return 0
        if self.is_sqlite:
            self._executemany(self._insert, rows)
        else:
            raw = self.conn.connection.driver_connection
            with (
                raw.cursor() as cur,
                cur.copy(f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        return len(rows)

    def update(self, rows: Sequence[Sequence[object]]) -> int:
        """Update rows given as `columns` values followed by the id; return how many."""
        if not rows:
            return 0
        self._executemany(self._update, rows)
        return len(rows)

    def _executemany(self, sql: str, rows: list[Sequence[object]]) -> None:
        """Run a statement for many rows on the DBAPI cursor, in the connection's transaction."""
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()

    def delete(self, ids: Iterable[int]) -> int:
        """Delete rows by id; return how many."""
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join(self._mark for _ in chunk)
            self.conn.exec_driver_sql(
                f"DELETE FROM {self.table} WHERE id IN ({marks})", tuple(chunk)
            )
        return len(ids)
