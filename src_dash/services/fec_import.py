"""Import a FEC file into a company: read and check it whole, then write it in one run.

Nothing is written until the whole file is read and checked: a bad file raises `FecError` (file,
line, column, reason) and leaves the store as it was, company included. What the reader noticed
without refusing the file (warnings, class 41 lines left out, customers that look like cash
receipts) comes back in the `ImportOutcome`, with the receivable balance of the file, so the
caller shows it. A re-import that would delete entries already imported for the file's period
is refused unless the deletions are confirmed; a dry run says what an import would change.

The accounts the admin set aside as not customers (cash-receipt buckets) are kept per company
(`company.not_customers`): every import of the company leaves them out, with those given to the
call, and a confirmed import keeps what it was given for the next one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from src_dash.services.rows import from_row
from src_dash.sources.fec import ExcludedLines, FecFile, read_fec
from src_dash.sources.records import entry_row
from src_dash.store import Company, Customer, Entry
from src_dash.sync import (
    SyncError,
    SyncResult,
    TableCounts,
    entry_row_hash,
    import_snapshot,
    register_company,
)

__all__ = [
    "DeletionsNotConfirmed",
    "ImportOutcome",
    "StoreChanges",
    "import_fec_file",
    "kept_not_customers",
]


@dataclass
class StoreChanges(TableCounts):
    """What importing a file changes in the store's entries (the counts of a run on them) and
    customers.

    Attributes:
        added: Entries of the file the store does not have.
        changed: Entries the store has with other values (lettered since, say).
        deleted: Entries of the company posted within the file's period that the file no longer
            has: an import deletes them.
        unchanged: Entries the store has as they are.
        new_customers: Customers of the file the store does not have.
    """

    new_customers: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict."""
        return super().as_dict() | {"new_customers": self.new_customers}


@dataclass(frozen=True)
class ImportOutcome:
    """The report of a FEC import (or dry run): what the file holds and what the store got.

    It answers like the `SyncResult` callers used to get (`run_id`, `status`, `added`, ...),
    from the run when there was one, else (a dry run) from the changes it would make.

    Attributes:
        company: The company code.
        dry_run: True when nothing was written.
        file: The file's name.
        siren: The SIREN from the file name, or "".
        company_name: The company's name from the file ("SIREN 123456789").
        encoding: How the file was decoded ("utf-8", "cp1252", "iso-8859-15", ...).
        period: The first and last EcritureDate of the file.
        lines: Data lines read.
        customers: Customers found.
        entries: Customer entries found.
        receivable_balance: Debit - credit of those entries: what the customers owe per the file.
        customer_balances: The same, per customer key.
        excluded: Lines of class 41 left out, by reason, with their amounts.
        suspect_customers: Customer keys whose name says they collect cash receipts.
        warnings: What the reader noticed without refusing the file.
        changes: What the import changes (for a dry run: would change) in the store.
        result: The run that wrote the file, or None for a dry run.
        not_customers: The customer keys left out as not customers (those kept for the company
            and those given), sorted.
        suspect_names: The name of each suspect customer.
    """

    company: str
    dry_run: bool
    file: str
    siren: str
    company_name: str
    encoding: str
    period: tuple[date, date]
    lines: int
    customers: int
    entries: int
    receivable_balance: Decimal
    customer_balances: dict[str, Decimal] = field(repr=False)
    excluded: list[ExcludedLines]
    suspect_customers: list[str]
    warnings: list[str]
    changes: StoreChanges
    result: SyncResult | None = None
    not_customers: tuple[str, ...] = ()
    suspect_names: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def run_id(self) -> int | None:
        """The run's id, or None for a dry run."""
        return self.result.run_id if self.result else None

    @property
    def status(self) -> str:
        """The run's status ("ok"), or "dry_run"."""
        return self.result.status if self.result else "dry_run"

    @property
    def mode(self) -> str:
        """The run's mode ("fec"), or "dry_run"."""
        return self.result.mode if self.result else "dry_run"

    @property
    def seconds(self) -> float:
        """How long the run took (0 for a dry run)."""
        return self.result.seconds if self.result else 0.0

    @property
    def error(self) -> str:
        """The run's error, if any."""
        return self.result.error if self.result else ""

    @property
    def tables(self) -> dict[str, TableCounts]:
        """The run's counts per table (none for a dry run)."""
        return self.result.tables if self.result else {}

    @property
    def added(self) -> int:
        """Rows added by the run; entries an import would add, for a dry run."""
        return self.result.added if self.result else self.changes.added

    @property
    def changed(self) -> int:
        """Rows changed by the run; entries an import would change, for a dry run."""
        return self.result.changed if self.result else self.changes.changed

    @property
    def deleted(self) -> int:
        """Rows deleted by the run; entries an import would delete, for a dry run."""
        return self.result.deleted if self.result else self.changes.deleted

    def as_dict(self) -> dict[str, object]:
        """The outcome as plain data, for JSON: the run's fields, then the file's report."""
        out: dict[str, object] = (
            self.result.as_dict() if self.result else {"company": self.company, "status": "dry_run"}
        )
        out |= {
            "dry_run": self.dry_run,
            "file": self.file,
            "siren": self.siren,
            "company_name": self.company_name,
            "encoding": self.encoding,
            "period": {"start": self.period[0].isoformat(), "end": self.period[1].isoformat()},
            "lines": self.lines,
            "customers": self.customers,
            "entries": self.entries,
            "receivable_balance": str(self.receivable_balance),
            "excluded": [e.as_dict() for e in self.excluded],
            "suspect_customers": list(self.suspect_customers),
            "warnings": list(self.warnings),
            "not_customers": list(self.not_customers),
        }
        if self.dry_run:
            out["would_change"] = self.changes.as_dict()
        return out


class DeletionsNotConfirmed(SyncError):
    """An import would delete entries already imported, and that was not confirmed.

    Attributes:
        outcome: The dry-run report of the import (what it would change).
    """

    def __init__(self, outcome: ImportOutcome) -> None:
        self.outcome = outcome
        n = outcome.changes.deleted
        start, end = outcome.period
        super().__init__(
            f"importing {outcome.file} would delete {n} entr{'y' if n == 1 else 'ies'} of "
            f"{outcome.company} posted from {start} to {end} that the file no longer has; "
            "confirm the deletions to import it"
        )


def _outcome(
    company_code: str,
    fec: FecFile,
    changes: StoreChanges,
    leave_out: frozenset[str],
    dry_run: bool,
) -> ImportOutcome:
    """The file's report: what it holds, what it left out, what importing it changes."""
    suspects = set(fec.suspect_customers)
    return from_row(
        ImportOutcome,
        fec,
        company=company_code,
        dry_run=dry_run,
        file=fec.path.name,
        company_name=fec.company.name,
        period=(fec.period_start, fec.period_end),
        lines=fec.line_count,
        customers=len(fec.customers),
        entries=len(fec.entries),
        changes=changes,
        not_customers=tuple(sorted(leave_out)),
        suspect_names={c.key: c.name for c in fec.customers if c.key in suspects},
    )


def import_fec_file(
    engine: Engine,
    path: Path,
    company_code: str,
    terms_days: int = 30,
    as_of: date | None = None,
    *,
    dry_run: bool = False,
    confirm_deletions: bool = False,
    not_customers: frozenset[str] = frozenset(),
    with_kept: bool = True,
    company_name: str = "",
) -> ImportOutcome:
    """Import `path` into `company_code`; the same file imported again changes nothing.

    Args:
        engine: the store.
        path: the FEC file.
        company_code: the company to import into (created when new).
        terms_days: payment terms used for due dates when the file has no due-date column.
        as_of: the day promises are judged on (default today).
        dry_run: read and check the file and count what an import would change; write nothing.
        confirm_deletions: accept that the import deletes entries of the company posted within
            the file's period that the file no longer has.
        not_customers: customer keys to leave out (cash-receipt accounts): see `read_fec`.
        with_kept: also leave out the keys kept for the company; False when `not_customers` is
            the whole choice (an admin who untied a key kept before).
        company_name: the name of a new company (default: the file's, "SIREN 123456789"); an
            existing company keeps its name unless one is given.

    Returns:
        The file's report and the run (none for a dry run). A confirmed import keeps the keys
        it left out as the company's `not_customers`.

    Raises:
        FecError: the file is not a valid FEC (line, column and reason in the message); nothing
            is written.
        DeletionsNotConfirmed: the import would delete entries and `confirm_deletions` is
            False; nothing is written.
        SyncError: the company is fed by a Sage base, or the write failed (nothing written).
    """
    co = Company.__table__
    with engine.connect() as conn:
        row = conn.execute(
            select(co.c.source_kind, co.c.not_customers).where(co.c.code == company_code)
        ).first()
    kind = row.source_kind if row is not None else None
    if kind is not None and kind != "fec":
        raise SyncError(f"company {company_code} is fed by {kind}; FEC files go to FEC companies")
    leave_out = frozenset(k.strip() for k in not_customers if k and k.strip())
    if with_kept and row is not None:
        leave_out |= frozenset(_keys(row.not_customers))
    fec = read_fec(path, terms_days=terms_days, not_customers=leave_out)
    changes = store_changes(engine, company_code, fec, with_changes=dry_run)
    outcome = _outcome(company_code, fec, changes, leave_out, dry_run)
    if dry_run:
        return outcome
    if changes.deleted and not confirm_deletions:
        changes = store_changes(engine, company_code, fec)
        raise DeletionsNotConfirmed(replace(outcome, dry_run=True, changes=changes))
    # Only now, with the file read and checked whole, is anything written. A re-import keeps
    # the name the admin gave the company.
    name = company_name.strip() or (fec.company.name if row is None else "")
    register_company(engine, company_code, name, "fec", str(path.resolve()))
    result = import_snapshot(
        engine,
        company_code,
        fec.company,
        fec.customers,
        fec.entries,
        (fec.period_start, fec.period_end),
        as_of=as_of,
        excluded=fec.excluded,
        warnings=fec.warnings,
    )
    keep = sorted(leave_out)
    if row is None or _keys(row.not_customers) != keep:
        with engine.begin() as conn:
            conn.execute(update(co).where(co.c.code == company_code).values(not_customers=keep))
    return replace(outcome, result=result)


def kept_not_customers(engine: Engine, company_code: str) -> list[str]:
    """The customer keys kept as not customers for a company (none for an unknown one)."""
    co = Company.__table__
    with engine.connect() as conn:
        found = conn.execute(select(co.c.not_customers).where(co.c.code == company_code)).scalar()
    return _keys(found)


def _keys(value: object) -> list[str]:
    """The sorted keys of a `not_customers` column (a JSON list; text on some drivers)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if not isinstance(value, list):
        return []
    return sorted({str(k).strip() for k in value if str(k).strip()})


def store_changes(
    engine: Engine, company_code: str, fec: FecFile, with_changes: bool = True
) -> StoreChanges:
    """Count what importing `fec` into a company would change in the store; write nothing.

    Entries are matched by their key, as the import does; those of the company posted within
    the file's period that the file lacks would be deleted.

    Args:
        engine: the store.
        company_code: the company.
        fec: the file read.
        with_changes: also tell changed from unchanged entries (hashes every entry); without,
            every entry the store has counts as unchanged.
    """
    co, en, cu = Company.__table__, Entry.__table__, Customer.__table__
    with engine.connect() as conn:
        company_id = conn.execute(select(co.c.id).where(co.c.code == company_code)).scalar()
        if company_id is None:
            return StoreChanges(added=len(fec.entries), new_customers=len(fec.customers))
        in_period = (en.c.company_id == company_id) & en.c.posting_date.between(
            fec.period_start, fec.period_end
        )
        stored = dict(conn.execute(select(en.c.source_key, en.c.row_hash).where(in_period)).all())
        known = set(
            conn.execute(select(cu.c.number).where(cu.c.company_id == company_id)).scalars()
        )
    added = changed = unchanged = 0
    for entry in fec.entries:
        stored_hash = stored.pop(entry.key, None)
        if stored_hash is None:
            added += 1
        elif with_changes and stored_hash != entry_row_hash(entry_row(entry)):
            changed += 1
        else:
            unchanged += 1
    return StoreChanges(
        added=added,
        changed=changed,
        deleted=len(stored),
        unchanged=unchanged,
        new_customers=sum(c.key not in known for c in fec.customers),
    )
