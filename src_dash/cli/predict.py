"""The prediction commands of `src-dash`: predict (per open item) and backtest (its accuracy)."""

from __future__ import annotations

import argparse

from src_dash.cli.common import add_report_options, failed, iso_date, open_store, print_json


def cmd_predict(args: argparse.Namespace) -> int:
    """Print every open invoice with its predicted pay date, late probability and reasons."""
    from src_dash.access import company_scope
    from src_dash.services.predictions import predicted_items

    engine = open_store()
    try:
        scope = company_scope(engine, args.company)
    except LookupError as exc:
        return failed(exc)
    items = predicted_items(engine, scope, args.as_of)
    rows = [
        {
            "company": i.company,
            "customer": i.customer_number,
            "piece": i.piece,
            "reference": i.reference,
            "due_date": i.due_date.isoformat(),
            "open_amount": str(i.open_amount),
            "predicted_pay_date": i.predicted_pay_date.isoformat(),
            "late_probability": i.late_probability,
            "expected_unpaid": {f"{h}d": str(v) for h, v in i.expected_unpaid.items()},
            "method": i.method,
            "reasons": list(i.reasons),
        }
        for i in items
    ]
    if args.json:
        print_json({"items": rows})
        return 0
    for r in rows:
        print(
            f"{r['company']:8} {r['customer']:14} {r['piece']:12} {r['due_date']} "
            f"{r['open_amount']:>12} -> {r['predicted_pay_date']} "
            f"p={r['late_probability']:.2f} {'; '.join(r['reasons'])}"
        )
    return 0


def _line(row: dict) -> str:
    auc, mae = row["auc"], row["mae_days"]

    def f(value: float | None, spec: str) -> str:
        return "—" if value is None else format(value, spec)

    return (
        f"{row['cutoff']}  items {row['decided']:>6}  AUC model {f(auc['model'], '.3f')}"
        f" share {f(auc['share_late'], '.3f')} dbt {f(auc['days_beyond_terms'], '.3f')}"
        f" mean {f(auc['mean_delay'], '.3f')}  MAE model {f(mae['model'], '.1f')}"
        f" dbt {f(mae['days_beyond_terms'], '.1f')} mean {f(mae['mean_delay'], '.1f')}"
    )


def cmd_backtest(args: argparse.Namespace) -> int:
    """Replay the ledger at monthly cutoffs and print the predictions' accuracy."""
    from src_dash.services.predictions import run_backtest

    engine = open_store()
    try:
        report = run_backtest(engine, args.as_of, args.company, args.cutoff, args.months)
    except LookupError as exc:
        return failed(exc)
    if args.json:
        print_json(report)
        return 0
    for row in report["cutoffs"]:
        print(_line(row))
    print_json(report["summary"])
    return 0


def register_commands(sub: argparse._SubParsersAction) -> None:
    """Add the predict and backtest subcommands to the `src-dash` parser."""
    p = sub.add_parser("predict", help="predicted pay date and late probability per open item")
    add_report_options(p)
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("backtest", help="accuracy of the predictions at monthly cutoffs")
    add_report_options(p, as_of=False)
    p.add_argument("--cutoff", type=iso_date, default=None, help="one cutoff instead of 12")
    p.add_argument("--months", type=int, default=12, help="how many monthly cutoffs")
    p.add_argument("--as-of", type=iso_date, default=None, help="the date outcomes are read at")
    p.set_defaults(func=cmd_backtest)
