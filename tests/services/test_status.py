"""The status of each company: figures equal the source's own, as of today and in the past."""

from __future__ import annotations

import sqlite3
from datetime import date

from sage_helpers import TODAY, register, sage_source_truth
from sqlmodel import Session

from src_dash.analytics.balances import balances
from src_dash.services.status import company_statuses
from src_dash.sync import sync_company


def test_status_today_equals_the_sources_open_items(store, demo_base):
    register(store, demo_base)
    assert sync_company(store, "DEMO1", full=True, as_of=TODAY).status == "ok"
    truth = sage_source_truth(demo_base)
    conn = sqlite3.connect(demo_base)
    open_lines = conn.execute(
        "SELECT COUNT(*) FROM F_ECRITUREC WHERE EC_Lettre = 0 AND EC_Montant <> EC_MontantRegle "
        "AND JM_Date >= '2025-01-01 00:00:00' "
        "AND CT_Num IN (SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0)"
    ).fetchone()[0]
    conn.close()
    with Session(store) as session:
        (status,) = company_statuses(session, TODAY)
    assert status.code == "DEMO1" and status.name == "Atelier Dumas SAS"
    assert status.customers == len(truth["customers"])
    assert status.open_items == open_lines
    assert status.outstanding == sum(truth["balances"].values())
    assert 0 < status.overdue <= sum(v for v in truth["balances"].values() if v > 0)
    assert status.last_sync_status == "ok" and status.last_sync_at is not None


def test_status_travels_in_time_with_the_ledger(store, demo_base):
    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    with Session(store) as session:
        for as_of in (date(2025, 3, 31), date(2026, 6, 30)):
            (status,) = company_statuses(session, as_of, "DEMO1")
            (expected,) = balances(store, as_of=as_of, by="company")
            assert (status.open_items, status.outstanding, status.overdue) == (
                expected.open_items,
                expected.outstanding,
                expected.overdue,
            )
        (before,) = company_statuses(session, date(2020, 1, 1))
    assert before.open_items == 0 and before.outstanding == 0
