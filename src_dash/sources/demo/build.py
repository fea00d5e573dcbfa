"""Build demo bases: one SQLite file per company, replaced atomically, with its behaviour CSV."""

from __future__ import annotations

import gc
import os
import sqlite3
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from src_dash.sources.demo import schema
from src_dash.sources.demo.company import Company
from src_dash.sources.demo.spec import DEFAULT_TODAY, DemoCompanySpec, DemoSummary


def odbc_connection_string(path: Path, driver: str = "SQLite3") -> str:
    """Return the ODBC connection string that opens a demo base with the SQLite ODBC driver."""
    return f"DRIVER={{{driver}}};Database={Path(path).resolve()}"


def behaviour_path(path: Path) -> Path:
    """Return the CSV written next to a base with each customer's generated payment behaviour."""
    return Path(path).with_suffix(".behaviour.csv")


def build_demo_base(path: Path, spec: DemoCompanySpec, today: date = DEFAULT_TODAY) -> DemoSummary:
    """Build one demo Sage 100 base, replacing `path` atomically, and its behaviour CSV.

    Args:
        path: the SQLite file to write.
        spec: what to build.
        today: the date the base is as of; entries go up to the day before.

    Returns:
        Counts and timing of the build.
    """
    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    # Millions of small live objects: the cyclic GC would rescan them over and over.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        company = Company(spec, today)
        company.generate()
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA cache_size=-200000")
            conn.execute("PRAGMA temp_store=MEMORY")
            schema.create_schema(conn)
            customer_entries, total_entries = company.write(conn)
            schema.create_indexes_and_triggers(conn)
            conn.commit()
        finally:
            conn.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if gc_was_enabled:
            gc.enable()
    os.replace(tmp, path)
    csv_tmp = path.with_name(f".{path.name}.{os.getpid()}.csv.tmp")
    company.write_behaviour_csv(csv_tmp)
    os.replace(csv_tmp, behaviour_path(path))
    return DemoSummary(
        path=path,
        code=spec.code,
        customers=spec.customers,
        customer_entries=customer_entries,
        total_entries=total_entries,
        seconds=time.perf_counter() - started,
    )


def build_demo_bases(
    directory: Path,
    specs: Iterable[DemoCompanySpec],
    today: date = DEFAULT_TODAY,
    workers: int | None = None,
) -> list[DemoSummary]:
    """Build several demo bases (`<directory>/<code>.sqlite`), in parallel processes.

    Args:
        directory: folder of the bases.
        specs: companies to build.
        today: the date the bases are as of.
        workers: number of processes (default: one per company, at most the CPU count);
            1 builds in this process.

    Returns:
        One summary per spec, in the order of `specs`.
    """
    specs = list(specs)
    directory = Path(directory)
    jobs = [(directory / f"{spec.code}.sqlite", spec, today) for spec in specs]
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers <= 1 or len(jobs) <= 1:
        return [build_demo_base(*job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(build_demo_base, *job) for job in jobs]
        return [future.result() for future in futures]
