"""Import of a whole-period snapshot (a FEC file) for a company, as one run."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Connection, Engine

from src_dash.clock import today as clock_today
from src_dash.sources.fec_accounts import ExcludedLines
from src_dash.sources.left_out import LeftOutLines, from_fec
from src_dash.sources.records import CompanyInfo, CustomerRecord, EntryRecord, entry_row
from src_dash.sync.results import SyncError, SyncResult
from src_dash.sync.runs import company_by_code, run_in_transaction
from src_dash.sync.writer import StoreWriter


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
    company = company_by_code(engine, code)
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

    result = run_in_transaction(engine, company, "fec", body)
    if result.status != "ok":
        raise SyncError(result.error)
    return result


def _batched(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
