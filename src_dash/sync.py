"""Source -> store: incremental, idempotent, atomic per run.

A run reads what changed in a source (or all of it) and writes it to the store in one
transaction: a run that fails or is killed leaves the store as it was, and its `sync_run` row
says so. Every written row carries a hash of its source record, so rows read again but unchanged
are not rewritten and a second run with no source change changes nothing. Only the columns that
come from the source are written: contacts typed in the app, promises, disputes, comments,
actions and the app's columns of customers survive every sync.
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import os
import pickle
import queue
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import BigInteger, delete, func, insert, select, type_coerce, update
from sqlalchemy.engine import Connection, Engine

from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.config import load_settings
from src_dash.sources.fec_accounts import ExcludedLines
from src_dash.sources.left_out import LeftOutLines, from_fec, left_out_warnings
from src_dash.sources.records import (
    ENTRY_ROW_FIELDS,
    NO_FREE_FIELDS,
    CompanyInfo,
    ContactRecord,
    ContactServiceRecord,
    CustomerRecord,
    EntryRecord,
    SalesRepRecord,
    entry_row,
)
from src_dash.sources.sage100 import Sage100Reader, Window
from src_dash.store import (
    Company,
    Contact,
    ContactService,
    Customer,
    Entry,
    Promise,
    PromiseItem,
    SalesRep,
    SourceBalance,
    StoreMeta,
    SyncCursor,
    SyncRun,
)
from src_dash.store.bulk import BulkWriter

# How each contact service is dunned by default, by the start of its name.
DEFAULT_SERVICE_ROLES = {"compta": "to", "recouv": "to", "direction": "cc", "achat": "cc"}

# The entry table's columns, in the order of the compact rows the sources give (after their key
# and customer number).
ENTRY_COLUMNS = ("company_id", "customer_id", "source_key", *ENTRY_ROW_FIELDS[2:], "row_hash")


class SyncError(RuntimeError):
    """A run cannot complete; the store is left as it was."""


@dataclass
class TableCounts:
    """What a run did to one table."""

    added: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict."""
        return {
            "added": self.added,
            "changed": self.changed,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
        }


@dataclass
class SyncResult:
    """The outcome of one run.

    `excluded` and `warnings` are the run's report, kept in its details: the lines of class 41
    the source has and the run did not take as customer entries (by reason and account), and
    what the user must know of the numbers.
    """

    company: str
    run_id: int
    mode: str
    status: str
    seconds: float
    tables: dict[str, TableCounts] = field(default_factory=dict)
    error: str = ""
    excluded: list[LeftOutLines] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        """Rows added over all tables."""
        return sum(t.added for t in self.tables.values())

    @property
    def changed(self) -> int:
        """Rows changed over all tables."""
        return sum(t.changed for t in self.tables.values())

    @property
    def deleted(self) -> int:
        """Rows deleted over all tables."""
        return sum(t.deleted for t in self.tables.values())

    def as_dict(self) -> dict[str, object]:
        """The result as plain data, for JSON."""
        return {
            "company": self.company,
            "run_id": self.run_id,
            "mode": self.mode,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "added": self.added,
            "changed": self.changed,
            "deleted": self.deleted,
            "tables": {k: v.as_dict() for k, v in self.tables.items()},
            "error": self.error,
            "excluded": [e.as_dict() for e in self.excluded],
            "warnings": list(self.warnings),
        }


_GETTERS: dict[type, operator.attrgetter] = {}


def _digest(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big") >> 1


def entry_row_hash(row: tuple) -> int:
    """The hash the store keeps for an entry row (ENTRY_ROW_FIELDS), to tell a changed entry.

    A row without free fields hashes as rows did before entries had them, and a row not doubtful
    as rows did before the doubtful flag (the free fields come next to last, the flag last), so
    the store's hashes stay valid across those upgrades; a 416 line read again is rewritten.
    """
    hashed = row if row[-1] else row[:-1]
    if hashed[-1] == NO_FREE_FIELDS:
        hashed = hashed[:-1]
    return _digest(pickle.dumps(hashed, 5))


def record_hash(record: object) -> int:
    """A stable 63-bit hash of a source record's values, to tell changed rows from unchanged."""
    getter = _GETTERS.get(type(record))
    if getter is None:
        names = [f.name for f in fields(record) if f.name != "modified_at"]
        getter = _GETTERS[type(record)] = operator.attrgetter(*names)
    return _digest(repr(getter(record)).encode())


def prefetch(items: Iterable, depth: int = 2) -> Iterator:
    """Start iterating over `items` now, in a worker thread, up to `depth` items ahead.

    The sync starts reading entries this way before it writes customers: the ODBC driver
    releases the GIL while the server works, so reading the source overlaps with the rest.
    An error in the worker is raised in the caller's thread when it reaches that item.
    """
    box: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def work() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                box.put((item, None))
        except BaseException as exc:  # handed over to the caller
            box.put((None, exc))
            return
        box.put((done, None))

    worker = threading.Thread(target=work, name="sync-prefetch", daemon=True)
    worker.start()

    def drain() -> Iterator:
        try:
            while True:
                item, error = box.get()
                if error is not None:
                    raise error
                if item is done:
                    return
                yield item
        finally:
            stop.set()
            while worker.is_alive():
                try:
                    box.get_nowait()
                except queue.Empty:
                    worker.join(0.05)

    return drain()


class BackgroundWork:
    """Runs submitted calls one after the other in a worker thread; `wait` re-raises errors."""

    def __init__(self, depth: int = 2) -> None:
        self._calls: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        while (call := self._calls.get()) is not None:
            if self._error is None:
                try:
                    call[0](*call[1:])
                except BaseException as exc:  # re-raised by wait()
                    self._error = exc

    def submit(self, fn, *args: object) -> None:  # noqa: ANN001
        """Queue `fn(*args)`; blocks while `depth` calls are already waiting."""
        if self._error is not None:
            raise self._error
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sync-writer", daemon=True)
            self._thread.start()
        self._calls.put((fn, *args))

    def wait(self) -> None:
        """Wait for every submitted call to end; raise the first error one of them raised."""
        if self._thread is not None:
            self._calls.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error


def open_period(info: CompanyInfo) -> tuple[date, date]:
    """First and last day of the open fiscal years.

    Raises:
        SyncError: when the company has no open fiscal year.
    """
    years = [y for y in info.fiscal_years if y.is_open]
    if not years:
        raise SyncError("no open fiscal year in P_DOSSIER")
    return min(y.start for y in years), max(y.end for y in years)


def bump_data_version(conn: Connection, entries: bool = False, parties: bool = True) -> None:
    """Increase the store's data version so cached analytics know to reload.

    Args:
        conn: the connection of the transaction that made the change.
        entries: True when the entries or the companies' open periods changed (a sync): the
            analytics then read the entries again, not only the small tables; implies parties.
        parties: False when only the follow-up changed (promises, disputes, stops, comments,
            calls, actions, reminders), not the companies, customers, contacts, sales reps,
            users or portfolios: the analytics then keep those tables and what they computed
            from them. True by default: when in doubt, everything is read again.
    """
    table = StoreMeta.__table__
    keys = ["data_version"]
    if parties or entries:
        keys.append("parties_version")
    if entries:
        keys.append("entries_version")
    for key in keys:
        current = conn.execute(select(table.c.value).where(table.c.key == key)).scalar()
        if current is None:
            conn.execute(insert(table).values(key=key, value="1"))
        else:
            conn.execute(
                update(table).where(table.c.key == key).values(value=str(int(current) + 1))
            )


class StoreWriter:
    """Writes one company's source records into the store, on one connection (one transaction)."""

    def __init__(self, conn: Connection, company_id: int) -> None:
        self.conn = conn
        self.company_id = company_id
        self._id_cache: dict[tuple[str, str], dict] = {}

    def company_info(self, info: CompanyInfo, period: tuple[date, date] | None) -> None:
        """Update the company's identity from the source (the name typed by the admin stays)."""
        table = Company.__table__
        values = {
            "siret": info.siret,
            "address": info.address,
            "postal_code": info.postal_code,
            "city": info.city,
            "country": info.country,
            "email": info.email,
            "phone": info.phone,
            "currency": info.currency or "EUR",
        }
        if period is not None:
            values["open_from"], values["open_to"] = period
        row = self.conn.execute(select(table.c.name).where(table.c.id == self.company_id)).one()
        if not row.name:
            values["name"] = info.name
        self.conn.execute(update(table).where(table.c.id == self.company_id).values(**values))

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

    def services(self, records: list[ContactServiceRecord]) -> TableCounts:
        """Upsert contact services; a new one gets its default dunning role by name."""
        table = ContactService.__table__
        known = set(
            self.conn.execute(
                select(table.c.code).where(table.c.company_id == self.company_id)
            ).scalars()
        )

        def values(r: ContactServiceRecord) -> dict[str, object]:
            out: dict[str, object] = {"name": r.name, "abbreviation": r.abbreviation}
            if r.key not in known:
                lowered = r.name.lower()
                out["dunning_role"] = next(
                    (role for start, role in DEFAULT_SERVICE_ROLES.items() if start in lowered),
                    "never",
                )
            return out

        return self._upsert_small(table, "code", records, values)

    def sales_reps(self, records: list[SalesRepRecord]) -> TableCounts:
        """Upsert sales reps (never deleted: users and customers point at them)."""
        return self._upsert_small(
            SalesRep.__table__,
            "code",
            records,
            lambda r: {
                "last_name": r.last_name,
                "first_name": r.first_name,
                "email": r.email,
                "phone": r.phone,
                "is_sales_rep": r.is_sales_rep,
                "is_collector": r.is_collector,
            },
        )

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

    def customers(
        self, records: list[CustomerRecord], all_keys: set[str] | None = None
    ) -> TableCounts:
        """Upsert customers; with `all_keys`, mark those no longer in the source as removed."""
        reps = self._ids(SalesRep.__table__, "code")

        def values(r: CustomerRecord) -> dict[str, object]:
            return {
                "name": r.name,
                "sort_name": r.sort_name,
                "siret": r.siret,
                "vat_number": r.vat_number,
                "address": r.address,
                "address2": r.address2,
                "postal_code": r.postal_code,
                "city": r.city,
                "country": r.country,
                "phone": r.phone,
                "email": r.email,
                "sales_rep_id": reps.get(r.sales_rep_key),
                "credit_limit": r.credit_limit,
                "risk_code": r.risk_code,
                "do_not_dun": r.do_not_dun,
                "no_penalties": r.no_penalties,
                "dormant": r.dormant,
                "currency": r.currency,
                "payer_number": r.payer_number,
                "created_on": r.created_on,
                "language": r.language,
                "free_fields": r.free_fields,
                "removed_from_source": False,
            }

        return self._upsert_small(Customer.__table__, "number", records, values, all_keys)

    def contacts(self, records: list[ContactRecord], all_keys: set[int] | None) -> TableCounts:
        """Upsert the source's contacts; contacts typed in the app are never touched."""
        customers = self._ids(Customer.__table__, "number")
        services = self._ids(ContactService.__table__, "code")

        def values(r: ContactRecord) -> dict[str, object]:
            customer_id = customers.get(r.customer_key)
            if customer_id is None:
                raise SyncError(f"contact {r.key} belongs to unknown customer {r.customer_key!r}")
            return {
                "customer_id": customer_id,
                "civility": r.civility,
                "last_name": r.last_name,
                "first_name": r.first_name,
                "function": r.function,
                "service_id": services.get(r.service_key),
                "phone": r.phone,
                "mobile": r.mobile,
                "email": r.email,
            }

        return self._upsert_small(
            Contact.__table__, "source_key", records, values, all_keys, origin="sage"
        )

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

    def resolve_promises(self, as_of: date) -> TableCounts:
        """Decide pending promises: kept once paid, broken when still unpaid past their date.

        A promise is paid when its items went down, since it was made, by at least the amount
        promised (a partial promise is kept by a partial payment), or when all its items are
        settled. Promises recorded without what was open on their items use the second rule.
        """
        promises, items = Promise.__table__, PromiseItem.__table__
        entries, customers = Entry.__table__, Customer.__table__
        counts = TableCounts()
        residual = type_coerce(entries.c.residual, BigInteger)
        open_before = type_coerce(items.c.open_before, BigInteger)
        pending = self.conn.execute(
            select(
                promises.c.id, promises.c.promised_on, type_coerce(promises.c.amount, BigInteger)
            )
            .select_from(promises.join(customers, promises.c.customer_id == customers.c.id))
            .where(customers.c.company_id == self.company_id, promises.c.status == "pending")
        ).all()
        for promise_id, promised_on, amount_cents in pending:
            rows = self.conn.execute(
                select(open_before, func.coalesce(residual, 0))
                .select_from(items.outerjoin(entries, items.c.entry_id == entries.c.id))
                .where(items.c.promise_id == promise_id)
            ).all()
            all_settled = all(left == 0 for _, left in rows)
            known = bool(rows) and all(before is not None for before, _ in rows)
            paid = sum(max(before - max(left, 0), 0) for before, left in rows) if known else 0
            kept = all_settled or (known and paid >= amount_cents)
            status = "kept" if kept else ("broken" if promised_on < as_of else None)
            if status:
                self.conn.execute(
                    update(promises)
                    .where(promises.c.id == promise_id)
                    .values(status=status, resolved_at=utcnow())
                )
                counts.changed += 1
        return counts


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


def register_company(
    engine: Engine,
    code: str,
    name: str,
    source_kind: str,
    source_dsn: str = "",
    source_encoding: str = "",
) -> int:
    """Create the company `code`, or update how its source is reached; return its id."""
    table = Company.__table__
    with engine.begin() as conn:
        found = conn.execute(select(table.c.id).where(table.c.code == code)).scalar()
        values = {"source_kind": source_kind, "source_dsn": source_dsn}
        if source_encoding:
            values["source_encoding"] = source_encoding
        if found is None:
            return conn.execute(
                insert(table).values(code=code, name=name, created_at=utcnow(), **values)
            ).inserted_primary_key[0]
        if name:
            values["name"] = name
        conn.execute(update(table).where(table.c.id == found).values(**values))
        return found


def _company(engine: Engine, code: str) -> Company:
    table = Company.__table__
    with engine.connect() as conn:
        row = conn.execute(select(table).where(table.c.code == code)).first()
    if row is None:
        raise SyncError(f"unknown company {code!r}")
    return Company.model_validate(row._asdict())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _start_run(engine: Engine, company_id: int, source_kind: str, mode: str) -> int:
    """Record a run as running (committed at once) and close runs whose process died."""
    table = SyncRun.__table__
    host = socket.gethostname()
    with engine.begin() as conn:
        for run_id, details in conn.execute(
            select(table.c.id, table.c.details).where(
                table.c.company_id == company_id, table.c.status == "running"
            )
        ).all():
            details = details or {}
            if details.get("host") == host and not _pid_alive(int(details.get("pid", 0))):
                conn.execute(
                    update(table)
                    .where(table.c.id == run_id)
                    .values(
                        status="interrupted",
                        error="the process stopped before the run ended; nothing was written",
                    )
                )
        return conn.execute(
            insert(table).values(
                company_id=company_id,
                source_kind=source_kind,
                mode=mode,
                status="running",
                started_at=utcnow(),
                details={"pid": os.getpid(), "host": host},
            )
        ).inserted_primary_key[0]


def _finish_run(conn: Connection, result: SyncResult) -> None:
    """Write a run's outcome (in the data transaction when it succeeded)."""
    conn.execute(
        update(SyncRun.__table__)
        .where(SyncRun.__table__.c.id == result.run_id)
        .values(
            status=result.status,
            finished_at=utcnow(),
            duration_ms=int(result.seconds * 1000),
            added=result.added,
            changed=result.changed,
            deleted=result.deleted,
            details={
                "tables": {k: v.as_dict() for k, v in result.tables.items()},
                "excluded": [e.as_dict() for e in result.excluded],
                "warnings": list(result.warnings),
            },
            error=result.error[:4000],
        )
    )


def _lock_company(conn: Connection, company_id: int) -> None:
    """Serialise runs of one company (SQLite serialises every writer already)."""
    if conn.dialect.name == "postgresql":
        table = Company.__table__
        conn.execute(select(table.c.id).where(table.c.id == company_id).with_for_update())


def _cursors(conn: Connection, company_id: int) -> dict[str, SyncCursor]:
    table = SyncCursor.__table__
    rows = conn.execute(select(table).where(table.c.company_id == company_id)).all()
    return {row.table_name: SyncCursor.model_validate(row._asdict()) for row in rows}


def _save_cursor(
    conn: Connection,
    company_id: int,
    name: str,
    marq: int,
    modified: str,
    scope: str,
    source_count: int,
) -> None:
    table = SyncCursor.__table__
    where = (table.c.company_id == company_id) & (table.c.table_name == name)
    values = {
        "last_marq": marq,
        "last_modified": modified,
        "scope": scope,
        "source_count": source_count,
    }
    if conn.execute(update(table).where(where).values(**values)).rowcount == 0:
        conn.execute(insert(table).values(company_id=company_id, table_name=name, **values))


def _run(engine: Engine, company: Company, mode: str, body) -> SyncResult:  # noqa: ANN001
    """Run `body(conn, result)` in one transaction, recording the run whatever happens."""
    run_id = _start_run(engine, company.id, company.source_kind, mode)
    result = SyncResult(company=company.code, run_id=run_id, mode=mode, status="running", seconds=0)
    started = time.perf_counter()
    try:
        with engine.begin() as conn:
            _lock_company(conn, company.id)
            body(conn, result)
            if result.added or result.changed or result.deleted:
                bump_data_version(conn, entries=True)
            result.status = "ok"
            result.seconds = time.perf_counter() - started
            _finish_run(conn, result)
    except Exception as exc:
        result.status = "failed"
        result.error = f"{type(exc).__name__}: {exc}"
        result.seconds = time.perf_counter() - started
        with engine.begin() as conn:
            _finish_run(conn, result)
        return result
    if engine.dialect.name == "sqlite" and result.added + result.changed + result.deleted > 10000:
        # Fold a large run's write-ahead log into the database file now, so that readers (the
        # analytics' cold load) do not wade through hundreds of megabytes of log.
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        result.seconds = time.perf_counter() - started
    return result


def sync_company(
    engine: Engine,
    code: str,
    full: bool = False,
    as_of: date | None = None,
    overlap: timedelta | None = None,
) -> SyncResult:
    """Sync one Sage 100 company into the store; failures are recorded, not raised.

    Args:
        engine: the store.
        code: the company's code.
        full: read every row (and find deleted ones by their keys) instead of what changed.
        as_of: the day promises are judged on (default today).
        overlap: how far back changes are read again (cbModification has minute precision).

    Raises:
        SyncError: when the company is unknown or is not a Sage 100 company.
    """
    company = _company(engine, code)
    if company.source_kind != "sage100":
        raise SyncError(f"company {code} is fed by {company.source_kind}, not by a Sage base")
    as_of = as_of or clock_today()
    overlap = overlap or timedelta(seconds=load_settings().sync_overlap_seconds)

    def body(conn: Connection, result: SyncResult) -> None:
        with contextlib.ExitStack() as stack:
            reader = stack.enter_context(Sage100Reader(company.source_dsn, company.source_encoding))
            info = reader.company()
            period = open_period(info)
            scope = f"{period[0].isoformat()}..{period[1].isoformat()}"
            marks = {t: reader.watermark(t) for t in ("F_COMPTET", "F_CONTACTT", "F_ECRITUREC")}
            cursors = _cursors(conn, company.id)

            def window(name: str) -> tuple[Window, SyncCursor | None]:
                cur = cursors.get(name)
                upto = marks[name].max_marq
                if full or cur is None or cur.scope != scope or not cur.last_modified:
                    return Window(after_marq=0, since=None, upto_marq=upto), None
                since = datetime.fromisoformat(cur.last_modified) - overlap
                return Window(after_marq=cur.last_marq, since=since, upto_marq=upto), cur

            # Entries are read on a second connection, in a worker thread, from now on.
            win, previous = window("F_ECRITUREC")
            customer_keys = reader.customer_keys()
            entry_reader = stack.enter_context(
                Sage100Reader(company.source_dsn, company.source_encoding)
            )
            if previous is None:
                entry_batches = prefetch(entry_reader.entry_rows(period, win))
            else:
                entry_batches = prefetch(
                    entry_reader.changed_entry_rows(period, customer_keys, win)
                )
            stack.callback(entry_batches.close)

            writer = StoreWriter(conn, company.id)
            writer.company_info(info, period)
            result.tables["services"] = writer.services(reader.services())
            result.tables["sales_reps"] = writer.sales_reps(reader.sales_reps())
            customer_win, _ = window("F_COMPTET")
            result.tables["customers"] = writer.customers(
                reader.customers(customer_win), all_keys=customer_keys
            )
            contact_win, _ = window("F_CONTACTT")
            result.tables["contacts"] = writer.contacts(
                reader.contacts(contact_win), all_keys=reader.contact_keys()
            )
            if previous is None:
                counts = writer.entries(entry_batches, full=True)
            else:
                counts = writer.changed_entries(entry_batches)
                # Sage leaves no trace of a deleted row: fewer rows up to the last cbMarq than
                # at the end of the last run means some were deleted; then compare the keys.
                upto = previous.last_marq
                count_before = reader.count_rows("F_ECRITUREC", upto)
                if count_before != previous.source_count:
                    counts.deleted += writer.delete_vanished_entries(
                        reader, period, customer_keys, upto
                    )
            result.tables["entries"] = counts
            writer.source_balances(reader.customer_balances(period))
            result.excluded = reader.left_out_lines(period)
            result.warnings = left_out_warnings(result.excluded)
            result.tables["promises"] = writer.resolve_promises(as_of)
            # Rows of F_ECRITUREC up to the new cbMarq, for the next run's check for deletions:
            # those counted above plus the new ones (a cheap range count on the key).
            entry_mark = marks["F_ECRITUREC"].max_marq
            if previous is None:
                entry_count = reader.count_rows("F_ECRITUREC", entry_mark)
            else:
                entry_count = count_before + reader.count_rows(
                    "F_ECRITUREC", entry_mark, after_marq=previous.last_marq
                )
            for name, mark in marks.items():
                last = cursors.get(name)
                modified = mark.max_modified.isoformat(sep=" ") if mark.max_modified else ""
                if not modified and last is not None:
                    modified = last.last_modified
                count = entry_count if name == "F_ECRITUREC" else 0
                _save_cursor(conn, company.id, name, mark.max_marq, modified, scope, count)

    return _run(engine, company, "full" if full else "incremental", body)


def sync_all(engine: Engine, full: bool = False, as_of: date | None = None) -> list[SyncResult]:
    """Sync every active Sage 100 company, one after the other."""
    table = Company.__table__
    with engine.connect() as conn:
        codes = (
            conn.execute(
                select(table.c.code)
                .where(table.c.active.is_(True), table.c.source_kind == "sage100")
                .order_by(table.c.code)
            )
            .scalars()
            .all()
        )
    return [sync_company(engine, code, full=full, as_of=as_of) for code in codes]


def import_snapshot(
    engine: Engine,
    code: str,
    info: CompanyInfo,
    customers: list[CustomerRecord],
    entries: list[EntryRecord],
    period: tuple[date, date],
    as_of: date | None = None,
    source_balances: dict[str, tuple[Decimal, int]] | None = None,
    *,
    excluded: Sequence[ExcludedLines | LeftOutLines] = (),
    warnings: Sequence[str] = (),
) -> SyncResult:
    """Write a whole-period snapshot (a FEC file) for a company.

    Entries of the company posted within `period` that the snapshot no longer has are deleted;
    customers are added or updated, never removed (a file lists only those with entries).
    `source_balances` (customer -> balance, lines) defaults to the sum of `entries`: the
    file's own customer lines, which the reconciliation compares with the app's outstanding.
    `excluded` (the lines of class 41 the file has and the snapshot leaves out) and `warnings`
    (what the reader noticed) are kept with the run, as a sync keeps its own.
    """
    if source_balances is None:
        totals: dict[str, list] = {}
        for record in entries:
            got = totals.setdefault(record.customer_key, [Decimal("0.00"), 0])
            got[0] += record.amount
            got[1] += 1
        source_balances = {k: (v[0], v[1]) for k, v in totals.items()}
    company = _company(engine, code)
    as_of = as_of or clock_today()

    def body(conn: Connection, result: SyncResult) -> None:
        result.excluded = from_fec(excluded)
        result.warnings = list(warnings)
        writer = StoreWriter(conn, company.id)
        writer.company_info(info, None)
        result.tables["customers"] = writer.customers(customers)
        result.tables["entries"] = writer.entries(
            _batched([entry_row(r) for r in entries], 20000), full=True, delete_scope=period
        )
        writer.source_balances(source_balances)
        result.tables["promises"] = writer.resolve_promises(as_of)

    result = _run(engine, company, "fec", body)
    if result.status != "ok":
        raise SyncError(result.error)
    return result


def _batched(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
