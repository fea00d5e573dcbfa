"""`src-dash` commands of the books: migrate, demo, company, sync, import-fec, reconcile,
status, scheduler."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from pathlib import Path

from src_dash.cli.common import failed, iso_date, open_store, print_json
from src_dash.clock import today
from src_dash.config import load_settings


def cmd_migrate(args: argparse.Namespace) -> int:
    """Build the store from nothing, or upgrade it."""
    from src_dash.store.migrate import upgrade

    url = load_settings().database_url
    upgrade(url)
    print(f"store at the latest revision: {url}")
    # A new store comes with what a French SME can use as is; both seeds change nothing twice.
    from src_dash.dunning.defaults import seed_defaults
    from src_dash.services.dispute_reasons import seed_default_dispute_reasons

    engine = open_store()
    seed_defaults(engine)
    seed_default_dispute_reasons(engine)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the demo Sage bases, register their companies and sync them."""
    from src_dash.services.reconcile import record_after_runs
    from src_dash.sources.demo import build_demo_base, default_specs, odbc_connection_string
    from src_dash.sync import register_company, sync_company

    settings = load_settings()
    engine = open_store()
    as_of = args.as_of or today()
    demo_dir = settings.demo_dir
    demo_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for spec in default_specs(args.customers, args.entries, args.seed):
        path = demo_dir / f"{spec.code}.sqlite"
        summary = build_demo_base(path, spec, as_of)
        register_company(
            engine,
            spec.code,
            spec.name,
            "sage100",
            odbc_connection_string(path, settings.odbc_sqlite_driver),
        )
        line: dict[str, object] = {
            "company": spec.code,
            "base": str(path),
            "customers": summary.customers,
            "customer_entries": summary.customer_entries,
            "build_seconds": round(summary.seconds, 2),
        }
        if not args.no_sync:
            result = sync_company(engine, spec.code, full=True, as_of=as_of)
            line["sync"] = result.as_dict()
            for found in record_after_runs(engine, [result]).values():
                line["reconciliation"] = found.as_dict()
            if result.status != "ok":
                print_json({"companies": [*out, line]})
                return 1
        out.append(line)
    report: dict[str, object] = {"companies": out}
    if not args.no_sync:
        from src_dash.dunning.defaults import seed_defaults
        from src_dash.services.auth import DEMO_PASSWORD, seed_demo_users
        from src_dash.services.dispute_reasons import seed_default_dispute_reasons

        created = seed_demo_users(engine)
        seed_default_dispute_reasons(engine)
        report["dunning"] = seed_defaults(engine)
        report["users"] = {"created": [login for login, _ in created], "password": DEMO_PASSWORD}
    print_json(report)
    return 0


def cmd_company(args: argparse.Namespace) -> int:
    """Register a Sage 100 base as a company, or list the companies."""
    from sqlmodel import Session, select

    from src_dash.store import Company
    from src_dash.sync import register_company

    engine = open_store()
    if args.action == "add":
        if not args.code or not args.odbc:
            print("error: company add needs CODE and --odbc", file=sys.stderr)
            return 2
        register_company(engine, args.code, args.name or "", "sage100", args.odbc, args.encoding)
    with Session(engine) as session:
        companies = session.exec(select(Company).order_by(Company.code)).all()
    print_json(
        [
            {
                "code": c.code,
                "name": c.name,
                "source": c.source_kind,
                "active": c.active,
                # The connection string may hold a password: show only the driver and server.
                "source_dsn": ";".join(
                    part
                    for part in c.source_dsn.split(";")
                    if not part.strip().lower().startswith(("pwd", "password"))
                ),
            }
            for c in companies
        ]
    )
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """Sync one company or all of them."""
    from src_dash.services.reconcile import record_after_runs
    from src_dash.sync import sync_all, sync_company

    engine = open_store()
    as_of = args.as_of or today()
    if args.company:
        results = [sync_company(engine, args.company, full=args.full, as_of=as_of)]
    else:
        results = sync_all(engine, full=args.full, as_of=as_of)
    checked = record_after_runs(engine, results)
    print_json(
        [
            r.as_dict()
            | ({"reconciliation": checked[r.company].as_dict()} if r.company in checked else {})
            for r in results
        ]
    )
    return 0 if all(r.status == "ok" for r in results) else 1


def cmd_reconcile(args: argparse.Namespace) -> int:
    """Compare the app's outstanding with the books, per company and customer."""
    from src_dash.services.reconcile import reconcile

    engine = open_store()
    try:
        found = reconcile(engine, args.company, args.as_of or today())
    except LookupError as exc:
        return failed(exc, code=2)
    if args.json:
        print_json([r.as_dict() for r in found])
    else:
        head = ("company", "source", "books", "app", "difference")
        print(f"{head[0]:10} {head[1]:>16} {head[2]:>16} {head[3]:>16} {head[4]:>14}  customers")
        for r in found:
            source = f"{r.source_total:>16,.2f}" if r.source_total is not None else f"{'-':>16}"
            print(
                f"{r.company:10} {source} {r.books_total:>16,.2f} {r.app_total:>16,.2f} "
                f"{r.difference:>14,.2f}  {r.customers_differing}"
            )
            for g in r.customers:
                print(f"  {g.number:12} {g.name[:30]:30} {g.difference:>14,.2f}")
    return 0 if all(r.ok for r in found) else 1


def cmd_import_fec(args: argparse.Namespace) -> int:
    """Import a FEC file into a company; a bad file is refused and nothing is written.

    Prints the run and the file's report (warnings, lines left out, receivable balance); with
    --dry-run, the report and what an import would change, writing nothing. An import that
    would delete entries already imported is refused without --confirm-deletions. The accounts
    kept as not customers for the company are left out with those given by --not-customer; an
    import keeps them all for the next one.
    """
    from src_dash.services.fec_import import DeletionsNotConfirmed, import_fec_file
    from src_dash.sources.fec import FecError
    from src_dash.sync import SyncError

    engine = open_store()
    try:
        result = import_fec_file(
            engine,
            Path(args.file),
            args.company,
            args.terms_days,
            as_of=args.as_of,
            dry_run=args.dry_run,
            confirm_deletions=args.confirm_deletions,
            not_customers=frozenset(args.not_customer),
        )
    except DeletionsNotConfirmed as exc:
        print_json(exc.outcome.as_dict())
        print(f"error: {exc} (--confirm-deletions)", file=sys.stderr)
        return 1
    except (FecError, SyncError, OSError) as exc:
        return failed(exc)
    out = result.as_dict()
    if not args.dry_run:
        from src_dash.services.reconcile import record_after_runs

        checked = record_after_runs(engine, [result])
        if args.company in checked:
            out["reconciliation"] = checked[args.company].as_dict()
    print_json(out)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print per company: customers, open items, outstanding, overdue, last sync."""
    from sqlmodel import Session

    from src_dash.services.status import company_statuses

    engine = open_store()
    as_of = args.as_of or today()
    with Session(engine) as session:
        rows = company_statuses(session, as_of, args.company)
    if args.json:
        print_json(
            {
                "as_of": as_of.isoformat(),
                "companies": [
                    {
                        "code": r.code,
                        "name": r.name,
                        "currency": r.currency,
                        "customers": r.customers,
                        "open_items": r.open_items,
                        "outstanding": str(r.outstanding),
                        "overdue": str(r.overdue),
                        "last_sync_at": r.last_sync_at.isoformat() if r.last_sync_at else None,
                        "last_sync_status": r.last_sync_status,
                        "last_sync_error": r.last_sync_error,
                        "reconciliation_gap": (
                            str(r.reconciliation_gap) if r.reconciliation_gap is not None else None
                        ),
                        "reconciliation_customers": r.reconciliation_customers,
                    }
                    | r.report_dict()
                    for r in rows
                ],
            }
        )
        return 0
    print(f"as of {as_of.isoformat()}")
    header = (
        f"{'company':10} {'customers':>9} {'open items':>10} {'outstanding':>16} {'overdue':>16}"
    )
    print(header + "  last sync")
    for r in rows:
        last = r.last_sync_at.strftime("%Y-%m-%d %H:%M UTC") if r.last_sync_at else "never"
        print(
            f"{r.code:10} {r.customers:>9} {r.open_items:>10} {r.outstanding:>16,.2f} "
            f"{r.overdue:>16,.2f}  {last} {r.last_sync_status}"
        )
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    """Run the periodic jobs in the foreground until interrupted."""
    from src_dash.scheduler import run_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        run_forever()
    return 0


def _register_store(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("migrate", help="build or upgrade the store")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("demo", help="build the demo Sage bases and sync them")
    p.add_argument("--customers", type=int, default=None)
    p.add_argument("--entries", type=int, default=None)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--as-of", type=iso_date, default=None, help="the demo's today")
    p.add_argument("--no-sync", action="store_true")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("company", help="register a Sage 100 base, or list the companies")
    p.add_argument("action", choices=["add", "list"])
    p.add_argument("code", nargs="?")
    p.add_argument("--name", default="")
    p.add_argument("--odbc", default="", help="ODBC connection string of the Sage base")
    p.add_argument("--encoding", default="", help="text encoding of the base (default cp1252)")
    p.set_defaults(func=cmd_company)

    p = sub.add_parser("sync", help="read the Sage bases into the store")
    p.add_argument("--company", default=None)
    p.add_argument("--full", action="store_true")
    p.add_argument("--as-of", type=iso_date, default=None)
    p.set_defaults(func=cmd_sync)


def _register_books(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-fec", help="import a FEC file into a company")
    p.add_argument("file")
    p.add_argument("--company", required=True)
    p.add_argument("--terms-days", type=int, default=30)
    p.add_argument("--as-of", type=iso_date, default=None)
    p.add_argument(
        "--dry-run", action="store_true", help="check the file and say what would change"
    )
    p.add_argument(
        "--confirm-deletions",
        action="store_true",
        help="accept deleting entries already imported that the file no longer has",
    )
    p.add_argument(
        "--not-customer",
        action="append",
        default=[],
        metavar="KEY",
        help="a customer key to leave out (a cash-receipt account); repeatable; added to those "
        "kept for the company, and kept with them by an import",
    )
    p.set_defaults(func=cmd_import_fec)

    p = sub.add_parser("reconcile", help="the app's outstanding against the books")
    p.add_argument("--company", default=None)
    p.add_argument("--as-of", type=iso_date, default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reconcile)

    p = sub.add_parser("status", help="what was synced, per company")
    p.add_argument("--json", action="store_true")
    p.add_argument("--as-of", type=iso_date, default=None)
    p.add_argument("--company", default=None)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("scheduler", help="run the periodic jobs in the foreground")
    p.set_defaults(func=cmd_scheduler)


def register_commands(sub: argparse._SubParsersAction) -> None:
    """Add the books' subcommands to the `src-dash` parser."""
    _register_store(sub)
    _register_books(sub)
