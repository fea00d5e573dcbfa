"""`src-dash bench NAME`: a benchmark of src_dash/bench/, its figures printed as JSON."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from src_dash.cli.common import print_json

# Each benchmark: the module and function that run it, all with the same keyword arguments.
BENCHES = {
    "sync": "src_dash.bench.sync:bench_sync",
    "analytics": "src_dash.bench.analytics:bench_analytics",
    "dunning": "src_dash.bench.dunning:bench_dunning",
    "ui": "src_dash.bench.ui:bench_ui",
    "space-ui": "src_dash.bench.space_ui:bench_space_ui",
    "actions": "src_dash.bench.actions:bench_actions",
    "open-items": "src_dash.bench.open_items:bench_open_items",
    "backup": "src_dash.bench.backup:bench_backup",
}


def cmd_bench(args: argparse.Namespace) -> int:
    """Run a benchmark and print its figures as JSON."""
    module_name, _, func_name = BENCHES[args.what].partition(":")
    bench = getattr(importlib.import_module(module_name), func_name)
    # The UI bench's own options, given only when set (the others do not take them).
    extra = {k: v for k, v in (("workers", args.workers), ("clients", args.clients)) if v}
    print_json(
        bench(
            entries=args.entries,
            customers=args.customers,
            seed=args.seed,
            store_url=args.store,
            work_dir=Path(args.work_dir) if args.work_dir else None,
            **extra,
        )
    )
    return 0


def register_commands(sub: argparse._SubParsersAction) -> None:
    """Add the bench subcommand to the `src-dash` parser."""
    p = sub.add_parser("bench", help="benchmarks, printed as JSON")
    p.add_argument("what", choices=sorted(BENCHES))
    p.add_argument("--entries", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=None)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--store", default=None, help="store URL (default: a fresh SQLite file)")
    p.add_argument("--work-dir", default=None)
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="ui: backend workers sharing the state in Redis (REDIS_URL, else a private one)",
    )
    p.add_argument("--clients", type=int, default=None, help="ui: concurrent clients (20)")
    p.set_defaults(func=cmd_bench)
