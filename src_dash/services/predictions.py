"""Predicted pay dates per open item, and the accuracy of the predictions (issue 15).

- `predicted_items`: every invoice open at a date in the viewer's scope, with its predicted pay
  date, late probability, expected unpaid amounts at 30/60/90 days and top reasons;
- `run_backtest`: replays the ledger at monthly cutoffs (analytics.predict.backtest) and keeps
  the last figures in `forecast_quality.json` under the data directory;
- `forecast_quality`: those figures for the admin's "Qualité des prévisions" panel;
- `forecast_checks`: the cash forecast's own past accuracy (the forecast made a month before
  each of the last months vs the cash that came in), in the viewer's scope;
- `retrain`: trains the models of today ahead of the first request (the scheduler, after a sync
  that brought new settlements).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.access import ADMIN, EVERYTHING, Scope, Viewer, require
from src_dash.analytics.forecast import ForecastCheck, forecast_accuracy
from src_dash.analytics.ledger import get_ledger
from src_dash.analytics.predict.backtest import backtest, summary
from src_dash.analytics.predict.model import HORIZONS, predictions, trained
from src_dash.analytics.predict.reasons import reasons
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.money import from_cents
from src_dash.services.auth import ROLES
from src_dash.store import Company, Entry

QUALITY_FILE = "forecast_quality.json"


@dataclass(frozen=True)
class PredictedItem:
    """One open invoice and what is predicted of it."""

    company: str
    customer_number: str
    piece: str
    reference: str
    due_date: date
    open_amount: Decimal
    predicted_pay_date: date
    late_probability: float
    expected_unpaid: dict[int, Decimal]
    method: str
    reasons: tuple[str, ...]


def _pieces(engine: Engine, ids: list[int]) -> dict[int, tuple[str, str]]:
    table = Entry.__table__
    out: dict[int, tuple[str, str]] = {}
    with engine.connect() as conn:
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            query = select(table.c.id, table.c.piece, table.c.reference).where(
                table.c.id.in_(chunk)
            )
            out.update({row[0]: (row[1], row[2]) for row in conn.execute(query)})
    return out


def predicted_items(
    engine: Engine, scope: Scope = EVERYTHING, as_of: date | None = None
) -> list[PredictedItem]:
    """Every invoice open at `as_of` (default today) in `scope`, by company, customer, due date."""
    as_of = as_of or clock_today()
    ledger = get_ledger(engine)
    frame = ledger.scoped(predictions(ledger, as_of), scope)
    frame = frame.join(
        ledger.customers.select("customer_id", "number"), on="customer_id", how="left"
    ).join(ledger.companies.select("company_id", "code"), on="company_id", how="left")
    frame = frame.sort("code", "number", "due", "id")
    pieces = _pieces(engine, frame["id"].to_list())
    out = []
    for row in frame.iter_rows(named=True):
        piece, reference = pieces.get(row["id"], ("", ""))
        out.append(
            PredictedItem(
                company=row["code"],
                customer_number=row["number"],
                piece=piece,
                reference=reference,
                due_date=row["due"],
                open_amount=from_cents(row["residual"]),
                predicted_pay_date=row["predicted_pay_date"],
                late_probability=round(row["late_probability"], 4),
                expected_unpaid={
                    h: from_cents(round(row["residual"] * row[f"unpaid_{h}"])) for h in HORIZONS
                },
                method=row["method"],
                reasons=tuple(reasons(row)),
            )
        )
    return out


def _quality_path(path: Path | None) -> Path:
    if path is not None:
        return path
    from src_dash.config import load_settings

    return load_settings().data_dir / QUALITY_FILE


def _company_id(engine: Engine, code: str | None) -> int | None:
    if code is None:
        return None
    with engine.connect() as conn:
        found = conn.execute(select(Company.__table__.c.id).where(Company.code == code)).scalar()
    if found is None:
        raise LookupError(f"unknown company {code!r}")
    return found


def run_backtest(
    engine: Engine,
    today: date | None = None,
    company: str | None = None,
    cutoff: date | None = None,
    months: int = 12,
    path: Path | None = None,
) -> dict:
    """Backtest the predictions and keep the figures for the admin (see the module docstring).

    Raises:
        LookupError: when the company code is unknown.
    """
    today = today or clock_today()
    ledger = get_ledger(engine)
    results = backtest(ledger, today, months, cutoff, _company_id(engine, company))
    report = {
        "run_at": utcnow().isoformat(timespec="seconds"),
        "today": today.isoformat(),
        "company": company,
        "cutoffs": results,
        "summary": summary(results),
    }
    target = _quality_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return report


def forecast_quality(who: Viewer | None, path: Path | None = None) -> dict | None:
    """The last backtest's figures (admins only), None before the first run."""
    require(who, ADMIN)
    target = _quality_path(path)
    if not target.exists():
        return None
    return json.loads(target.read_text(encoding="utf-8"))


def forecast_checks(
    engine: Engine, who: Viewer | None, as_of: date | None = None, months: int = 6
) -> tuple[ForecastCheck, ...]:
    """The forecast made a month before each of the last `months` months vs the cash in, in
    the viewer's scope (every role: the dashboard's cash objective is everyone's); a page
    never trains: past forecasts use the models of their date only if already trained."""
    who = require(who, ROLES)
    return forecast_accuracy(engine, who.scope, as_of, months)


def retrain(engine: Engine, as_of: date | None = None) -> dict:
    """Train today's models now (cached per version of the entries); what each company uses."""
    ledger = get_ledger(engine)
    models = trained(ledger, as_of or clock_today())
    codes = dict(ledger.companies.select("company_id", "code").iter_rows())
    return {codes.get(c, str(c)): {"kind": m.kind, "rows": m.rows} for c, m in models.items()}


__all__ = [
    "ForecastCheck",
    "PredictedItem",
    "forecast_checks",
    "forecast_quality",
    "predicted_items",
    "retrain",
    "run_backtest",
]
