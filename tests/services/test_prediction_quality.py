"""The admin's forecast-quality panel on the demo store: refused to others, empty before the
first backtest, then the figures of 12 monthly cutoffs and the forecast's past record."""

from __future__ import annotations

import pytest
from sage_helpers import TODAY

from src_dash.access import AccessDenied
from src_dash.services.prediction_quality import backtest_now, prediction_quality


def test_only_an_admin_sees_or_runs_it(demo, tmp_path):
    path = tmp_path / "quality.json"
    for login in ("recouvrement", "commercial", "direction"):
        with pytest.raises(AccessDenied):
            prediction_quality(demo.engine, demo.users[login], TODAY, path)
        with pytest.raises(AccessDenied):
            backtest_now(demo.engine, demo.users[login], TODAY, path)
    assert not path.exists()


def test_the_figures_appear_after_a_run(demo, tmp_path):
    path = tmp_path / "quality.json"
    admin = demo.users["admin"]
    before = prediction_quality(demo.engine, admin, TODAY, path)
    assert before.report is None
    assert all(c.month < TODAY.replace(day=1) for c in before.checks)
    report = backtest_now(demo.engine, admin, TODAY, path)
    after = prediction_quality(demo.engine, admin, TODAY, path)
    assert after.report == report and len(report["cutoffs"]) == 12
    assert set(report["summary"]) >= {"cutoffs"}
