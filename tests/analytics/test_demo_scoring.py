"""On a synced demo base: the ledger replays the stored residuals, SQL agrees, scores rank."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from src_dash.analytics.ledger import clear_cache, get_ledger
from src_dash.bench.analytics import _compare, demo_auc, sql_figures
from src_dash.sources.demo import DemoCompanySpec, build_demo_base, odbc_connection_string
from src_dash.sync import register_company, sync_company

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "DEMOA.sqlite"
    build_demo_base(path, DemoCompanySpec("DEMOA", "Demo A", 300, None, 11), TODAY)
    return path


@pytest.fixture
def synced(store, demo_base):
    clear_cache()
    register_company(store, "DEMOA", "Demo A", "sage100", odbc_connection_string(demo_base))
    assert sync_company(store, "DEMOA", full=True, as_of=TODAY).status == "ok"
    yield store
    clear_cache()


def test_ledger_replays_the_stored_residuals(synced):
    with synced.connect() as conn:
        stored = dict(
            conn.exec_driver_sql("SELECT id, residual FROM entry WHERE residual != 0").all()
        )
    view = get_ledger(synced).view(TODAY)
    assert dict(view.open_items.select("id", "residual").iter_rows()) == stored


def test_sql_in_the_store_gives_the_same_figures(synced):
    checks = _compare(sql_figures(synced, TODAY), synced, TODAY)
    assert checks == dict.fromkeys(checks, True)


def test_score_ranks_bad_payers(synced, demo_base):
    result = demo_auc(synced, demo_base.with_suffix(".behaviour.csv"), TODAY)
    assert result["customers"] > 100
    assert result["auc_vs_behaviour"] > 0.85


def test_score_comes_from_the_predictions_and_says_why(synced):
    from src_dash.analytics.predict.model import ready, trained
    from src_dash.analytics.scoring import MODEL_PART, scores

    ledger = get_ledger(synced)
    untrained = scores(synced, as_of=TODAY)
    assert not ready(ledger, TODAY)  # a page never trains: the rules until the models exist
    assert all(s.parts[0].name != MODEL_PART for s in untrained)
    trained(ledger, TODAY)  # what the scheduler does after a sync
    rows = scores(synced, as_of=TODAY)
    learned = [s for s in rows if s.parts[0].name == MODEL_PART]
    assert len(learned) > 100
    for s in learned:
        assert abs(s.score - s.parts[0].value * 100) <= 1
        assert sum(p.weight for p in s.parts[1:]) == 0
    late = next(s for s in learned if s.parts[1].value and s.parts[1].value > 10)
    assert late.parts[1].detail.startswith("paie en moyenne ")
    # Without open invoices a customer keeps the rules' score (weighted parts).
    from src_dash.analytics.predict import predictions

    predicted = set(predictions(get_ledger(synced), TODAY)["customer_id"])
    assert predicted == {s.customer_id for s in learned}
    others = [s for s in rows if s.parts[0].name != MODEL_PART]
    assert others and all(sum(p.weight for p in s.parts) > 0.99 for s in others)
