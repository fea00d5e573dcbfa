"""Backups that restore: the whole store to one file and back.

SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent copy while the app
writes, into a plain SQLite file. PostgreSQL: `pg_dump --format=custom` (one snapshot) and
`pg_restore` in a single transaction. A restore refuses to overwrite a store that holds data
unless forced; the restored store is then upgraded to the latest migration, checked (revision at
head, rows per table) and its data versions are moved past any the running app has seen, so that
the app reloads what it shows.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, literal, select, table
from sqlalchemy.engine import Engine, make_url

from src_dash.clock import utcnow
from src_dash.store.engine import make_engine, normalise_url
from src_dash.store.meta import put_meta, read_meta
from src_dash.store.migrate import alembic_config, current_revision, upgrade

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
VERSION_KEYS = ("data_version", "parties_version", "entries_version")
# A store "holds data" when one of these has a row; the seeds of `src-dash migrate` (scenarios,
# templates, dispute reasons) do not count, so a new store can take a backup.
DATA_TABLES = ("company", "customer", "entry", "app_user", "message", "action")


class BackupError(Exception):
    """A backup or restore that could not be done; the message says what and where."""


class StoreNotEmpty(BackupError):
    """A restore refused because the store holds data and `force` was not given."""


@dataclass
class BackupResult:
    """What a backup wrote."""

    path: Path
    engine: str
    size_bytes: int
    seconds: float


@dataclass
class RestoreResult:
    """What a restore brought back, as checked on the restored store."""

    path: Path
    engine: str
    revision: str | None
    counts: dict[str, int] = field(default_factory=dict)
    data_version: int = 0
    seconds: float = 0.0


def _kind(url: str) -> str:
    return "sqlite" if normalise_url(url).startswith("sqlite") else "postgresql"


def _shown(url: str) -> str:
    """The store's URL for a message: never its password."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_path(url: str) -> Path:
    database = make_url(normalise_url(url)).database
    if not database or database == ":memory:":
        raise BackupError(f"no SQLite file in {url!r}")
    return Path(database)


def _pg_env(url: str) -> dict[str, str]:
    """libpq's environment for the store: the password stays off the command line."""
    parsed = make_url(normalise_url(url))
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", parsed.host),
        ("PGPORT", parsed.port),
        ("PGUSER", parsed.username),
        ("PGPASSWORD", parsed.password),
        ("PGDATABASE", parsed.database),
    ):
        if value is not None:
            env[key] = str(value)
    return env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"{cmd[0]} not found: install the PostgreSQL client tools") from exc
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} failed ({done.returncode}): {done.stderr.strip()}")


def backup(url: str, out: Path) -> BackupResult:
    """Write a consistent copy of the store at `url` to `out` (written whole, then moved in place).

    Raises:
        BackupError: when the copy cannot be made (no file, pg_dump missing or failing).
    """
    started = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    kind = _kind(url)
    try:
        if kind == "sqlite":
            path = _sqlite_path(url)
            if not path.exists():
                raise BackupError(f"no store at {path}")
            source = sqlite3.connect(path, timeout=30)
            target = sqlite3.connect(tmp)
            try:
                # Copies page by page from one read snapshot: writers go on meanwhile.
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={tmp}"], _pg_env(url))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return BackupResult(out, kind, out.stat().st_size, time.perf_counter() - started)


def backup_kind(path: Path) -> str:
    """The engine a backup file is for ("sqlite" or "postgresql").

    Raises:
        BackupError: when the file is missing or is not a backup of either.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite backup nor a pg_dump custom archive")


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the store (every table but Alembic's), by name."""
    names = sorted(n for n in inspect(engine).get_table_names() if n != "alembic_version")
    with engine.connect() as conn:
        return {
            n: conn.execute(select(func.count()).select_from(table(n))).scalar_one() for n in names
        }


def holds_data(engine: Engine) -> bool:
    """True when the store has a company, customer, entry, user, message or action."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for name in DATA_TABLES:
            if (
                name in present
                and conn.execute(select(literal(1)).select_from(table(name)).limit(1)).first()
            ):
                return True
    return False


def _versions(engine: Engine) -> dict[str, int]:
    if "store_meta" not in inspect(engine).get_table_names():
        return {}
    with engine.connect() as conn:
        return {k: int(v or 0) for k, v in read_meta(conn, *VERSION_KEYS).items()}


def _restore_sqlite(url: str, source: Path) -> None:
    target_path = _sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target_path, timeout=30)
    try:
        # Through the backup API, page by page under the target's lock: an app that has the
        # file open sees the restored store on its next read, never a half-written one.
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _restore_postgres(url: str, source: Path) -> None:
    cmd = [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={make_url(normalise_url(url)).database}",
        str(source),
    ]
    _run(cmd, _pg_env(url))


def restore(url: str, source: Path, force: bool = False) -> RestoreResult:
    """Restore the backup `source` into the store at `url`, then check it.

    Raises:
        StoreNotEmpty: when the store holds data and `force` is not set (nothing changed).
        BackupError: when the file is not a backup for this store's engine, or restoring fails.
    """
    started = time.perf_counter()
    source = Path(source)
    kind, file_kind = _kind(url), backup_kind(source)
    if kind != file_kind:
        raise BackupError(f"{source} is a {file_kind} backup; the store at {_shown(url)} is {kind}")
    engine = make_engine(url)
    try:
        if holds_data(engine) and not force:
            raise StoreNotEmpty(
                f"the store at {_shown(url)} holds data; restoring {source} would replace it: "
                "back it up first, then restore with --force"
            )
        before = _versions(engine)
    finally:
        engine.dispose()
    if kind == "sqlite":
        _restore_sqlite(url, source)
    else:
        _restore_postgres(url, source)
    return _check(url, source, before, started)


def _check(url: str, source: Path, before: dict[str, int], started: float) -> RestoreResult:
    """Bring the restored store to head, check it, and move its data versions forward."""
    upgrade(url)  # a backup from an older release gets the migrations it lacks
    engine = make_engine(url)
    try:
        revision = current_revision(engine)
        head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
        if revision != head:
            raise BackupError(f"restored store at revision {revision}, expected {head}")
        after = _versions(engine)
        with engine.begin() as conn:
            for key in VERSION_KEYS:
                put_meta(conn, key, str(max(before.get(key, 0), after.get(key, 0)) + 1))
        counts = table_counts(engine)
        version = _versions(engine)["data_version"]
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    return RestoreResult(source, _kind(url), revision, counts, version, seconds)


BACKUP_PREFIX = "src_dash-"


def scheduled_backup(
    url: str, folder: Path, keep: int, now: datetime | None = None
) -> BackupResult:
    """Back the store up into `folder` under a time-stamped name; keep the `keep` newest there.

    Only the files this function names (``src_dash-YYYYmmdd-HHMMSS.db`` or ``.dump``) are
    counted and pruned; anything else in the folder is left alone.
    """
    folder = Path(folder)
    stamp = (now or utcnow()).astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = ".db" if _kind(url) == "sqlite" else ".dump"
    result = backup(url, folder / f"{BACKUP_PREFIX}{stamp}{suffix}")
    ours = sorted(
        p for p in folder.glob(f"{BACKUP_PREFIX}*") if p.suffix in (".db", ".dump") and p.is_file()
    )
    for old in ours[: max(0, len(ours) - max(1, keep))]:
        old.unlink(missing_ok=True)
    return result
