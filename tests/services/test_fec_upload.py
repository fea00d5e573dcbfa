"""The FEC upload of the settings: kept, previewed (nothing written), re-previewed with the
accounts marked "not a customer", then confirmed; the choice is kept per company and used by
every later import (settings, sync now, `src-dash import-fec`); deletions need confirming."""

from __future__ import annotations

import json
import os
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from src_dash.access import AccessDenied, Viewer, viewer
from src_dash.analytics.ledger import clear_cache
from src_dash.cli import main
from src_dash.services.admin import SettingsError
from src_dash.services.auth import seed_demo_users
from src_dash.services.companies import sync_now
from src_dash.services.fec_import import import_fec_file, kept_not_customers
from src_dash.services.fec_upload import (
    PENDING,
    DeletionsNotConfirmed,
    confirm_fec,
    discard_fec,
    import_fec_upload,
    preview_fec,
    upload_fec,
)
from src_dash.services.fec_upload import import_fec_upload as reexported
from src_dash.sources.fec import FecError
from src_dash.store import AuditLog, Company, Customer, Entry, SyncRun, User
from src_dash.sync import register_company

TODAY = date(2026, 11, 22)
REAL = "000000000FEC20231231.txt"  # four "customers" that are all cash-receipt buckets
OTHER = "111111111FEC20221231.TXT"  # 34 real customers, nothing suspect
HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)


def fec_line(num: int, day: str, account: str, aux: str, name: str, debit: str, credit: str):
    """One FEC line (18 columns) of the sales journal."""
    label = "CLIENTS" if account.startswith("411") else "VENTES"
    return "\t".join(
        ["VT", "Ventes", str(num), day, account, label, aux, name, f"F{num}", day,
         f"Facture {num}", debit, credit, "", "", day, "", ""]
    )  # fmt: skip


def invoice(num: int, day: str, aux: str, name: str, amount: str) -> list[str]:
    """A balanced invoice: the customer's debit, the sales credit."""
    return [
        fec_line(num, day, "41100000", aux, name, amount, "0,00"),
        fec_line(num, day, "70600000", "", "", "0,00", amount),
    ]


def small_fec(invoices: list[tuple[int, str, str, str, str]]) -> bytes:
    """A small FEC file's bytes: a customer, a cash-receipt bucket, their invoices."""
    lines = [HEADER]
    for args in invoices:
        lines += invoice(*args)
    return ("\n".join(lines) + "\n").encode()


SMALL = [
    (1, "20240110", "DUPONT", "DUPONT SARL", "1200,00"),
    (2, "20240115", "DUPONT", "DUPONT SARL", "300,50"),
    (3, "20240120", "CAISSE", "RECETTE ESPECES", "80,00"),
    (4, "20240125", "MARTIN", "MARTIN ET FILS", "450,00"),
]


@pytest.fixture
def admins(store: Engine) -> dict[str, Viewer]:
    clear_cache()
    seed_demo_users(store)
    with store.connect() as conn:
        ids = dict(conn.execute(select(User.__table__.c.role, User.__table__.c.id)).all())
    return {role: viewer(store, user_id) for role, user_id in ids.items()}


def counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t.__table__)).scalar_one()
            for t in (Company, Customer, Entry, SyncRun)
        )


def customers_of(engine: Engine, code: str) -> list[str]:
    co, cu = Company.__table__, Customer.__table__
    with engine.connect() as conn:
        return sorted(
            conn.execute(
                select(cu.c.number).join(co, co.c.id == cu.c.company_id).where(co.c.code == code)
            ).scalars()
        )


def company_row(engine: Engine, code: str):  # noqa: ANN201
    co = Company.__table__
    with engine.connect() as conn:
        return conn.execute(select(co).where(co.c.code == code)).one()


def test_an_upload_is_kept_and_previewed_and_nothing_is_written(
    store: Engine, admins: dict[str, Viewer], fec_dir: Path, tmp_path: Path
):
    admin, before = admins["admin"], counts(store)
    data = (fec_dir / REAL).read_bytes()
    preview = upload_fec(store, admin, "fec1", f"../{REAL}", data, tmp_path, TODAY)
    assert counts(store) == before, "a preview writes nothing"
    assert preview.company == "FEC1" and preview.new_company
    assert preview.company_name == "SIREN 000000000"
    out = preview.outcome
    assert out.dry_run and out.file == REAL
    assert out.period == (date(2021, 1, 1), date(2023, 6, 30))
    assert (out.customers, out.receivable_balance) == (4, Decimal("27771.70"))
    assert out.changes.added == out.entries > 0 and out.changes.new_customers == 4
    assert out.changes.deleted == 0 and preview.deletions == 0
    assert out.warnings and "cash receipts" in out.warnings[0]
    assert [(a.key, a.name, a.suspect, a.kept, a.chosen) for a in preview.accounts] == [
        ("CCB", "RECETTE CB", True, False, False),
        ("CCHQ", "RECETTE CHQ", True, False, False),
        ("CESP", "RECETTE ESPECES", True, False, False),
        ("CVIR", "RECETTES VIREMENT", True, False, False),
    ]
    assert sum(a.balance for a in preview.accounts) == out.receivable_balance
    kept = tmp_path / preview.upload
    assert kept.read_bytes() == data and kept.parent.parent == tmp_path / "FEC1"
    assert (kept.parent / PENDING).is_file()

    ticked = preview_fec(store, admin, preview.upload, {"CCB", "CESP"}, tmp_path, TODAY)
    assert counts(store) == before
    out = ticked.outcome
    assert (out.customers, out.receivable_balance) == (2, Decimal("542.00"))
    assert out.not_customers == ("CCB", "CESP")
    [left_out] = out.excluded
    assert left_out.reason == "not_a_customer" and left_out.accounts == ("CCB", "CESP")
    assert left_out.amount == Decimal("27771.70") - Decimal("542.00")
    assert [(a.key, a.chosen) for a in ticked.accounts] == [
        ("CCB", True), ("CCHQ", False), ("CESP", True), ("CVIR", False)
    ]  # fmt: skip
    assert ticked.accounts[0].name == "RECETTE CB", "an account left out keeps its name"

    discard_fec(store, admin, preview.upload, tmp_path)
    assert not kept.exists() and counts(store) == before
    with pytest.raises(SettingsError, match="upload it again"):
        confirm_fec(store, admin, preview.upload, set(), folder=tmp_path, as_of=TODAY)


def test_the_confirmed_choice_is_kept_and_every_later_import_uses_it(
    store: Engine,
    admins: dict[str, Viewer],
    fec_dir: Path,
    tmp_path: Path,
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    admin = admins["admin"]
    data = (fec_dir / REAL).read_bytes()
    preview = upload_fec(store, admin, "FEC1", REAL, data, tmp_path, TODAY)
    done = confirm_fec(
        store, admin, preview.upload, ["CCB", "CESP"], company_name="Pizzeria du Port",
        folder=tmp_path, as_of=TODAY,
    )  # fmt: skip
    assert done.run.status == "ok" and done.run.mode == "fec" and done.run.added > 0
    assert done.outcome.customers == 2 and done.outcome.receivable_balance == Decimal("542.00")
    assert done.reconciliation is not None and done.reconciliation.ok
    assert done.reconciliation.difference == 0
    assert done.reconciliation.app_total == Decimal("542.00")
    assert customers_of(store, "FEC1") == ["CCHQ", "CVIR"]
    row = company_row(store, "FEC1")
    assert row.name == "Pizzeria du Port" and kept_not_customers(store, "FEC1") == ["CCB", "CESP"]
    assert not (tmp_path / Path(preview.upload).parent / PENDING).exists()
    a = AuditLog.__table__
    with store.connect() as conn:
        line = conn.execute(
            select(a).where(a.c.action == "company.import_fec").order_by(a.c.id.desc())
        ).first()
    assert line.user_id == admin.user_id and line.details["not_customers"] == ["CCB", "CESP"]

    # Sync now of the FEC company imports its file again, leaving the kept accounts out.
    again = sync_now(store, admin, row.id)
    assert (again.status, again.added, again.changed, again.deleted) == ("ok", 0, 0, 0)
    assert customers_of(store, "FEC1") == ["CCHQ", "CVIR"]
    assert company_row(store, "FEC1").name == "Pizzeria du Port", "a re-import keeps the name"

    # The next upload of the company shows them ticked and kept.
    second = upload_fec(store, admin, "FEC1", REAL, data, tmp_path, TODAY)
    assert [(a.key, a.kept, a.chosen) for a in second.accounts] == [
        ("CCB", True, True), ("CCHQ", False, False), ("CESP", True, True), ("CVIR", False, False)
    ]  # fmt: skip
    assert second.outcome.customers == 2 and not second.new_company
    assert second.company_name == "Pizzeria du Port"
    discard_fec(store, admin, second.upload, tmp_path)

    # The CLI leaves them out too, adds its own --not-customer, and keeps the lot.
    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path))
    code = main(["import-fec", str(fec_dir / REAL), "--company", "FEC1", "--dry-run"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0 and printed["customers"] == 2
    assert printed["not_customers"] == ["CCB", "CESP"]
    argv = ["import-fec", str(fec_dir / REAL), "--company", "FEC1", "--not-customer", "CVIR"]
    code = main(argv)  # CVIR's entries would go: that needs confirming
    printed = json.loads(capsys.readouterr().out)
    assert code == 1 and printed["would_change"]["deleted"] > 0
    assert kept_not_customers(store, "FEC1") == ["CCB", "CESP"], "a refused import keeps nothing"
    code = main([*argv, "--confirm-deletions"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0 and printed["customers"] == 1 and printed["not_customers"] == [
        "CCB", "CESP", "CVIR"
    ]  # fmt: skip
    assert printed["reconciliation"]["difference"] == "0.00"
    assert Decimal(printed["reconciliation"]["app_total"]) == Decimal(printed["receivable_balance"])
    assert kept_not_customers(store, "FEC1") == ["CCB", "CESP", "CVIR"]
    assert customers_of(store, "FEC1") == ["CCHQ", "CVIR"], "customers are never removed"

    # Unticking in the preview is the whole choice: the account is a customer again.
    third = upload_fec(store, admin, "FEC1", REAL, data, tmp_path, TODAY)
    assert [a.key for a in third.accounts if a.chosen] == ["CCB", "CESP", "CVIR"]
    undone = confirm_fec(store, admin, third.upload, [], folder=tmp_path, as_of=TODAY)
    assert undone.outcome.customers == 4 and undone.reconciliation.ok
    assert undone.reconciliation.app_total == Decimal("27771.70")
    assert kept_not_customers(store, "FEC1") == []


def test_deletions_need_confirming_and_a_refused_import_writes_nothing(
    store: Engine, admins: dict[str, Viewer], tmp_path: Path
):
    admin = admins["admin"]
    first = upload_fec(store, admin, "SMALL", "small.txt", small_fec(SMALL), tmp_path)
    assert first.outcome.customers == 3 and first.outcome.receivable_balance == Decimal("2030.50")
    assert [(a.key, a.name, a.suspect) for a in first.accounts] == [
        ("CAISSE", "RECETTE ESPECES", True)
    ]
    assert first.company_name == "small", "a file without SIREN is named after itself"
    done = confirm_fec(store, admin, first.upload, ["CAISSE"], folder=tmp_path, as_of=TODAY)
    assert (done.outcome.customers, done.outcome.entries, done.outcome.changes.added) == (2, 3, 3)
    assert done.reconciliation.ok and done.reconciliation.app_total == Decimal("1950.50")

    # The same year without invoice 2: importing it would delete its line of DUPONT.
    shorter = small_fec([SMALL[0], SMALL[2], SMALL[3]])
    second = upload_fec(store, admin, "small", "small.txt", shorter, tmp_path, TODAY)
    assert second.deletions == 1 and second.outcome.changes.added == 0
    assert second.outcome.receivable_balance == Decimal("1650.00")
    assert [(a.key, a.kept, a.chosen) for a in second.accounts] == [("CAISSE", True, True)]
    before = counts(store)
    with pytest.raises(DeletionsNotConfirmed) as refused:
        confirm_fec(store, admin, second.upload, ["CAISSE"], folder=tmp_path, as_of=TODAY)
    assert refused.value.outcome.changes.deleted == 1
    assert counts(store) == before, "a refused import writes nothing"
    done = confirm_fec(
        store, admin, second.upload, ["CAISSE"], confirm_deletions=True, folder=tmp_path,
        as_of=TODAY,
    )  # fmt: skip
    assert done.run.deleted == 1 and done.reconciliation.ok
    assert done.reconciliation.app_total == Decimal("1650.00")


def test_bad_files_other_roles_and_forged_uploads_are_refused(
    store: Engine, admins: dict[str, Viewer], fec_dir: Path, tmp_path: Path
):
    admin = admins["admin"]
    data = small_fec(SMALL)
    broken = data.replace(b"300,50", b"300,5x")
    register_company(store, "SAGE1", "Sage", "sage100", "DSN=x")
    before = counts(store)
    with pytest.raises(FecError) as error:
        upload_fec(store, admin, "SMALL", "small.txt", broken, tmp_path, TODAY)
    assert (error.value.line, error.value.column) == (4, "Debit")
    assert counts(store) == before and not list(tmp_path.rglob("small.txt")), "not kept"
    with pytest.raises(SettingsError) as empty:
        upload_fec(store, admin, "SMALL", "small.txt", b"", tmp_path)
    assert empty.value.field == "file"
    with pytest.raises(SettingsError) as code:
        upload_fec(store, admin, "no good", "small.txt", data, tmp_path)
    assert code.value.field == "code"
    with pytest.raises(SettingsError, match="Sage"):
        upload_fec(store, admin, "SAGE1", "small.txt", data, tmp_path)

    preview = upload_fec(store, admin, "SMALL", "small.txt", data, tmp_path, TODAY)
    others = [who for role, who in admins.items() if role != "admin"]
    assert {who.role for who in others} >= {"collector", "read_only"}
    for who in others:
        with pytest.raises(AccessDenied):
            upload_fec(store, who, "SMALL", "small.txt", data, tmp_path)
        with pytest.raises(AccessDenied):
            preview_fec(store, who, preview.upload, set(), tmp_path)
        with pytest.raises(AccessDenied):
            confirm_fec(store, who, preview.upload, set(), folder=tmp_path)
        with pytest.raises(AccessDenied):
            discard_fec(store, who, preview.upload, tmp_path)
    with pytest.raises(AccessDenied):
        confirm_fec(store, None, preview.upload, set(), folder=tmp_path)
    stamp = Path(preview.upload).parent.name
    for forged in ("../../etc/passwd", f"SMALL/{stamp}/../small.txt", f"SAGE1/{stamp}/small.txt"):
        with pytest.raises(SettingsError):
            confirm_fec(store, admin, forged, set(), folder=tmp_path)
    assert counts(store) == before
    assert (tmp_path / preview.upload).is_file()


def test_a_file_left_waiting_a_day_is_swept_and_the_one_step_import_still_works(
    store: Engine, admins: dict[str, Viewer], fec_dir: Path, tmp_path: Path
):
    admin = admins["admin"]
    waiting = upload_fec(store, admin, "OTHER", OTHER, (fec_dir / OTHER).read_bytes(), tmp_path)
    assert waiting.accounts == () and waiting.outcome.customers == 34
    marker = (tmp_path / waiting.upload).parent / PENDING
    day_ago = time.time() - 25 * 3600
    os.utime(marker, (day_ago, day_ago))
    assert reexported is import_fec_upload
    run = reexported(store, admin, "FEC1", REAL, (fec_dir / REAL).read_bytes(), tmp_path, TODAY)
    assert run.status == "ok" and run.added > 0
    assert not marker.parent.exists(), "swept"
    assert [p.name for p in tmp_path.rglob("*.t*")] == [REAL]
    assert not list(tmp_path.rglob(PENDING))
    # The CLI-only path of the service: a plain import keeps no choice when none is made.
    assert import_fec_file(store, fec_dir / REAL, "FEC1", as_of=TODAY).customers == 4
    assert kept_not_customers(store, "FEC1") == []
