"""Import a FEC file into a company: read and check it whole, then write it in one run."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.sources.fec import read_fec
from src_dash.store import Company
from src_dash.sync import SyncError, SyncResult, import_snapshot, register_company


def import_fec_file(
    engine: Engine, path: Path, company_code: str, terms_days: int = 30, as_of: date | None = None
) -> SyncResult:
    """Import `path` into `company_code`; the same file imported again changes nothing.

    Args:
        engine: the store.
        path: the FEC file.
        company_code: the company to import into (created when new).
        terms_days: payment terms used for due dates when the file has no due-date column.
        as_of: the day promises are judged on (default today).

    Raises:
        FecError: the file is not a valid FEC (line, column and reason in the message); nothing
            is written.
        SyncError: the company is fed by a Sage base, or the write failed (nothing written).
    """
    fec = read_fec(path, terms_days=terms_days)
    with engine.connect() as conn:
        kind = conn.execute(
            select(Company.__table__.c.source_kind).where(Company.__table__.c.code == company_code)
        ).scalar()
    if kind is not None and kind != "fec":
        raise SyncError(f"company {company_code} is fed by {kind}; FEC files go to FEC companies")
    register_company(engine, company_code, fec.company.name, "fec", str(path.resolve()))
    return import_snapshot(
        engine,
        company_code,
        fec.company,
        fec.customers,
        fec.entries,
        (fec.period_start, fec.period_end),
        as_of=as_of,
    )
