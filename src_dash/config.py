"""Settings read from the environment, with the embedded defaults of a newcomer's machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Process-wide settings; build one with `load_settings()`."""

    data_dir: Path
    database_url: str
    odbc_sqlite_driver: str
    sync_interval_seconds: int
    sync_overlap_seconds: int
    exports: tuple[tuple[str, str], ...]  # (kind, format) exported on the schedule
    export_interval_seconds: int
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_tls: str
    smtp_from: str
    smtp_timeout_seconds: float = 30.0
    smtp_connections: int = 4  # concurrent connections of one dispatcher
    smtp_per_connection: int = 100  # messages sent on one connection before it is renewed
    smtp_rate: float = 0.0  # messages per second at most (0: no limit)
    dispatch_max_attempts: int = 8  # attempts of a message before it fails for good
    dispatch_backoff_seconds: float = 60.0  # wait before the 2nd attempt, doubled each time
    dispatch_backoff_max_seconds: float = 3600.0
    dispatch_interval_seconds: int = 60  # the scheduler's dispatcher job
    report_hour: int = 7  # local hour of the daily cash report (scheduler)
    mail_sink_dir: Path | None = None  # where the local mail sink writes (None: no sink)
    send_windows: bool = True  # emails leave only in each company's send window
    train_models: bool = True  # the app and the scheduler train the pay-date models themselves
    backup_dir: Path | None = None  # scheduled backups go there (None: no scheduled backup)
    backup_keep: int = 7  # the newest scheduled backups kept, the older ones deleted
    backup_interval_seconds: int = 86400  # between two scheduled backups

    @property
    def demo_dir(self) -> Path:
        """Folder of the demo Sage 100 bases."""
        return self.data_dir / "demo"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read the settings from `env` (default: the process environment).

    Args:
        env: mapping to read instead of `os.environ`, for tests.

    Returns:
        The settings, with defaults for everything not set.
    """
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("SRC_DASH_DATA_DIR", PROJECT_ROOT / "data")).resolve()
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'src_dash.db'}"
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        odbc_sqlite_driver=env.get("SRC_DASH_ODBC_SQLITE_DRIVER", "SQLite3"),
        sync_interval_seconds=int(env.get("SRC_DASH_SYNC_INTERVAL", "900")),
        sync_overlap_seconds=int(env.get("SRC_DASH_SYNC_OVERLAP", "120")),
        exports=_exports(env.get("SRC_DASH_EXPORTS", "")),
        export_interval_seconds=int(env.get("SRC_DASH_EXPORT_INTERVAL", "86400")),
        smtp_host=env.get("SMTP_HOST", "127.0.0.1"),
        smtp_port=int(env.get("SMTP_PORT", "8025")),
        smtp_user=env.get("SMTP_USER", ""),
        smtp_password=env.get("SMTP_PASSWORD", ""),
        smtp_tls=env.get("SMTP_TLS", "none"),
        smtp_from=env.get("SMTP_FROM", "relances@src-dash.local"),
        smtp_timeout_seconds=float(env.get("SMTP_TIMEOUT", "30")),
        smtp_connections=max(1, int(env.get("SMTP_CONNECTIONS", "4"))),
        smtp_per_connection=max(1, int(env.get("SMTP_PER_CONNECTION", "100"))),
        smtp_rate=float(env.get("SMTP_RATE", "0")),
        dispatch_max_attempts=max(1, int(env.get("SRC_DASH_DISPATCH_MAX_ATTEMPTS", "8"))),
        dispatch_backoff_seconds=float(env.get("SRC_DASH_DISPATCH_BACKOFF", "60")),
        dispatch_backoff_max_seconds=float(env.get("SRC_DASH_DISPATCH_BACKOFF_MAX", "3600")),
        dispatch_interval_seconds=int(env.get("SRC_DASH_DISPATCH_INTERVAL", "60")),
        report_hour=int(env.get("SRC_DASH_REPORT_HOUR", "7")),
        send_windows=env.get("SRC_DASH_SEND_WINDOWS", "1").strip().lower()
        not in ("0", "off", "false", "no"),
        train_models=env.get("SRC_DASH_TRAIN_MODELS", "1").strip().lower()
        not in ("0", "off", "false", "no"),
        mail_sink_dir=Path(env.get("SRC_DASH_MAIL_SINK_DIR") or data_dir / "mail-sink"),
        backup_dir=Path(env["SRC_DASH_BACKUP_DIR"]) if env.get("SRC_DASH_BACKUP_DIR") else None,
        backup_keep=max(1, int(env.get("SRC_DASH_BACKUP_KEEP", "7"))),
        backup_interval_seconds=int(env.get("SRC_DASH_BACKUP_INTERVAL", "86400")),
    )


def _exports(value: str) -> tuple[tuple[str, str], ...]:
    """Parse SRC_DASH_EXPORTS, e.g. "owed:xlsx,entries:parquet" (the format defaults to csv)."""
    out = []
    for item in value.split(","):
        kind, _, fmt = item.strip().partition(":")
        if kind:
            out.append((kind.strip(), fmt.strip() or "csv"))
    return tuple(out)
