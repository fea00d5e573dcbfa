"""Sync of a Sage 100 company: what changed since the last run (or everything), in one run.

A run reads its windows of F_COMPTET, F_CONTACTT and F_ECRITUREC from the cursors the last run
left (cbMarq and cbModification, read again `overlap` back), finds the rows Sage deleted by
counting, writes everything in one transaction and leaves new cursors for the next run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.clock import today as clock_today
from src_dash.config import load_settings
from src_dash.sources.left_out import left_out_warnings
from src_dash.sources.records import CompanyInfo
from src_dash.sources.sage100 import Sage100Reader, Window
from src_dash.store import Company, SyncCursor
from src_dash.sync.background import prefetch
from src_dash.sync.results import SyncError, SyncResult, TableCounts
from src_dash.sync.runs import company_by_code, read_cursors, run_in_transaction, save_cursor
from src_dash.sync.writer import StoreWriter

# The source tables a run keeps a cursor on.
_WATCHED = ("F_COMPTET", "F_CONTACTT", "F_ECRITUREC")


def open_period(info: CompanyInfo) -> tuple[date, date]:
    """First and last day of the open fiscal years.

    Raises:
        SyncError: when the company has no open fiscal year.
    """
    years = [y for y in info.fiscal_years if y.is_open]
    if not years:
        raise SyncError("no open fiscal year in P_DOSSIER")
    return min(y.start for y in years), max(y.end for y in years)


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
    company = company_by_code(engine, code)
    if company.source_kind != "sage100":
        raise SyncError(f"company {code} is fed by {company.source_kind}, not by a Sage base")
    as_of = as_of or clock_today()
    overlap = overlap or timedelta(seconds=load_settings().sync_overlap_seconds)

    def body(conn: Connection, result: SyncResult) -> None:
        with contextlib.ExitStack() as stack:
            _SageRun(company, conn, result, full, overlap).run(stack, as_of)

    return run_in_transaction(engine, company, "full" if full else "incremental", body)


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


class _SageRun:
    """One run of `sync_company`, inside its transaction: the source, its windows, the writer."""

    def __init__(
        self,
        company: Company,
        conn: Connection,
        result: SyncResult,
        full: bool,
        overlap: timedelta,
    ) -> None:
        self.company = company
        self.conn = conn
        self.result = result
        self.full = full
        self.overlap = overlap
        self.scope = ""
        self.marks: dict = {}
        self.cursors: dict[str, SyncCursor] = {}

    def _open_reader(self, stack: contextlib.ExitStack) -> Sage100Reader:
        company = self.company
        return stack.enter_context(Sage100Reader(company.source_dsn, company.source_encoding))

    def window(self, name: str) -> tuple[Window, SyncCursor | None]:
        """The window of a source table to read, and its cursor (None: read it all)."""
        cur = self.cursors.get(name)
        upto = self.marks[name].max_marq
        if self.full or cur is None or cur.scope != self.scope or not cur.last_modified:
            return Window(after_marq=0, since=None, upto_marq=upto), None
        since = datetime.fromisoformat(cur.last_modified) - self.overlap
        return Window(after_marq=cur.last_marq, since=since, upto_marq=upto), cur

    def run(self, stack: contextlib.ExitStack, as_of: date) -> None:
        """Read the source and write the store; leave the cursors for the next run."""
        result = self.result
        reader = self._open_reader(stack)
        info = reader.company()
        period = open_period(info)
        self.scope = f"{period[0].isoformat()}..{period[1].isoformat()}"
        self.marks = {t: reader.watermark(t) for t in _WATCHED}
        self.cursors = read_cursors(self.conn, self.company.id)
        # Entries are read on a second connection, in a worker thread, from now on.
        win, previous = self.window("F_ECRITUREC")
        customer_keys = reader.customer_keys()
        entry_reader = self._open_reader(stack)
        if previous is None:
            entry_batches = prefetch(entry_reader.entry_rows(period, win))
        else:
            entry_batches = prefetch(entry_reader.changed_entry_rows(period, customer_keys, win))
        stack.callback(entry_batches.close)

        writer = StoreWriter(self.conn, self.company.id)
        writer.company_info(info, period)
        self._write_parties(reader, writer, customer_keys)
        counts, count_before = self._write_entries(
            reader, writer, entry_batches, previous, period, customer_keys
        )
        result.tables["entries"] = counts
        writer.source_balances(reader.customer_balances(period))
        result.excluded = reader.left_out_lines(period)
        result.warnings = left_out_warnings(result.excluded)
        result.tables["promises"] = writer.resolve_promises(as_of)
        self._save_cursors(reader, previous, count_before)

    def _write_parties(
        self, reader: Sage100Reader, writer: StoreWriter, customer_keys: set[str]
    ) -> None:
        tables = self.result.tables
        tables["services"] = writer.services(reader.services())
        tables["sales_reps"] = writer.sales_reps(reader.sales_reps())
        customer_win, _ = self.window("F_COMPTET")
        tables["customers"] = writer.customers(
            reader.customers(customer_win), all_keys=customer_keys
        )
        contact_win, _ = self.window("F_CONTACTT")
        tables["contacts"] = writer.contacts(
            reader.contacts(contact_win), all_keys=reader.contact_keys()
        )

    def _write_entries(
        self,
        reader: Sage100Reader,
        writer: StoreWriter,
        entry_batches: Iterator,
        previous: SyncCursor | None,
        period: tuple[date, date],
        customer_keys: set[str],
    ) -> tuple[TableCounts, int]:
        """Write the entries read; return their counts and the source's rows up to the last
        run's cbMarq (0 on a full read)."""
        if previous is None:
            return writer.entries(entry_batches, full=True), 0
        counts = writer.changed_entries(entry_batches)
        # Sage leaves no trace of a deleted row: fewer rows up to the last cbMarq than at the
        # end of the last run means some were deleted; then compare the keys.
        upto = previous.last_marq
        count_before = reader.count_rows("F_ECRITUREC", upto)
        if count_before != previous.source_count:
            counts.deleted += writer.delete_vanished_entries(reader, period, customer_keys, upto)
        return counts, count_before

    def _save_cursors(
        self, reader: Sage100Reader, previous: SyncCursor | None, count_before: int
    ) -> None:
        # Rows of F_ECRITUREC up to the new cbMarq, for the next run's check for deletions:
        # those counted above plus the new ones (a cheap range count on the key).
        entry_mark = self.marks["F_ECRITUREC"].max_marq
        if previous is None:
            entry_count = reader.count_rows("F_ECRITUREC", entry_mark)
        else:
            entry_count = count_before + reader.count_rows(
                "F_ECRITUREC", entry_mark, after_marq=previous.last_marq
            )
        for name, mark in self.marks.items():
            last = self.cursors.get(name)
            modified = mark.max_modified.isoformat(sep=" ") if mark.max_modified else ""
            if not modified and last is not None:
                modified = last.last_modified
            count = entry_count if name == "F_ECRITUREC" else 0
            save_cursor(
                self.conn, self.company.id, name, mark.max_marq, modified, self.scope, count
            )
