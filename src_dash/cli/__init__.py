"""The `src-dash` command: each module of this package adds its own subcommands."""

from __future__ import annotations

import argparse
import importlib

# The modules of this package that add their commands to the parser (`register_commands(sub)`).
COMMAND_MODULES = (
    "src_dash.cli.books",
    "src_dash.cli.analytics",
    "src_dash.cli.dunning",
    "src_dash.cli.delivery",
    "src_dash.cli.predict",
    "src_dash.cli.backup",
    "src_dash.cli.bench",
    "src_dash.cli.privacy",
)


def build_parser() -> argparse.ArgumentParser:
    """The command line parser."""
    parser = argparse.ArgumentParser(prog="src-dash", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `src-dash`."""
    args = build_parser().parse_args(argv)
    return args.func(args)
