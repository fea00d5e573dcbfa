"""`src-dash privacy ...` on a real store (the demo): register, export, erase, retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

import src_dash.cli
from src_dash.cli import main
from src_dash.config import load_settings
from src_dash.store import AuditLog, Contact
from src_dash.store.engine import make_engine


@pytest.fixture
def env(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SRC_DASH_TODAY", "2026-11-22")
    assert "src_dash.cli.privacy" in src_dash.cli.COMMAND_MODULES
    assert main(["demo", "--customers", "20", "--seed", "5"]) == 0
    capsys.readouterr()
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def a_contact() -> tuple[int, str]:
    engine = make_engine(load_settings().database_url)
    ct = Contact.__table__
    with engine.connect() as conn:
        row = conn.execute(
            select(ct.c.id, ct.c.email).where(ct.c.email != "").order_by(ct.c.id).limit(1)
        ).one()
    engine.dispose()
    return row.id, row.email


def test_register_as_text_and_json(env, capsys):
    code, out, _ = run(capsys, "privacy", "register", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) >= 6 and all(r["legal_basis"] for r in rows)
    code, out, _ = run(capsys, "privacy", "register")
    assert code == 0 and "conservation" in out and rows[0]["name"] in out


def test_export_then_erase_a_contact(env, capsys):
    contact_id, email = a_contact()
    out_file = env / "export.json"
    code, out, _ = run(
        capsys, "privacy", "export", "--email", email, "--user", "admin", "--out", str(out_file)
    )
    assert code == 0 and json.loads(out)["contacts"] >= 1
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert contact_id in [c["id"] for c in data["contacts"]]

    code, _, err = run(
        capsys, "privacy", "export", "--contact", str(contact_id), "--user", "commercial"
    )
    assert code == 1 and "may not" in err

    code, _, err = run(capsys, "privacy", "erase", "--contact", str(contact_id), "--user", "admin")
    assert code == 2 and "--yes" in err
    assert a_contact()[0] == contact_id  # nothing erased without --yes

    code, out, _ = run(
        capsys, "privacy", "erase", "--contact", str(contact_id), "--user", "admin", "--yes"
    )
    assert code == 0 and json.loads(out)["changed"]["contact"] == 1
    code, out, _ = run(capsys, "privacy", "export", "--email", email, "--user", "admin")
    assert code == 0 and email not in [c["email"] for c in json.loads(out)["contacts"]]

    code, _, err = run(
        capsys, "privacy", "erase", "--contact", "999999", "--user", "admin", "--yes"
    )
    assert code == 1 and "no contact" in err


def test_retention_dry_run_then_apply(env, capsys, monkeypatch):
    engine = make_engine(load_settings().database_url)
    with engine.begin() as conn:
        old = datetime(2026, 1, 5, tzinfo=UTC)
        conn.execute(AuditLog.__table__.insert().values(action="login", at=old, details={}))
    engine.dispose()
    monkeypatch.setenv("SRC_DASH_RETENTION_LOGINS_DAYS", "30")
    code, out, _ = run(capsys, "privacy", "retention", "--json")
    dry = json.loads(out)
    assert code == 0 and dry["applied"] is False and dry["periods"]["logins_days"] == 30
    assert dry["counts"]["login_lines"] == 1
    code, out, _ = run(capsys, "privacy", "retention", "--apply", "--json")
    assert code == 0 and json.loads(out)["counts"] == dry["counts"]
    code, out, _ = run(capsys, "privacy", "retention", "--json")
    assert json.loads(out)["counts"]["login_lines"] == 0
    code, out, _ = run(capsys, "privacy", "retention")
    assert code == 0 and "dry run" in out

    monkeypatch.setenv("SRC_DASH_RETENTION_LOGINS_DAYS", "soon")
    code, _, err = run(capsys, "privacy", "retention")
    assert code == 1 and "SRC_DASH_RETENTION_LOGINS_DAYS" in err
