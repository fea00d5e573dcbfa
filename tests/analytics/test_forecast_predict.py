"""The cash-in forecast from the predicted pay dates, and its own past accuracy."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from src_dash.analytics.forecast import expected_items, forecast, forecast_accuracy
from src_dash.analytics.kpis import add_months
from src_dash.analytics.ledger import clear_cache, get_ledger
from src_dash.analytics.predict.model import predictions, ready, trained
from src_dash.analytics.scope import EVERYTHING
from src_dash.sources.demo import DemoCompanySpec, build_demo_base, odbc_connection_string
from src_dash.store.engine import make_engine
from src_dash.sync import register_company, sync_company

TODAY = date(2026, 11, 22)


def test_hand_forecast_uses_the_predictions_once_ready_promises_and_disputes_win(hand_sqlite):
    hand = hand_sqlite
    ledger = get_ledger(hand.engine)
    before = forecast(hand.engine, as_of=TODAY, weeks=6, months=3)
    assert before.method == "rules"
    assert not ready(ledger, TODAY)
    trained(ledger, TODAY)
    assert ready(ledger, TODAY)
    after = forecast(hand.engine, as_of=TODAY, weeks=6, months=3)
    assert after.method == "model"
    items, disputed = expected_items(get_ledger(hand.engine), EVERYTHING, TODAY)
    by_id = {row["id"]: row for row in items.iter_rows(named=True)}
    # GAMMA's e12 is promised for 11-28: the promise's date replaces its prediction.
    e12 = by_id[hand.entries["e12"]]
    assert (e12["expected"], e12["method"]) == (date(2026, 11, 28), "promise")
    # BETA's e10 is disputed: held, not expected, and counted apart.
    assert hand.entries["e10"] not in by_id
    assert disputed == 200_000 and after.excluded_disputed == Decimal("2000.00")
    # Every other invoice owed is expected on its predicted pay date (never before today).
    frame = predictions(get_ledger(hand.engine), TODAY)
    predicted = dict(frame.select("id", "predicted_pay_date").iter_rows())
    for name in ("e3a", "e3b", "e13"):
        row = by_id[hand.entries[name]]
        assert row["method"] == "model"
        assert row["expected"] == max(predicted[hand.entries[name]], TODAY)
    # The same items and amounts are expected in total, only their dates may move.
    assert (
        sum(m.expected for m in after.months) + after.later
        == sum(m.expected for m in before.months) + before.later
    )
    rules = forecast(hand.engine, as_of=TODAY, weeks=6, months=3, use_model=False)
    assert rules.method == "rules" and rules.months == before.months


@pytest.fixture(scope="module")
def demo_forecast(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path):
    folder = tmp_path_factory.mktemp("forecast-predict")
    base = folder / "DEMOF.sqlite"
    build_demo_base(base, DemoCompanySpec("DEMOF", "Demo Forecast", 120, None, 7), TODAY)
    shutil.copy(sqlite_template, folder / "store.db")
    engine = make_engine(f"sqlite:///{folder / 'store.db'}")
    clear_cache()
    register_company(engine, "DEMOF", "Demo Forecast", "sage100", odbc_connection_string(base))
    assert sync_company(engine, "DEMOF", full=True, as_of=TODAY).status == "ok"
    yield engine
    clear_cache()
    engine.dispose()


def test_demo_forecast_from_the_model_spreads_the_same_amount(demo_forecast):
    ledger = get_ledger(demo_forecast)
    rules = forecast(demo_forecast, as_of=TODAY, months=6)
    trained(ledger, TODAY)
    model = forecast(demo_forecast, as_of=TODAY, months=6)
    assert (rules.method, model.method) == ("rules", "model")
    total = lambda f: sum(m.expected for m in f.months) + f.later  # noqa: E731
    assert total(model) == total(rules) > 0
    items, _ = expected_items(ledger, EVERYTHING, TODAY)
    # The rules are left only to what the models do not predict (not invoices, no due date).
    invoices = pl.col("kind").eq("invoice") & pl.col("due_date").is_not_null()
    assert items.filter(invoices)["method"].is_in(["model", "promise"]).all()
    assert items.filter(~invoices)["method"].eq("rules").all()
    assert items.filter(pl.col("method") == "model").height > 0.5 * items.height
    assert (items["expected"] >= TODAY).all()


def test_forecast_accuracy_replays_the_forecast_made_a_month_before(demo_forecast):
    checks = forecast_accuracy(demo_forecast, as_of=TODAY, months=3)
    assert [c.month for c in checks] == [add_months(TODAY, k) for k in (-3, -2, -1)]
    ledger = get_ledger(demo_forecast)
    for check in checks:
        assert check.made_on == add_months(check.month, -1)
        replay = forecast(demo_forecast, as_of=check.made_on, weeks=0, months=2)
        assert check.expected == replay.months[1].expected
        assert check.method == ("model" if ready(ledger, check.made_on) else "rules")
        # What came in: the payments posted in the month, as the month's collected figure says.
        last_day = add_months(check.month, 1) - timedelta(days=1)
        whole = forecast(demo_forecast, as_of=last_day, weeks=0, months=1)
        assert check.collected == whole.months[0].collected
        assert check.error == check.collected - check.expected
        assert check.collected > 0 and check.expected > 0
    trained_checks = forecast_accuracy(demo_forecast, as_of=TODAY, months=1, train=True)
    assert trained_checks[0].method == "model"


def test_forecast_checks_are_read_in_the_viewers_scope(demo_forecast):
    from src_dash.access import AccessDenied, Scope, Viewer
    from src_dash.services.predictions import forecast_checks

    manager = Viewer(1, "m", "Manager", "read_only")
    everything = forecast_checks(demo_forecast, manager, TODAY, months=2)
    assert everything == forecast_accuracy(demo_forecast, as_of=TODAY, months=2)
    ledger = get_ledger(demo_forecast)
    some = frozenset(ledger.customers["customer_id"].head(10).to_list())
    rep = Viewer(2, "r", "Rep", "sales_rep", scope=Scope(customer_ids=some))
    narrow = forecast_checks(demo_forecast, rep, TODAY, months=2)
    assert all(c.collected <= e.collected for c, e in zip(narrow, everything, strict=True))
    assert sum(c.collected for c in narrow) < sum(c.collected for c in everything)
    with pytest.raises(AccessDenied):
        forecast_checks(demo_forecast, None, TODAY)
