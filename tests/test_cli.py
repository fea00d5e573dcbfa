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


def test_import_fec_prints_the_files_report(env, capsys, fec_dir):
    path = fec_dir / "000000000FEC20231231.txt"
    code, out, _ = run(capsys, "import-fec", str(path), "--company", "FEC1")
    assert code == 0
    printed = json.loads(out)
    assert printed["status"] == "ok" and printed["added"] > 0 and printed["run_id"]
    assert printed["customers"] == 4 and printed["receivable_balance"] == "27771.70"
    assert printed["excluded"] == [] and printed["encoding"] == "utf-8"
    assert printed["suspect_customers"] == ["CCB", "CCHQ", "CESP", "CVIR"]
    assert printed["warnings"][0].startswith("4 customer(s) look like accounts of cash receipts")
    assert printed["period"] == {"start": "2021-01-01", "end": "2023-06-30"}

    code, out, _ = run(
        capsys, "import-fec", str(path), "--company", "FEC2", "--not-customer", "CCB",
        "--not-customer", "CESP",
    )  # fmt: skip
    printed = json.loads(out)
    assert code == 0 and printed["customers"] == 2 and printed["receivable_balance"] == "542.00"
    assert printed["excluded"][0]["reason"] == "not_a_customer"


def test_import_fec_dry_run_writes_nothing_and_deletions_need_confirming(
    env, capsys, fec_dir, tmp_path
):
    source = fec_dir / "111111111FEC20221231.TXT"
    code, out, _ = run(capsys, "import-fec", str(source), "--company", "FEC1", "--dry-run")
    printed = json.loads(out)
    assert code == 0 and printed["dry_run"] is True and printed["status"] == "dry_run"
    assert printed["would_change"]["added"] == 151 and printed["customers"] == 34
    code, out, _ = run(capsys, "status", "--json")
    assert json.loads(out)["companies"] == []

    assert run(capsys, "import-fec", str(source), "--company", "FEC1")[0] == 0
    lines = source.read_bytes().split(b"\n")
    newer = tmp_path / source.name
    newer.write_bytes(b"\n".join(lines[:5] + lines[7:]))  # an invoice line and another gone
    code, out, _ = run(capsys, "import-fec", str(newer), "--company", "FEC1", "--dry-run")
    assert json.loads(out)["would_change"]["deleted"] == 1
    code, out, err = run(capsys, "import-fec", str(newer), "--company", "FEC1")
    assert code == 1
    assert "would delete 1 entry of FEC1" in err and "--confirm-deletions" in err
    assert json.loads(out)["would_change"]["deleted"] == 1
    code, out, _ = run(capsys, "import-fec", str(newer), "--company", "FEC1", "--confirm-deletions")
    printed = json.loads(out)
    assert code == 0 and printed["deleted"] == 1
    assert any("does not balance" in w for w in printed["warnings"])
