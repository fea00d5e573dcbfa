"""The admin's "Qualité des prévisions" panel: how good the predictions were on the company's own
ledger (the last backtest, see `services.predictions.run_backtest`) and the cash-in forecast made a
month before each past month against what came in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.analytics.forecast import ForecastCheck
from src_dash.services.admin import require_admin
from src_dash.services.predictions import forecast_checks, forecast_quality, run_backtest


@dataclass(frozen=True)
class PredictionQuality:
    """The last backtest's report (None before the first) and the forecast's past checks."""

    report: dict | None
    checks: tuple[ForecastCheck, ...]


def prediction_quality(
    engine: Engine, who: Viewer | None, as_of: date | None = None, path: Path | None = None
) -> PredictionQuality:
    """What the panel shows (admins only).

    Raises:
        AccessDenied: for a non-admin.
    """
    who = require_admin(who)
    return PredictionQuality(forecast_quality(who, path), forecast_checks(engine, who, as_of))


def backtest_now(
    engine: Engine, who: Viewer | None, today: date | None = None, path: Path | None = None
) -> dict:
    """Replay the ledger at the last 12 monthly cutoffs now and keep the figures (admins only).

    Raises:
        AccessDenied: for a non-admin.
    """
    require_admin(who)
    return run_backtest(engine, today=today, path=path)
