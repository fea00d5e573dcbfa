"""Exports and the kpis / scores / export commands on the hand ledger."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from src_dash.analytics.exports import run_export
from src_dash.analytics.scope import Scope
from src_dash.cli import main

TODAY = date(2026, 11, 22)
D = Decimal


def test_owed_export_in_every_format(hand, tmp_path):
    assert run_export(hand.engine, "owed", "parquet", tmp_path / "o.parquet", as_of=TODAY) == 3
    frame = pl.read_parquet(tmp_path / "o.parquet")
    rows = {r["customer"]: r for r in frame.iter_rows(named=True)}
    assert rows["BETA"]["91-120"] == D("2000.00") and rows["BETA"]["credits"] == D("-300.00")
    assert rows["ALPHA"]["total"] == D("350.00")
    run_export(hand.engine, "owed", "csv", tmp_path / "o.csv", as_of=TODAY)
    text = (tmp_path / "o.csv").read_text()
    assert "GAMMA,Gamma Inc,EUR,250.00,1100.00,0.00,0.00,0.00,0.00,0.00,1350.00" in text
    run_export(hand.engine, "owed", "xlsx", tmp_path / "o.xlsx", as_of=TODAY)
    with zipfile.ZipFile(tmp_path / "o.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<t>BETA</t>" in sheet and "<v>2000.00</v>" in sheet


def test_entries_customers_promises_exports(hand, tmp_path):
    rep = Scope(sales_rep_ids=frozenset({hand.reps["R2"]}))
    # BETA's entries without e8 and e9 (out of the open years)
    assert run_export(hand.engine, "entries", "csv", tmp_path / "e.csv", rep, TODAY) == 4
    frame = pl.read_csv(tmp_path / "e.csv", infer_schema=False)
    assert set(frame["customer"]) == {"BETA"}
    assert run_export(hand.engine, "customers", "csv", tmp_path / "c.csv", as_of=TODAY) == 3
    customers = pl.read_csv(tmp_path / "c.csv", infer_schema=False)
    beta = customers.filter(pl.col("number") == "BETA").row(0, named=True)
    assert (beta["outstanding"], beta["overdue"]) == ("1700.00", "2000.00")
    assert run_export(hand.engine, "promises", "csv", tmp_path / "p.csv", as_of=TODAY) == 2
    assert run_export(hand.engine, "users", "csv", tmp_path / "u.csv", as_of=TODAY) == 1
    assert run_export(hand.engine, "actions", "csv", tmp_path / "a.csv", as_of=TODAY) == 0
    with pytest.raises(ValueError, match="unknown format"):
        run_export(hand.engine, "owed", "ods", tmp_path / "o.ods")


@pytest.fixture
def cli_env(hand_sqlite, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", str(hand_sqlite.engine.url))
    monkeypatch.setenv("SRC_DASH_TODAY", TODAY.isoformat())
    return hand_sqlite


def test_kpis_command(cli_env, capsys):
    assert main(["kpis", "--json", "--company", "HAND"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kpis"]["outstanding"] == "3400.00"
    assert out["kpis"]["dso_countback"] == "94.1"
    assert out["top_overdue"][0]["number"] == "BETA"
    assert main(["kpis", "--json", "--as-of", "2026-10-23"]) == 0
    assert json.loads(capsys.readouterr().out)["kpis"]["outstanding"] == "3700.00"
    assert main(["kpis", "--company", "NOPE"]) == 1


def test_scores_and_export_commands(cli_env, capsys, tmp_path):
    assert main(["scores", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    alpha = next(c for c in out["customers"] if c["number"] == "ALPHA")
    assert (alpha["score"], alpha["grade"]) == (39, "B")
    assert {p["name"] for p in alpha["parts"]} >= {"days_beyond_terms", "broken_promises"}
    target = tmp_path / "owed.parquet"
    assert main(["export", "owed", "--format", "parquet", "--out", str(target)]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 3
    assert pl.read_parquet(target).height == 3
