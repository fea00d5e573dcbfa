"""The delivery commands of `src-dash`: send, dispatch, approve, history, report, alerts, mail.

- ``send --as-of DATE [--approve-all]``: plan, write the run (actions, outbox), then dispatch.
- ``dispatch``: one pass of the dispatcher (emails, then letters to print).
- ``approve ID... --user LOGIN``: approve held messages.
- ``history --customer NUMBER [--company CODE] [--format csv|json] [--output FILE]``.
- ``report daily [--as-of DATE] [--user LOGIN] [--force] [--no-send]``.
- ``alerts [--scan] [--as-of DATE]``: scan, then list the open alerts.
- ``mail received [--limit N]``: what the local mail sink received; ``mail sink``: run it.
- ``letters print``: put the letters to print in one grouped PDF; ``letters printed (--run RUN |
  ID...) [--user LOGIN]``: they came out of the printer; ``letters posted --on DATE (--run RUN |
  ID...) [--user LOGIN]``: they were posted that day (only then are they sent).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from src_dash.cli.common import failed, iso_date, open_store, print_json, viewer_of


def cmd_send(args: argparse.Namespace) -> int:
    """Plan the day, write the run, then dispatch its emails and print its letters."""
    from src_dash.access import AccessDenied
    from src_dash.clock import today
    from src_dash.dunning.dispatch import dispatch
    from src_dash.dunning.planner import plan
    from src_dash.dunning.runs import create_run

    engine = open_store()
    as_of = args.as_of or today()
    try:
        who = viewer_of(engine, args.user)
        the_plan = plan(engine, as_of, viewer=who)
        result = create_run(engine, the_plan, viewer=who, approve=args.approve_all)
    except (LookupError, AccessDenied, ValueError) as exc:
        return failed(exc)
    report: dict[str, object] = {
        "as_of": as_of.isoformat(),
        "proposals": len(the_plan.proposals),
        "excluded": len(the_plan.exclusions),
        "run": result.as_dict(),
    }
    if not args.no_dispatch:
        done = dispatch(engine, sent_by=who.user_id if who else None, limit=args.limit)
        report["dispatch"] = done.as_dict()
    print_json(report)
    return 1 if result.errors else 0


def cmd_dispatch(args: argparse.Namespace) -> int:
    """One pass of the dispatcher."""
    from src_dash.dunning.dispatch import dispatch

    done = dispatch(open_store(), limit=args.limit, letters=not args.no_letters)
    print_json(done.as_dict())
    return 0 if not (done.store_error or done.busy) else 1


def cmd_approve(args: argparse.Namespace) -> int:
    """Approve held messages as a user."""
    from src_dash.access import AccessDenied
    from src_dash.dunning.runs import approve

    engine = open_store()
    try:
        who = viewer_of(engine, args.user)
        count = approve(engine, who, args.ids)
    except (LookupError, AccessDenied) as exc:
        return failed(exc)
    print_json({"approved": count})
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """Export a customer's whole dunning history."""
    from src_dash.dunning.trace import write_history

    engine = open_store()
    try:
        text = write_history(
            engine,
            None,
            args.customer,
            args.company,
            args.format,
            Path(args.output) if args.output else None,
        )
    except (LookupError, ValueError) as exc:
        return failed(exc)
    if args.output:
        print(f"history of {args.customer} written to {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Send the daily cash report to every user (or one)."""
    from src_dash.dunning.report import send_daily_reports

    engine = open_store()
    user_ids = None
    try:
        if args.user:
            user_ids = [viewer_of(engine, args.user).user_id]
    except LookupError as exc:
        return failed(exc)
    done = send_daily_reports(
        engine, args.as_of, user_ids=user_ids, force=args.force, send=not args.no_send
    )
    print_json(done.as_dict())
    return 0 if not done.failed else 1


def cmd_alerts(args: argparse.Namespace) -> int:
    """Scan for alerts (with --scan), then list the open ones."""
    from src_dash.dunning.alerts import ALERT_KINDS, raise_alerts
    from src_dash.store import Alert

    engine = open_store()
    out: dict[str, object] = {}
    if args.scan:
        scan = raise_alerts(engine, args.as_of)
        out["scan"] = {"raised": scan.raised, "resolved": scan.resolved, "open": scan.open}
    from sqlalchemy import select

    a = Alert.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(a).where(a.c.resolved_at.is_(None)).order_by(a.c.id.desc()).limit(args.limit)
        ).all()
    out["open"] = [
        {"id": r.id, "kind": r.kind, "text": r.text, "created_at": r.created_at} for r in rows
    ]
    out["kinds"] = list(ALERT_KINDS)
    print_json(out)
    return 0


def cmd_mail(args: argparse.Namespace) -> int:
    """List what the local mail sink received, or run the sink."""
    from src_dash.dunning import mailsink

    if args.action == "sink":
        argv = ["--dir", args.dir] if args.dir else []
        return mailsink.main(argv)
    mails = mailsink.received(args.limit, args.dir)
    print_json([m.__dict__ for m in mails])
    return 0


def cmd_letters(args: argparse.Namespace) -> int:
    """Letters: print the batch, confirm the printing, mark them posted."""
    from src_dash.access import AccessDenied
    from src_dash.clock import today, utcnow
    from src_dash.dunning.letter_post import (
        LetterError,
        confirm_printed,
        mark_posted,
        print_batch,
    )

    engine = open_store()
    try:
        who = viewer_of(engine, args.user)
        if args.action == "print":
            count, path = print_batch(engine, utcnow(), who.user_id if who else None)
            print_json({"letters": count, "file": path})
            return 0
        if not args.run and not args.ids:
            raise LetterError("name a run (--run) or some letters (their ids)")
        named = {"run": args.run or None, "message_ids": args.ids or None}
        if args.action == "printed":
            print_json({"printed": confirm_printed(engine, who, **named)})
        else:
            print_json({"posted": mark_posted(engine, who, args.on or today(), **named)})
    except (LookupError, AccessDenied, LetterError) as exc:
        return failed(exc)
    return 0


def register_commands(sub: argparse._SubParsersAction) -> None:
    """Add the delivery commands to the `src-dash` parser."""
    p = sub.add_parser("send", help="plan, write and dispatch the day's dunning")
    p.add_argument("--as-of", type=iso_date, default=None)
    p.add_argument("--approve-all", action="store_true", help="approve what needs approval")
    p.add_argument("--user", default=None, help="run as this user (their portfolio)")
    p.add_argument("--no-dispatch", action="store_true", help="only write the run")
    p.add_argument("--limit", type=int, default=None, help="send at most this many emails")
    p.set_defaults(func=cmd_send)

    p = sub.add_parser("dispatch", help="send the queued emails, print the queued letters")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--no-letters", action="store_true")
    p.set_defaults(func=cmd_dispatch)

    p = sub.add_parser("approve", help="approve held messages")
    p.add_argument("ids", type=int, nargs="+")
    p.add_argument("--user", required=True, help="the login of who approves")
    p.set_defaults(func=cmd_approve)

    p = sub.add_parser("history", help="a customer's dunning history as CSV or JSON")
    p.add_argument("--customer", required=True, help="the customer's number")
    p.add_argument("--company", default=None, help="the company's code")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--output", default=None, help="write to this file (default: stdout)")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("report", help="reports: daily cash report by email")
    p.add_argument("kind", choices=["daily"])
    p.add_argument("--as-of", type=iso_date, default=None)
    p.add_argument("--user", default=None, help="only this login")
    p.add_argument("--force", action="store_true", help="send again today")
    p.add_argument("--no-send", action="store_true", help="only write the HTML files")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("alerts", help="scan for alerts and list the open ones")
    p.add_argument("--scan", action="store_true")
    p.add_argument("--as-of", type=iso_date, default=None)
    p.add_argument("--limit", type=int, default=100)
    p.set_defaults(func=cmd_alerts)

    p = sub.add_parser("letters", help="letters: print the batch, printed, posted")
    p.add_argument("action", choices=["print", "printed", "posted"])
    p.add_argument("ids", type=int, nargs="*", help="the letters (message ids)")
    p.add_argument("--run", default=None, help="every letter of this run")
    p.add_argument("--on", type=iso_date, default=None, help="the day they were posted (today)")
    p.add_argument("--user", default=None, help="the login of who says so")
    p.set_defaults(func=cmd_letters)

    p = sub.add_parser("mail", help="the local mail sink: what it received, or run it")
    p.add_argument("action", choices=["received", "sink"])
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--dir", default=None, help="the sink's folder")
    p.set_defaults(func=cmd_mail)
