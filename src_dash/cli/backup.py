"""The backup commands of `src-dash`.

- ``backup --out FILE``: a consistent copy of the store (SQLite online backup, or pg_dump).
- ``restore FILE [--force]``: the copy back into the store; refuses a store holding data
  unless ``--force``; prints the checked revision and rows per table as JSON.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from src_dash.cli.common import failed, print_json
from src_dash.config import load_settings


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a consistent copy of the configured store to a file."""
    from src_dash.store.backup import BackupError, backup

    try:
        result = backup(load_settings().database_url, args.out)
    except BackupError as exc:
        return failed(exc)
    print_json(
        {
            "backup": str(result.path),
            "engine": result.engine,
            "bytes": result.size_bytes,
            "seconds": round(result.seconds, 3),
        }
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup into the configured store (a store holding data only with --force)."""
    from src_dash.store.backup import BackupError, StoreNotEmpty, restore

    try:
        result = restore(load_settings().database_url, args.file, force=args.force)
    except StoreNotEmpty as exc:
        return failed(exc, "refused", 2)
    except BackupError as exc:
        return failed(exc)
    print_json(
        {
            "restored": str(result.path),
            "engine": result.engine,
            "revision": result.revision,
            "data_version": result.data_version,
            "seconds": round(result.seconds, 3),
            "rows": result.counts,
        }
    )
    return 0


def register_commands(sub: argparse._SubParsersAction) -> None:
    """Add the backup and restore subcommands to the `src-dash` parser."""
    p = sub.add_parser("backup", help="a consistent copy of the store to one file")
    p.add_argument("--out", type=Path, required=True, help="the backup file to write")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="restore a backup into the store")
    p.add_argument("file", type=Path, help="a file written by `src-dash backup`")
    p.add_argument("--force", action="store_true", help="replace a store that holds data")
    p.set_defaults(func=cmd_restore)
