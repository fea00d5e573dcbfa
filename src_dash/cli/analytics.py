"""The analytics commands of `src-dash`: kpis, scores, export."""

from __future__ import annotations

import argparse
import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from src_dash.cli.common import add_report_options, failed, open_store, print_json, user_id_of
from src_dash.clock import today
from src_dash.config import load_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from src_dash.analytics.scope import Scope


def _engine_and_scope(args: argparse.Namespace):  # noqa: ANN202
    from src_dash.analytics.scope import company_scope, scope_for_user

    engine = open_store()
    login = getattr(args, "user", None)
    if login is None:
        return engine, company_scope(engine, args.company)
    user_id = user_id_of(engine, login, unknown="unknown user")
    return engine, scope_for_user(engine, user_id, args.company)


def _scoped(command: Callable[..., int]) -> Callable[[argparse.Namespace], int]:
    """The subcommand `command(args, engine, scope)` given the store and the scope of --company
    (and --user where it has one); an unknown company or user is an error."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        try:
            engine, scope = _engine_and_scope(args)
        except LookupError as exc:
            return failed(exc)
        return command(args, engine, scope)

    return run


@_scoped
def cmd_kpis(args: argparse.Namespace, engine: Engine, scope: Scope) -> int:
    """Print the dashboard figures (KPIs, balances by company, aging, top 10s, forecast)."""
    from src_dash.analytics.dashboard import dashboard

    figures = dashboard(engine, scope, args.as_of or today())
    if args.json:
        print_json(dataclasses.asdict(figures))
        return 0
    k = figures.kpis
    print(f"as of {k.as_of.isoformat()} ({k.book_currency})")
    for name in (
        "outstanding",
        "overdue",
        "not_due",
        "credits",
        "overdue_ratio",
        "dso_countback",
        "dso",
        "best_possible_dso",
        "average_days_delinquent",
        "cei",
        "cash_collected_month",
        "open_disputes",
        "disputed_amount",
        "customers_without_contact",
    ):
        print(f"{name:28} {getattr(k, name)}")
    return 0


@_scoped
def cmd_scores(args: argparse.Namespace, engine: Engine, scope: Scope) -> int:
    """Print every customer's number, score, grade and parts."""
    from src_dash.analytics.scoring import scores

    as_of = args.as_of or today()
    if load_settings().train_models:
        # The score comes from the pay-date models: train them first (cached per entries).
        from src_dash.analytics.ledger import get_ledger
        from src_dash.analytics.predict.model import trained

        trained(get_ledger(engine), as_of)
    rows = scores(engine, scope, as_of)
    if args.json:
        print_json(
            {
                "as_of": as_of.isoformat(),
                "customers": [
                    {
                        "number": s.number,
                        "name": s.name,
                        "score": s.score,
                        "grade": s.grade,
                        "exposure": str(s.exposure),
                        "overdue": str(s.overdue),
                        "settled_invoices": s.settled_invoices,
                        "parts": [dataclasses.asdict(p) for p in s.parts],
                    }
                    for s in rows
                ],
            }
        )
        return 0
    for s in rows:
        print(f"{s.number:20} {s.score:>3} {s.grade}  {s.exposure:>14,.2f}  {s.name}")
    return 0


@_scoped
def cmd_export(args: argparse.Namespace, engine: Engine, scope: Scope) -> int:
    """Export entries, customers, who owes what, promises, actions or users to a file."""
    from src_dash.analytics.exports import run_export

    out = Path(args.out or f"{args.kind}.{args.format}")
    try:
        count = run_export(engine, args.kind, args.format, out, scope, args.as_of or today())
    except (ValueError, OSError) as exc:
        return failed(exc)
    print_json({"kind": args.kind, "format": args.format, "path": str(out), "rows": count})
    return 0


def register_commands(sub: argparse._SubParsersAction) -> None:
    """Add the kpis, scores and export subcommands to the `src-dash` parser."""
    from src_dash.analytics.exports import FORMATS, KINDS

    p = sub.add_parser("kpis", help="dashboard figures")
    add_report_options(p)
    p.add_argument("--user", default=None, help="only what this login may see (their scope)")
    p.set_defaults(func=cmd_kpis)

    p = sub.add_parser("scores", help="bad-payer score of every customer")
    add_report_options(p)
    p.set_defaults(func=cmd_scores)

    p = sub.add_parser("export", help="export for CRM and BI")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--format", choices=FORMATS, default="csv")
    p.add_argument("--out", default=None, help="file to write (default KIND.FORMAT)")
    add_report_options(p, json=False)
    p.set_defaults(func=cmd_export)
