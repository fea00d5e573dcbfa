"""`python -m src_dash.sources.demo`: build the default demo bases from the command line."""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from src_dash.sources.demo.build import build_demo_bases
from src_dash.sources.demo.spec import DEFAULT_TODAY, default_specs


def main(argv: list[str] | None = None) -> None:
    """Build the default demo bases from the command line and print what was built."""
    parser = argparse.ArgumentParser(
        prog="python -m src_dash.sources.demo",
        description="Build Sage-100-shaped demo bases (SQLite).",
    )
    parser.add_argument("--out", type=Path, default=Path("data/demo"), help="output folder")
    parser.add_argument("--customers", type=int, default=None, help="total customers (300)")
    parser.add_argument("--entries", type=int, default=None, help="total target of 411 lines")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--today", type=date.fromisoformat, default=DEFAULT_TODAY)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    specs = default_specs(args.customers, args.entries, args.seed)
    for s in build_demo_bases(args.out, specs, args.today, args.workers):
        print(
            f"{s.code}: {s.path} customers={s.customers} customer_entries={s.customer_entries} "
            f"total_entries={s.total_entries} seconds={s.seconds:.1f}"
        )
    print(f"total seconds={time.perf_counter() - started:.1f}")
