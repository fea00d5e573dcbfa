"""A run's report kept with it: the lines of class 41 it left out and its warnings, from a Sage
sync and from a FEC import, read back by the settings' runs, the status and the CLI's JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from left_out_helpers import EXPECTED, LINES, add_lines
from sage_helpers import TODAY, register
from sqlalchemy import select
from sqlmodel import Session

from src_dash.access import viewer
from src_dash.services.auth import seed_demo_users
from src_dash.services.companies import list_companies
from src_dash.services.fec_import import import_fec_file
from src_dash.services.reconcile import record_after_runs
from src_dash.services.status import company_statuses
from src_dash.sources.left_out import LeftOutLines
from src_dash.store import SyncRun, User
from src_dash.sync import sync_company

HEADER = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|"
    "PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|"
    "Idevise"
)
# (account, label, aux, aux label, debit, credit): customer-side lines, each balanced by a 706.
FEC_ROWS = [
    ("41100000", "Clients", "C001", "Martin SARL", "1200,00", "0,00"),
    ("41100000", "Clients", "C002", "Bernard", "300,00", "0,00"),
    ("41910000", "Avances reçues", "C001", "Martin SARL", "0,00", "700,00"),
    ("41910000", "Avances reçues", "C002", "Bernard", "0,00", "500,00"),
    ("41810000", "Factures à établir", "", "", "90,00", "0,00"),
]


def write_fec(folder: Path) -> Path:
    lines = [HEADER]
    for n, (account, lib, aux, aux_lib, debit, credit) in enumerate(FEC_ROWS, 1):
        lines.append(
            f"VE|Ventes|{n}|20240110|{account}|{lib}|{aux}|{aux_lib}|F{n}|20240110|Ligne {n}|"
            f"{debit}|{credit}|||||"
        )
        lines.append(
            f"VE|Ventes|{n}|20240110|70600000|Ventes|||F{n}|20240110|Ligne {n}|{credit}|{debit}"
            "|||||"
        )
    path = folder / "123456789FEC20241231.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_details(engine) -> dict:
    with engine.connect() as conn:
        details = conn.execute(
            select(SyncRun.__table__.c.details).order_by(SyncRun.__table__.c.id.desc())
        ).scalar()
    return details


def admin(engine):
    seed_demo_users(engine)
    with engine.connect() as conn:
        user_id = conn.execute(
            select(User.__table__.c.id).where(User.__table__.c.role == "admin")
        ).scalar()
    return viewer(engine, user_id)


def test_a_sage_sync_records_its_lines_left_out_and_warnings(store, demo_base):
    register(store, demo_base)
    add_lines(demo_base, LINES)
    result = sync_company(store, "DEMO1", full=True, as_of=TODAY)
    assert result.status == "ok"
    assert result.excluded == EXPECTED
    assert result.warnings == [
        "1 line(s) on receivable accounts 411 are not customer entries: no third-party "
        "account (CT_Num empty) (balance 250.00)"
    ]
    record_after_runs(
        store, [result]
    )  # the reconciliation joins the report, it does not replace it
    details = run_details(store)
    assert details["excluded"] == [e.as_dict() for e in EXPECTED]
    assert details["excluded"][3] == {
        "reason": "no_third_party",
        "account": "419",
        "lines": 3,
        "amount": "-1200.00",
    }
    assert details["warnings"] == result.warnings
    assert details["reconciliation"]["difference"] == "0.00"
    assert result.as_dict()["excluded"] == details["excluded"]  # `src-dash sync --json`

    with Session(store) as session:
        (status,) = company_statuses(session, TODAY)
    assert status.left_out == tuple(EXPECTED) and status.warnings == tuple(result.warnings)
    [company] = list_companies(store, admin(store))
    assert company.runs[0].excluded == tuple(EXPECTED)
    assert company.runs[0].warnings == tuple(result.warnings)


def test_a_failed_run_leaves_the_last_successful_runs_report_on_show(store, demo_base):
    register(store, demo_base)
    add_lines(demo_base, LINES)
    assert sync_company(store, "DEMO1", full=True, as_of=TODAY).status == "ok"
    demo_base.write_bytes(b"not a base")
    assert sync_company(store, "DEMO1", as_of=TODAY).status == "failed"
    with Session(store) as session:
        (status,) = company_statuses(session, TODAY)
    assert status.last_sync_status == "failed"
    assert status.left_out == tuple(EXPECTED)


def test_a_fec_import_records_the_files_lines_left_out_and_warnings(store, tmp_path):
    outcome = import_fec_file(store, write_fec(tmp_path), "FEC1", as_of=TODAY)
    assert outcome.status == "ok"
    details = run_details(store)
    assert details["excluded"] == [
        {"reason": "customer_advances", "account": "419", "lines": 2, "amount": "-1200.00"},
        {"reason": "unbilled_receivables", "account": "418", "lines": 1, "amount": "90.00"},
    ]
    assert details["warnings"] == outcome.warnings
    assert any("419" in w for w in details["warnings"])
    with Session(store) as session:
        (status,) = company_statuses(session, TODAY)
    assert status.left_out == (
        LeftOutLines("customer_advances", "419", 2, Decimal("-1200.00")),
        LeftOutLines("unbilled_receivables", "418", 1, Decimal("90.00")),
    )
    assert list(status.warnings) == outcome.warnings


def test_the_status_json_carries_each_companys_report(store_url, demo_base, monkeypatch, capsys):
    from src_dash import cli
    from src_dash.store.engine import make_engine

    monkeypatch.setenv("DATABASE_URL", store_url)
    engine = make_engine(store_url)
    register(engine, demo_base)
    add_lines(demo_base, LINES)
    assert cli.main(["sync", "--company", "DEMO1", "--full", "--as-of", TODAY.isoformat()]) == 0
    (synced,) = json.loads(capsys.readouterr().out)
    assert synced["excluded"] == [e.as_dict() for e in EXPECTED]
    assert cli.main(["status", "--json", "--as-of", TODAY.isoformat()]) == 0
    (company,) = json.loads(capsys.readouterr().out)["companies"]
    assert company["code"] == "DEMO1"
    assert company["excluded"] == [e.as_dict() for e in EXPECTED]
    assert company["warnings"] == synced["warnings"] and len(company["warnings"]) == 1
    engine.dispose()
