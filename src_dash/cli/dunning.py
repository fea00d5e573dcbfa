"""The planning commands of `src-dash`: plan, scenarios.

- ``plan --as-of DATE [--scenario NAME] [--customer NUMBER] [--company CODE] [--level N]
  [--user LOGIN] [--json]``: the proposed messages and calls, and what is left out and why.
  JSON is machine-readable: amounts as strings ("1234.50"), dates as ISO strings.
- ``scenarios list [--json]``, ``scenarios seed`` (the default set, idempotent),
  ``scenarios profiles [--as-of DATE]`` (write the profiles the rules give).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from datetime import date
from decimal import Decimal

from src_dash.cli.common import failed, iso_date, open_store, viewer_of
from src_dash.dunning.model import Exclusion, Plan, PlannedItem, Proposal

LEVEL_NAMES = {0: "prévenance", 6: "remerciement"}


def _plain(value: object) -> object:
    """Decimals and dates as strings, dataclasses as dicts, for JSON."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _print_json(data: object) -> None:
    print(json.dumps(_plain(data), indent=2, ensure_ascii=False))


def plan_as_dict(result: Plan) -> dict:
    """A plan as plain JSON data (amounts as strings, dates in ISO)."""
    return {
        "as_of": result.as_of.isoformat(),
        "counts": dict(result.counts),
        "proposals": [_plain(p) for p in result.proposals],
        "exclusions": [_plain(e) for e in result.exclusions],
    }


def _level(level: int) -> str:
    return LEVEL_NAMES.get(level, f"R{level}")


def _item_line(item: PlannedItem) -> str:
    due = item.due_date.isoformat() if item.due_date else "-"
    moving = f"{_level(item.previous_level)} -> {_level(item.level)}" if item.advances else (
        f"{_level(item.level)} (listed)"
    )  # fmt: skip
    amount = item.residual if item.level != 6 else item.amount
    currency = f" {item.residual_currency} {item.currency}" if item.residual_currency else ""
    return (
        f"      {item.piece:14} due {due} {item.days_late:>5} d  {moving:24} "
        f"{amount:>14,.2f}{currency}"
    )


def _proposal_lines(p: Proposal, detail: bool) -> list[str]:
    to = ", ".join(r.email for r in p.to) or "-"
    cc = ", ".join(r.email for r in p.cc)
    lines = [
        f"  {p.customer_number:12} {p.customer_name[:30]:30} {_level(p.level):12} {p.channel:7} "
        f"{p.scenario_name[:14]:14} {len(p.items):>3} items {p.total:>14,.2f} {p.book_currency}"
        f"{'  [to approve]' if p.needs_approval else ''}",
        f"      to: {to}" + (f"  cc: {cc}" if cc else ""),
    ]
    if detail:
        lines += [_item_line(i) for i in p.items]
        lines += [_item_line(c) for c in p.credits]
    return lines


def _exclusion_line(e: Exclusion) -> str:
    what = e.piece or "(customer)"
    detail = f"  {e.detail}" if e.detail else ""
    return (
        f"  {e.customer_number:12} {e.customer_name[:30]:30} {e.reason:26} {what:14} "
        f"{e.residual:>14,.2f}{detail}"
    )


def print_plan(result: Plan, detail: bool = False) -> None:
    """The plan as text: proposals, then exclusions, then the counts."""
    print(f"as of {result.as_of.isoformat()}: {len(result.proposals)} proposals")
    for p in result.proposals:
        for line in _proposal_lines(p, detail):
            print(line)
    if result.exclusions:
        print(f"left out: {len(result.exclusions)}")
        for e in result.exclusions:
            print(_exclusion_line(e))
    print("counts: " + ", ".join(f"{k}={v}" for k, v in result.counts.items()))


def _customer_ids(engine, number: str, company: str | None) -> list[int]:  # noqa: ANN001
    from sqlalchemy import select

    from src_dash.store import Company, Customer

    c, k = Customer.__table__, Company.__table__
    query = select(c.c.id).where(c.c.number == number)
    if company:
        query = query.join(k, k.c.id == c.c.company_id).where(k.c.code == company)
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


def cmd_plan(args: argparse.Namespace) -> int:
    """Print the planner's proposals and exclusions as of a date."""
    from src_dash.access import AccessDenied
    from src_dash.clock import today
    from src_dash.dunning.planner import PlanError, plan

    engine = open_store()
    customer_ids = None
    try:
        who = viewer_of(engine, args.user)
        if args.customer:
            customer_ids = _customer_ids(engine, args.customer, args.company)
            if not customer_ids:
                where = f" in company {args.company}" if args.company else ""
                raise LookupError(f"no customer {args.customer!r}{where}")
        result = plan(
            engine,
            args.as_of or today(),
            scenario=args.scenario,
            customer_ids=customer_ids,
            viewer=who,
            force_level=args.level,
        )
    except (LookupError, PlanError, AccessDenied) as exc:
        return failed(exc)
    if args.json:
        _print_json(plan_as_dict(result))
    else:
        print_plan(result, detail=bool(args.customer))
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    """List the scenarios, seed the default set, or write the profiles the rules give."""
    from src_dash.clock import today

    engine = open_store()
    if args.action == "seed":
        from src_dash.dunning.defaults import seed_defaults

        _print_json({"added": seed_defaults(engine)})
        return 0
    if args.action == "profiles":
        from src_dash.dunning.profiles import apply_profiles

        _print_json(apply_profiles(engine, args.as_of or today()))
        return 0
    from src_dash.dunning.scenarios import list_rules, list_scenarios

    scenarios = list_scenarios(engine)
    if args.json:
        _print_json({"scenarios": scenarios, "rules": list_rules(engine)})
        return 0
    for s in scenarios:
        mode = "account situation" if s.account_situation else "per level"
        state = "" if s.active else " (inactive)"
        print(
            f"{s.name}{state}: profile {s.profile or '-'}, {mode}, gap {s.min_gap_days} d, "
            f"min {s.min_item_amount}/item {s.min_customer_amount}/customer, "
            f"language {s.language or 'customer'}"
        )
        for step in s.steps:
            start = "payment" if step.phase == "remerciement" else step.offset_from
            when = f"{step.day_offset:+d} d from {start.replace('_', ' ')}"
            extra = " [to approve]" if step.needs_approval else ""
            extra += " [sales rep cc]" if step.cc_sales_rep else ""
            print(
                f"  {_level(step.level):12} {step.channel:7} {when:28} "
                f"{step.template_code or '-':16} {step.name}{extra}"
            )
    return 0


def register_commands(sub: argparse._SubParsersAction) -> None:
    """Add the plan and scenarios subcommands to the `src-dash` parser."""
    p = sub.add_parser("plan", help="the dunning proposals of a day, and what is left out")
    p.add_argument("--as-of", type=iso_date, default=None)
    p.add_argument("--scenario", default=None, help="only the customers of this scenario")
    p.add_argument("--customer", default=None, help="only this customer (its number)")
    p.add_argument("--company", default=None, help="the company of --customer")
    p.add_argument("--level", type=int, default=None, help="with --customer: force this level")
    p.add_argument("--user", default=None, help="only what this login may see")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("scenarios", help="dunning scenarios: list, seed the defaults, profiles")
    p.add_argument("action", nargs="?", choices=["list", "seed", "profiles"], default="list")
    p.add_argument("--as-of", type=iso_date, default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scenarios)
