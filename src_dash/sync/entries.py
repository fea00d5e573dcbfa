"""Writing the entries of a company: a full read, a window of changes, the rows the source
deleted, and the balances the source itself gives per customer (for the reconciliation).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, delete, func, insert, select, type_coerce

from src_dash.sources.records import ENTRY_ROW_FIELDS
from src_dash.sources.sage100 import Sage100Reader
from src_dash.store import Customer, Entry, SourceBalance
from src_dash.store.bulk import BulkWriter
from src_dash.sync.background import BackgroundWork
from src_dash.sync.hashing import entry_row_hash
from src_dash.sync.results import SyncError, TableCounts
from src_dash.sync.tables import TableWriter

# The entry table's columns, in the order of the compact rows the sources give (after their key
# and customer number).
ENTRY_COLUMNS = ("company_id", "customer_id", "source_key", *ENTRY_ROW_FIELDS[2:], "row_hash")


class EntriesWriter(TableWriter):
    """Upserts entries by their source key and row hash, and deletes those the source lost."""

    def entries(
        self,
        batches: Iterable[list[tuple]],
        full: bool,
        delete_scope: tuple[date, date] | None = None,
    ) -> TableCounts:
        """Upsert entries, given as batches of compact rows (ENTRY_ROW_FIELDS).

        Args:
            batches: the source's entries.
            full: the batches hold every entry of the source; store entries not among them are
                deleted (only those posted within `delete_scope` when it is given).
            delete_scope: posting-date bounds of what a full read covers.
        """
        return self._entries(((batch, ()) for batch in batches), full, delete_scope)

    def changed_entries(self, batches: Iterable[tuple[list[tuple], list[int]]]) -> TableCounts:
        """Upsert the entries of a window and delete the window's rows that left the scope."""
        return self._entries(batches, full=False, delete_scope=None)

    def _entries(
        self,
        batches: Iterable[tuple[list[tuple], Iterable[int]]],
        full: bool,
        delete_scope: tuple[date, date] | None,
    ) -> TableCounts:
        table = Entry.__table__
        writer = BulkWriter(self.conn, table, ENTRY_COLUMNS)
        customers = self._ids(Customer.__table__, "number")
        counts = TableCounts()
        existing: dict[int, tuple[int, int]] = {}
        if full:
            query = select(table.c.source_key, table.c.id, table.c.row_hash).where(
                table.c.company_id == self.company_id
            )
            if delete_scope is not None:
                query = query.where(table.c.posting_date.between(*delete_scope))
            existing = {row[0]: (row[1], row[2]) for row in self._raw_rows(query)}
        company_id = self.company_id
        background = BackgroundWork()
        for batch, outside in batches:
            if not full:
                existing = self._existing_entries([r[0] for r in batch] + list(outside))
                gone = [existing[key][0] for key in outside if key in existing]
                counts.deleted += writer.delete(gone)
            inserts, updates = [], []
            for r in batch:
                row_hash = entry_row_hash(r)
                found = existing.pop(r[0], None)
                if found is not None and found[1] == row_hash:
                    counts.unchanged += 1
                    continue
                customer_id = customers.get(r[1])
                if customer_id is None:
                    raise SyncError(f"entry {r[0]} ({r[6]}) is on unknown customer {r[1]!r}")
                row = (company_id, customer_id, r[0], *r[2:], row_hash)
                if found is None:
                    inserts.append(row)
                else:
                    updates.append((*row, found[0]))
            if full:
                # Nothing else reads the store while a full read runs: write in the background
                # (the driver releases the GIL) while the next batch is read and hashed.
                background.submit(writer.insert, inserts)
                background.submit(writer.update, updates)
                counts.added += len(inserts)
                counts.changed += len(updates)
            else:
                counts.added += writer.insert(inserts)
                counts.changed += writer.update(updates)
        background.wait()
        if full and existing:
            counts.deleted += writer.delete(v[0] for v in existing.values())
        if self.conn.dialect.name == "postgresql" and counts.added + counts.deleted > 10000:
            # Fresh statistics, or PostgreSQL plans the next run's key lookups as full scans
            # until autovacuum gets round to it.
            self.conn.exec_driver_sql("ANALYZE entry")
        return counts

    def _existing_entries(self, keys: list[int]) -> dict[int, tuple[int, int]]:
        table = Entry.__table__
        out: dict[int, tuple[int, int]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            for row in self.conn.execute(
                select(table.c.source_key, table.c.id, table.c.row_hash).where(
                    table.c.company_id == self.company_id, table.c.source_key.in_(chunk)
                )
            ):
                out[row[0]] = (row[1], row[2])
        return out

    def entry_buckets(self, upto_key: int, width: int) -> dict[int, int]:
        """Count the company's entries per range of `width` source keys, up to `upto_key`."""
        table = Entry.__table__
        bucket = type_coerce(table.c.source_key, BigInteger) // width
        query = (
            select(bucket, func.count())
            .where(table.c.company_id == self.company_id, table.c.source_key <= upto_key)
            .group_by(bucket)
        )
        return {int(b): int(n) for b, n in self._raw_rows(query)}

    def delete_entries_not_in(self, keys: set[int], after_key: int, upto_key: int) -> int:
        """Delete the entries with a source key in (after_key, upto_key] that `keys` lacks."""
        table = Entry.__table__
        query = select(table.c.source_key, table.c.id).where(
            table.c.company_id == self.company_id,
            table.c.source_key > after_key,
            table.c.source_key <= upto_key,
        )
        gone = [row_id for key, row_id in self._raw_rows(query) if key not in keys]
        return BulkWriter(self.conn, table, ENTRY_COLUMNS).delete(gone)

    def delete_vanished_entries(
        self,
        reader: Sage100Reader,
        period: tuple[date, date],
        customer_keys: set[str],
        upto_key: int,
    ) -> int:
        """Find and delete the entries up to `upto_key` that were deleted in the source.

        Counts per range of keys on both sides point at the ranges that lost rows; only the
        keys of those ranges are read and compared.
        """
        width = max(upto_key // 256 + 1, 1000)
        source = reader.entry_buckets(period, upto_key, width)
        store = self.entry_buckets(upto_key, width)
        deleted = 0
        for bucket in sorted(set(source) | set(store)):
            if source.get(bucket, 0) == store.get(bucket, 0):
                continue
            low = bucket * width - 1
            high = min((bucket + 1) * width - 1, upto_key)
            keys = reader.entry_keys(period, customer_keys, high, after_marq=low)
            deleted += self.delete_entries_not_in(keys, low, high)
        return deleted

    def source_balances(self, balances: dict[str, tuple[Decimal, int]]) -> None:
        """Replace the company's source balances (customer -> balance, lines) by these."""
        table = SourceBalance.__table__
        self.conn.execute(delete(table).where(table.c.company_id == self.company_id))
        rows = [
            {
                "company_id": self.company_id,
                "customer_number": number,
                "balance": balance,
                "lines": lines,
            }
            for number, (balance, lines) in balances.items()
        ]
        for start in range(0, len(rows), 20000):
            self.conn.execute(insert(table), rows[start : start + 20000])
