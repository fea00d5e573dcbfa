"""The `src-dash` command on a real store: company, demo, status, sync, import-fec."""

from __future__ import annotations

import json

import pytest

from src_dash.cli import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SRC_DASH_TODAY", "2026-11-22")
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_then_status_and_a_second_sync_that_changes_nothing(env, capsys):
    code, out, _ = run(capsys, "demo", "--customers", "30", "--seed", "5")
    assert code == 0
    demo = json.loads(out)
    assert [d["company"] for d in demo["companies"]] == ["DEMO1", "DEMO2"]
    assert all(d["sync"]["status"] == "ok" for d in demo["companies"])
    assert demo["users"]["created"] == ["admin", "recouvrement", "commercial", "direction"]
    assert (env / "demo" / "DEMO1.sqlite").exists()
    assert (env / "demo" / "DEMO1.behaviour.csv").exists()

    code, out, _ = run(capsys, "status", "--json")
    status = json.loads(out)
    assert code == 0 and status["as_of"] == "2026-11-22"
    for company in status["companies"]:
        assert company["customers"] > 0 and company["open_items"] > 0
        assert company["last_sync_status"] == "ok"
        assert float(company["outstanding"]) > 0

    code, out, _ = run(capsys, "status", "--json", "--as-of", "2025-06-30")
    earlier = json.loads(out)
    assert earlier["as_of"] == "2025-06-30"
    assert earlier["companies"][0]["open_items"] < status["companies"][0]["open_items"]

    code, out, _ = run(capsys, "sync")
    results = json.loads(out)
    assert code == 0
    assert [(r["added"], r["changed"], r["deleted"]) for r in results] == [(0, 0, 0)] * 2

    code, out, _ = run(capsys, "status")
    assert code == 0 and "DEMO1" in out and "DEMO2" in out


def test_company_add_and_list_hide_the_password(env, capsys):
    dsn = "DRIVER={ODBC Driver 18 for SQL Server};SERVER=sage;DATABASE=BIJOU;UID=sa;PWD=secret"
    code, out, _ = run(capsys, "company", "add", "BIJOU", "--name", "Bijou SA", "--odbc", dsn)
    assert code == 0
    listed = json.loads(out)
    assert listed[0]["code"] == "BIJOU" and listed[0]["name"] == "Bijou SA"
    assert "secret" not in out and "SERVER=sage" in out


def test_a_sync_of_an_unreachable_base_fails_and_says_why(env, capsys):
    dsn = f"DRIVER={{SQLite3}};Database={env / 'missing' / 'nothing.sqlite'}"
    run(capsys, "company", "add", "GONE", "--odbc", dsn)
    code, out, _ = run(capsys, "sync", "--company", "GONE")
    result = json.loads(out)[0]
    assert code == 1 and result["status"] == "failed" and result["error"]
    code, out, _ = run(capsys, "status", "--json")
    company = json.loads(out)["companies"][0]
    assert company["last_sync_status"] == "failed" and company["last_sync_error"]


def test_import_fec_refuses_a_bad_file_with_its_line(env, capsys, tmp_path):
    bad = tmp_path / "123456789FEC20241231.txt"
    bad.write_text(
        "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
        "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|"
        "Montantdevise|Idevise\n"
        "VE|Ventes|1|20240110|41100000|Clients|C1|Client|F1|20240110|Facture|12,00|0,00|||"
        "20240110||\n"
        "VE|Ventes|1|2024-01-10|70600000|Ventes|||F1|20240110|Facture|0,00|12,00|||20240110||\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import-fec", str(bad), "--company", "FEC1")
    assert code == 1
    assert "line 3" in err and "EcritureDate" in err
    code, out, _ = run(capsys, "status", "--json")
    assert json.loads(out)["companies"] == []
