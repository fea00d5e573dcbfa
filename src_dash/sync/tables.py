"""The base of the store writer: one company, one connection, small tables upserted by hash."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from src_dash.store import Customer
from src_dash.sync.hashing import record_hash
from src_dash.sync.results import TableCounts


class TableWriter:
    """Writes one company's rows into the store, on one connection (one transaction)."""

    def __init__(self, conn: Connection, company_id: int) -> None:
        self.conn = conn
        self.company_id = company_id
        self._id_cache: dict[tuple[str, str], dict] = {}

    def _upsert_small(
        self,
        table,  # noqa: ANN001
        key_column: str,
        records: Iterable[object],
        to_values,  # noqa: ANN001
        all_keys: set | None = None,
        **fixed: object,
    ) -> TableCounts:
        """Upsert a small table by its source key, comparing row hashes.

        Args:
            table: the store table.
            key_column: its column holding the record's `key`.
            records: the source's records (all, or those of a window).
            to_values: record -> dict of the columns the source owns.
            all_keys: every key the source has now; rows with another key are deleted.
            fixed: column values that select this source's rows and are set on new ones.
        """
        counts = TableCounts()
        query = select(table.c[key_column], table.c.id, table.c.row_hash).where(
            table.c.company_id == self.company_id,
            *(table.c[name] == value for name, value in fixed.items()),
        )
        existing = {row[0]: (row[1], row[2]) for row in self._raw_rows(query)}
        inserts = []
        for record in records:
            row_hash = record_hash(record)
            values = _fit(table, to_values(record))
            values["row_hash"] = row_hash
            found = existing.pop(record.key, None)
            if found is None:
                inserts.append(
                    {"company_id": self.company_id, key_column: record.key, **fixed, **values}
                )
                counts.added += 1
            elif found[1] != row_hash:
                self.conn.execute(update(table).where(table.c.id == found[0]).values(**values))
                counts.changed += 1
            else:
                counts.unchanged += 1
        if inserts:
            self.conn.execute(insert(table), inserts)
            self._id_cache = {k: v for k, v in self._id_cache.items() if k[0] != table.name}
        if all_keys is not None:
            gone = [row_id for key, (row_id, _) in existing.items() if key not in all_keys]
            if gone:
                counts.deleted = self._delete_small(table, gone)
        return counts

    def _delete_small(self, table, ids: list[int]) -> int:  # noqa: ANN001
        """Delete rows by id; customers are only marked, and a hash of 0 makes them come back."""
        if table is Customer.__table__:
            # Customers keep the app's data (comments, promises...): mark, don't delete.
            return self.conn.execute(
                update(table)
                .where(table.c.id.in_(ids), table.c.removed_from_source.is_(False))
                .values(removed_from_source=True, row_hash=0)
            ).rowcount
        return self.conn.execute(table.delete().where(table.c.id.in_(ids))).rowcount

    def _raw_rows(self, query) -> list[tuple]:  # noqa: ANN001
        """Run a select on the DBAPI cursor: rows as plain tuples, without SQLAlchemy's rows.

        For the large reads of a sync (every key and hash of a table), several times faster.
        """
        compiled = query.compile(self.conn, compile_kwargs={"literal_binds": True})
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            cursor.execute(str(compiled))
            return cursor.fetchall()
        finally:
            cursor.close()

    def _ids(self, table, key_column: str) -> dict:  # noqa: ANN001
        """Map source keys to store ids, read once per run (customers: after their upsert)."""
        cache_key = (table.name, key_column)
        if cache_key not in self._id_cache:
            self._id_cache[cache_key] = dict(
                self._raw_rows(
                    select(table.c[key_column], table.c.id).where(
                        table.c.company_id == self.company_id
                    )
                )
            )
        return self._id_cache[cache_key]


_TEXT_LIMITS: dict[str, dict[str, int]] = {}


def _fit(table, values: dict[str, object]) -> dict[str, object]:  # noqa: ANN001
    """Cut text values to their column's length (a FEC label may be longer than the store's)."""
    limits = _TEXT_LIMITS.get(table.name)
    if limits is None:
        limits = _TEXT_LIMITS[table.name] = {
            c.name: c.type.length for c in table.c if getattr(c.type, "length", None)
        }
    for name, value in values.items():
        limit = limits.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            values[name] = value[:limit]
    return values
