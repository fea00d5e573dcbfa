"""Runs and their bookkeeping: companies, the `sync_run` rows, the source cursors, and the one
transaction a run writes in (a run that fails or is killed leaves the store as it was).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.clock import utcnow
from src_dash.store import Company, SyncCursor, SyncRun
from src_dash.store.versions import bump_data_version
from src_dash.sync.results import SyncError, SyncResult


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


def company_by_code(engine: Engine, code: str) -> Company:
    """The company `code` of the store.

    Raises:
        SyncError: when there is none.
    """
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


def read_cursors(conn: Connection, company_id: int) -> dict[str, SyncCursor]:
    """The company's source cursors, by source table name."""
    table = SyncCursor.__table__
    rows = conn.execute(select(table).where(table.c.company_id == company_id)).all()
    return {row.table_name: SyncCursor.model_validate(row._asdict()) for row in rows}


def save_cursor(
    conn: Connection,
    company_id: int,
    name: str,
    marq: int,
    modified: str,
    scope: str,
    source_count: int,
) -> None:
    """Keep where a source table was read up to, for the next run."""
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


def run_in_transaction(
    engine: Engine, company: Company, mode: str, body: Callable[[Connection, SyncResult], None]
) -> SyncResult:
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
