"""Companies and their source (a Sage 100 base over ODBC, or FEC files), admin-only: list them with
their last runs, register or change a Sage connection, test it, switch a company on or off, sync
now. The upload of a FEC file is in `fec_upload`.

Every change writes its audit line; bad input raises `SettingsError` and changes nothing.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from src_dash.access import Viewer, audit
from src_dash.clock import utcnow
from src_dash.services.admin import SettingsError, switch_active
from src_dash.services.admin import require_admin as _admin
from src_dash.services.fec_import import import_fec_file
from src_dash.services.reconcile import record_after_runs
from src_dash.services.rows import from_row, row_by_id
from src_dash.sources.fec import FecError
from src_dash.sources.left_out import LeftOutLines, run_report
from src_dash.store import (
    Company,
    Customer,
    SyncRun,
)
from src_dash.store.versions import bump_data_version
from src_dash.sync import SyncError, sync_company

CODE_PATTERN = re.compile(r"[A-Z0-9_\-]{1,20}")
# Keys of an ODBC connection string whose value is a secret, masked whenever it is shown.
_SECRET_KEYS = re.compile(r"(?i)\b(pwd|password)\s*=\s*(\{[^}]*\}|[^;]*)")
CONNECT_TIMEOUT = 10
RUNS_SHOWN = 8


@dataclass(frozen=True)
class RunView:
    """One run of the sync or of a FEC import, with its report: the lines of class 41 it left
    out (by reason and account, with their amount) and its warnings."""

    id: int
    company_id: int
    mode: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int
    added: int
    changed: int
    deleted: int
    error: str
    excluded: tuple[LeftOutLines, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompanyView:
    """A company and how it is fed (never the password of its connection)."""

    id: int
    code: str
    name: str
    currency: str
    source_kind: str
    source: str  # the connection string with its password masked, or the FEC file's name
    source_encoding: str
    active: bool
    customers: int
    runs: tuple[RunView, ...]


@dataclass(frozen=True)
class ConnectionCheck:
    """The outcome of opening a Sage base and counting its customers."""

    ok: bool
    message: str
    customers: int = 0
    company_name: str = ""
    seconds: float = 0.0


def mask_dsn(dsn: str) -> str:
    """An ODBC connection string with its password replaced by stars."""
    return _SECRET_KEYS.sub(lambda m: f"{m.group(1)}=****", dsn or "")


def _source_label(kind: str, dsn: str) -> str:
    if kind == "fec":
        return Path(dsn).name if dsn else ""
    return mask_dsn(dsn)


def _run_view(row: object) -> RunView:
    excluded, warnings = run_report(row.details)
    return from_row(
        RunView,
        row,
        duration_ms=row.duration_ms or 0,
        added=row.added or 0,
        changed=row.changed or 0,
        deleted=row.deleted or 0,
        error=row.error or "",
        excluded=tuple(excluded),
        warnings=tuple(warnings),
    )


def _company_row(conn, company_id: int):  # noqa: ANN001, ANN202
    missing = SettingsError("company", f"no company {company_id}")
    return row_by_id(conn, Company.__table__, company_id, missing)


# ---- companies


def list_companies(engine: Engine, who: Viewer, runs: int = RUNS_SHOWN) -> list[CompanyView]:
    """Every company, by code, with its customers and its last runs (newest first).

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    co, cu, r = Company.__table__, Customer.__table__, SyncRun.__table__
    with engine.connect() as conn:
        counts = dict(
            conn.execute(
                select(cu.c.company_id, func.count())
                .where(cu.c.removed_from_source.is_(False))
                .group_by(cu.c.company_id)
            ).all()
        )
        out = []
        for row in conn.execute(select(co).order_by(co.c.code)).all():
            last = conn.execute(
                select(r)
                .where(r.c.company_id == row.id)
                .order_by(r.c.started_at.desc(), r.c.id.desc())
                .limit(runs)
            ).all()
            out.append(
                from_row(
                    CompanyView,
                    row,
                    source=_source_label(row.source_kind, row.source_dsn),
                    customers=int(counts.get(row.id, 0)),
                    runs=tuple(_run_view(x) for x in last),
                )
            )
    return out


def company_code(value: object) -> str:
    """A company code as stored: upper case, 1-20 of A-Z 0-9 _ -.

    Raises:
        SettingsError: when it is empty or has other characters.
    """
    code = str(value or "").strip().upper()
    if not CODE_PATTERN.fullmatch(code):
        raise SettingsError("code", "1 to 20 characters among A-Z, 0-9, _ and -")
    return code


def save_sage_company(
    engine: Engine,
    who: Viewer,
    code: str,
    name: str,
    dsn: str = "",
    encoding: str = "",
) -> CompanyView:
    """Register a Sage 100 base as a company, or change the connection of one.

    An empty `dsn` keeps the connection string already stored (the page never shows its
    password, so the admin retypes it only to change it).

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: for a bad code, a name over 120 characters, a new company without a
            connection string, or a code already used by a FEC company.
    """
    _admin(who)
    code = company_code(code)
    name = (name or "").strip()
    dsn = (dsn or "").strip()
    encoding = (encoding or "").strip()
    if len(name) > 120:
        raise SettingsError("name", "120 characters at most")
    if len(dsn) > 1000:
        raise SettingsError("dsn", "1000 characters at most")
    if len(encoding) > 20:
        raise SettingsError("encoding", "20 characters at most")
    co = Company.__table__
    with engine.begin() as conn:
        row = conn.execute(select(co).where(co.c.code == code)).first()
        if row is not None and row.source_kind != "sage100":
            raise SettingsError("code", f"{code} is fed by {row.source_kind} files, not by Sage")
        if row is None:
            if not dsn:
                raise SettingsError("dsn", "give the ODBC connection string of the Sage base")
            company_id = conn.execute(
                co.insert().values(
                    code=code,
                    name=name or code,
                    source_kind="sage100",
                    source_dsn=dsn,
                    source_encoding=encoding,
                    created_at=utcnow(),
                )
            ).inserted_primary_key[0]
            action = "company.create"
        else:
            company_id = row.id
            values: dict[str, object] = {"source_encoding": encoding}
            if name:
                values["name"] = name
            if dsn:
                values["source_dsn"] = dsn
            conn.execute(update(co).where(co.c.id == row.id).values(**values))
            action = "company.connection"
        audit(
            conn,
            who,
            action,
            "company",
            company_id,
            code=code,
            source=mask_dsn(dsn) if dsn else None,
            encoding=encoding or None,
        )
        bump_data_version(conn)
    return next(c for c in list_companies(engine, who) if c.id == company_id)


def set_company_active(engine: Engine, who: Viewer, company_id: int, active: bool) -> None:
    """Switch a company on or off (the scheduled sync and the views skip inactive ones).

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: for an unknown company.
    """
    _admin(who)
    with engine.begin() as conn:
        row = _company_row(conn, company_id)
        switch_active(conn, who, Company.__table__, row.id, active, "company", code=row.code)


def probe_sage(dsn: str, encoding: str = "", timeout: int = CONNECT_TIMEOUT) -> ConnectionCheck:
    """Open a Sage base and count its customers; never raises (the error is the message)."""
    from src_dash.sources.sage100 import Sage100Reader

    started = time.perf_counter()
    try:
        with Sage100Reader(dsn, encoding, timeout=timeout) as reader:
            info = reader.company()
            customers = len(reader.customer_keys())
    except Exception as exc:  # noqa: BLE001  (any driver error is the answer to show)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return ConnectionCheck(False, message[:500], seconds=time.perf_counter() - started)
    return ConnectionCheck(
        True,
        "ok",
        customers=customers,
        company_name=getattr(info, "name", "") or "",
        seconds=time.perf_counter() - started,
    )


def check_connection(
    engine: Engine, who: Viewer, company_id: int | None = None, dsn: str = "", encoding: str = ""
) -> ConnectionCheck:
    """Open the Sage base of a company (or a connection string being typed) and count customers.

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: for an unknown company, a FEC company, or neither company nor string.
    """
    _admin(who)
    company = None
    if company_id is not None:
        with engine.connect() as conn:
            company = _company_row(conn, company_id)
        if company.source_kind != "sage100":
            raise SettingsError("company", f"{company.code} is fed by FEC files, not by Sage")
        dsn = (dsn or "").strip() or company.source_dsn
        encoding = (encoding or "").strip() or company.source_encoding
    if not (dsn or "").strip():
        raise SettingsError("dsn", "give the ODBC connection string of the Sage base")
    check = probe_sage(dsn.strip(), encoding.strip())
    with engine.begin() as conn:
        audit(
            conn,
            who,
            "company.test_connection",
            "company",
            company.id if company is not None else None,
            code=company.code if company is not None else None,
            ok=check.ok,
            customers=check.customers,
            error=None if check.ok else check.message,
        )
    return check


def sync_now(engine: Engine, who: Viewer, company_id: int, full: bool = False) -> RunView:
    """Sync a Sage company now (a FEC company: import its last file again).

    A failed run is recorded and returned (status "failed" with its error), not raised.

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: for an unknown company, or a FEC company whose file is gone.
    """
    _admin(who)
    with engine.connect() as conn:
        company = _company_row(conn, company_id)
    with engine.begin() as conn:
        audit(conn, who, "company.sync_now", "company", company.id, code=company.code, full=full)
    if company.source_kind == "fec":
        path = Path(company.source_dsn or "")
        if not company.source_dsn or not path.is_file():
            raise SettingsError("file", f"the FEC file of {company.code} is no longer there")
        try:
            result = import_fec_file(engine, path, company.code, confirm_deletions=True)
        except (FecError, SyncError):
            pass  # the run is recorded with its error; read it below
        else:
            record_after_runs(engine, [result])
            return last_run(engine, company.id, result.run_id)
        return last_run(engine, company.id)
    result = sync_company(engine, company.code, full=full)
    record_after_runs(engine, [result])
    return last_run(engine, company.id, result.run_id)


def last_run(engine: Engine, company_id: int, run_id: int | None = None) -> RunView:
    r = SyncRun.__table__
    query = select(r).where(r.c.company_id == company_id)
    if run_id is not None:
        query = query.where(r.c.id == run_id)
    with engine.connect() as conn:
        row = conn.execute(query.order_by(r.c.started_at.desc(), r.c.id.desc()).limit(1)).first()
    if row is None:
        raise SettingsError("company", "no run recorded")
    return _run_view(row)
