"""Reconciliation: the app's outstanding against the source's own balance, per customer."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal

import sqlglot
from sage_helpers import TODAY, register, sage_source_truth
from sqlalchemy import select
from sqlmodel import Session

from src_dash.dunning.alerts import RECONCILIATION_GAP, alert_facts
from src_dash.services.fec_import import import_fec_file
from src_dash.services.reconcile import (
    last_reconciliations,
    reconcile,
    record_after_runs,
    record_reconciliation,
)
from src_dash.services.status import company_statuses
from src_dash.sources.sage100 import Sage100Reader
from src_dash.sources.sql_dialect import SQL_SERVER
from src_dash.store import Alert, Company, SyncRun
from src_dash.sync import StoreWriter, open_period, sync_company


def _sync(store, base) -> None:
    result = sync_company(store, "DEMO1", full=True, as_of=TODAY)
    assert result.status == "ok"
    record_after_runs(store, [result])


def test_a_synced_demo_reconciles_to_the_cent_and_records_it_with_the_run(store, demo_base):
    register(store, demo_base)
    _sync(store, demo_base)
    (found,) = reconcile(store, "DEMO1", TODAY)
    truth = sage_source_truth(demo_base)
    assert found.ok and found.difference == 0 and found.customers == ()
    assert found.source_total == found.books_total == found.app_total
    assert found.app_total == sum(truth["balances"].values())
    recorded = last_reconciliations(store)["DEMO1"]
    assert recorded["difference"] == "0.00" and recorded["customers_differing"] == 0
    with Session(store) as session:
        (status,) = company_statuses(session, TODAY)
    assert status.reconciliation_gap == 0 and status.reconciliation_customers == 0
    with store.connect() as conn:
        assert conn.execute(select(Alert.__table__.c.id)).first() is None


def test_a_line_changed_in_sage_after_the_sync_shows_as_a_gap_then_an_alert(store, demo_base):
    """The source's balance moves; the app's does not until the next sync: a gap on one
    customer, an alert, and both gone once the change is synced."""
    register(store, demo_base)
    _sync(store, demo_base)
    conn = sqlite3.connect(demo_base)
    (number,) = conn.execute(
        "SELECT CT_Num FROM F_ECRITUREC WHERE EC_Lettre = 0 AND EC_Sens = 0 "
        "AND JM_Date >= '2026-01-01' AND CT_Num IN (SELECT CT_Num FROM F_COMPTET "
        "WHERE CT_Type = 0) ORDER BY cbMarq LIMIT 1"
    ).fetchone()
    conn.execute(
        "UPDATE F_ECRITUREC SET EC_Montant = EC_Montant + 12.34 WHERE cbMarq = "
        "(SELECT cbMarq FROM F_ECRITUREC WHERE CT_Num = ? AND EC_Lettre = 0 AND EC_Sens = 0 "
        "AND JM_Date >= '2026-01-01' ORDER BY cbMarq LIMIT 1)",
        (number,),
    )
    conn.commit()
    conn.close()
    # The source's balances are read again (as a run does), the entries are not.
    with Sage100Reader(_dsn(store)) as reader:
        balances = reader.customer_balances(open_period(reader.company()))
    with store.begin() as c:
        StoreWriter(c, 1).source_balances(balances)
    (found,) = reconcile(store, "DEMO1", TODAY)
    assert found.difference == Decimal("12.34") and found.customers_differing == 1
    (gap,) = found.customers
    assert gap.number == number and gap.difference == Decimal("12.34")
    assert gap.books == gap.app  # the store's lines are still what the app shows

    with store.begin() as c:
        run_id = c.execute(select(SyncRun.__table__.c.id)).scalar()
    record_reconciliation(store, run_id, "DEMO1")
    with store.connect() as c:
        alerts = c.execute(select(Alert.__table__).where(Alert.__table__.c.resolved_at.is_(None)))
        (alert,) = alerts.all()
    assert alert.kind == RECONCILIATION_GAP
    assert "DEMO1" in alert.text and "12.34" in alert.text
    facts = alert_facts(alert.kind, alert.text)
    assert (facts.note, facts.amount, facts.count) == ("DEMO1", Decimal("12.34"), 1)
    with Session(store) as session:
        (status,) = company_statuses(session, TODAY)
    assert status.reconciliation_gap == Decimal("12.34") and status.reconciliation_customers == 1
    assert status.reconciliation_examples[0][0] == number

    _sync(store, demo_base)  # the change reaches the store: no gap, the alert is resolved
    (found,) = reconcile(store, "DEMO1", TODAY)
    assert found.ok
    with store.connect() as c:
        assert (
            c.execute(
                select(Alert.__table__.c.id).where(Alert.__table__.c.resolved_at.is_(None))
            ).first()
            is None
        )


def _dsn(store) -> str:
    with store.connect() as conn:
        return conn.execute(select(Company.__table__.c.source_dsn)).scalar()


def test_a_past_date_is_reconciled_against_the_books_not_the_source(store, demo_base):
    register(store, demo_base)
    _sync(store, demo_base)
    (found,) = reconcile(store, "DEMO1", date(2026, 3, 31))
    assert found.source_total is None and found.ok
    assert found.books_total == found.app_total


def test_both_real_fec_files_reconcile_to_zero(store, fec_dir, tmp_path):
    for n, path in enumerate(sorted(fec_dir.iterdir())):
        outcome = import_fec_file(store, path, f"FEC{n}", as_of=TODAY)
        result = getattr(outcome, "result", outcome)
        record_after_runs(store, [result])
    found = reconcile(store, None, TODAY)
    assert [r.company for r in found] == ["FEC0", "FEC1"]
    for r in found:
        assert r.ok, r.as_dict()
        assert r.source_total == r.app_total != 0


def test_the_cli_prints_json_and_fails_on_a_gap(store_url, demo_base, monkeypatch, capsys):
    from src_dash import cli
    from src_dash.store.engine import make_engine

    monkeypatch.setenv("DATABASE_URL", store_url)
    engine = make_engine(store_url)
    register(engine, demo_base)
    _sync(engine, demo_base)
    assert cli.main(["reconcile", "--json", "--as-of", TODAY.isoformat()]) == 0
    (printed,) = json.loads(capsys.readouterr().out)
    assert printed["company"] == "DEMO1" and printed["difference"] == "0.00"
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE source_balance SET balance = balance + 100")
    assert cli.main(["reconcile", "--company", "DEMO1"]) == 1
    assert "DEMO1" in capsys.readouterr().out
    assert cli.main(["reconcile", "--company", "NOPE"]) == 2
    engine.dispose()


def test_the_balance_queries_are_t_sql():
    reader = Sage100Reader.__new__(Sage100Reader)
    reader.dialect = SQL_SERVER
    for sql, params in reader.balance_queries((date(2025, 1, 1), date(2026, 12, 31))):
        assert len(params) == sql.count("?")
        parsed = sqlglot.parse_one(sql.replace("?", "NULL"), read="tsql")
        assert parsed.find(sqlglot.exp.Select) is not None
