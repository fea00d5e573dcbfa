"""`src-dash predict` and `src-dash backtest` on a demo store, and the figures kept for admins."""

from __future__ import annotations

import json

import pytest

from src_dash.access import AccessDenied, Viewer
from src_dash.analytics.ledger import clear_cache
from src_dash.cli import main
from src_dash.services.predictions import QUALITY_FILE, forecast_quality


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli_predict")
    patch = pytest.MonkeyPatch()
    patch.setenv("DATABASE_URL", f"sqlite:///{folder / 'store.db'}")
    patch.setenv("SRC_DASH_DATA_DIR", str(folder))
    patch.setenv("SRC_DASH_TODAY", "2026-11-22")
    clear_cache()
    assert main(["demo", "--customers", "40", "--seed", "5"]) == 0
    yield folder
    clear_cache()
    patch.undo()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_predict_lists_every_open_invoice_with_its_prediction(demo_env, capsys):
    capsys.readouterr()
    code, out, _ = run(capsys, "predict", "--json", "--as-of", "2026-11-22")
    assert code == 0
    items = json.loads(out)["items"]
    assert items
    first = items[0]
    for key in ("company", "customer", "piece", "due_date", "open_amount", "reasons"):
        assert key in first
    assert all(0 <= i["late_probability"] <= 1 for i in items)
    assert all(i["predicted_pay_date"] >= "2026-11-22" for i in items)
    assert all(i["piece"] for i in items)
    companies = {i["company"] for i in items}
    code, out, _ = run(capsys, "predict", "--json", "--company", sorted(companies)[0])
    assert {i["company"] for i in json.loads(out)["items"]} == {sorted(companies)[0]}
    code, _, err = run(capsys, "predict", "--json", "--company", "NOPE")
    assert code == 1 and "NOPE" in err


def test_backtest_reports_the_model_and_the_baselines_and_keeps_them(demo_env, capsys):
    capsys.readouterr()
    code, out, _ = run(capsys, "backtest", "--json", "--cutoff", "2026-07-22")
    assert code == 0
    report = json.loads(out)
    (row,) = report["cutoffs"]
    assert row["cutoff"] == "2026-07-22"
    assert set(row["auc"]) == {"model", "share_late", "days_beyond_terms", "mean_delay"}
    assert set(row["mae_days"]) == {"model", "days_beyond_terms", "mean_delay"}
    assert row["decided"] > 0 and row["auc"]["model"] is not None
    admin = Viewer(1, "admin", "Admin", "admin")
    assert forecast_quality(admin, demo_env / QUALITY_FILE)["cutoffs"] == report["cutoffs"]
    with pytest.raises(AccessDenied):
        forecast_quality(Viewer(2, "lea", "Léa", "collector"), demo_env / QUALITY_FILE)
    assert forecast_quality(admin, demo_env / "none.json") is None
