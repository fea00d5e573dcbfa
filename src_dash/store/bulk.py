"""Fast bulk writes of many rows (the sync's entries), below the ORM but still in the store.

Values are passed as the driver wants them: money as integer cents, dates as ISO text on
SQLite, booleans as bool. PostgreSQL inserts go through COPY.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Connection


class BulkWriter:
    """Insert, update and delete rows of one table by raw, batched statements."""

    def __init__(self, conn: Connection, table: str, columns: Sequence[str]) -> None:
        """Prepare statements for `table` with `columns` (the updatable ones, without id)."""
        self.conn = conn
        self.table = table
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

    def adapt(self, value: object) -> object:
        """Turn a Python value into what the driver stores for this store's types."""
        if self.is_sqlite and isinstance(value, date):
            return value.isoformat()
        if self.is_sqlite and isinstance(value, Decimal):
            return float(value)
        return value

    def _rows(self, rows: Iterable[Sequence[object]]) -> list[tuple[object, ...]]:
        adapt = self.adapt
        if self.is_sqlite:
            return [tuple(adapt(v) for v in row) for row in rows]
        return [tuple(row) for row in rows]

    def insert(self, rows: Sequence[Sequence[object]]) -> int:
        """Insert rows given in `columns` order; return how many."""
        if not rows:
            return 0
        if self.is_sqlite:
            self.conn.exec_driver_sql(self._insert, self._rows(rows))
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
        self.conn.exec_driver_sql(self._update, self._rows(rows))
        return len(rows)

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
