"""The FEC upload of the settings in Chromium: a dropped file is previewed (nothing written),
an account ticked "pas un client" updates the figures, "Importer" imports with that choice and
shows the reconciliation; the next upload of the company shows the choice kept, a new tick that
would delete entries needs its confirmation, "Annuler" imports nothing. Screenshots at phone and
desktop sizes go to test-artifacts/screenshots."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from e2e.helpers import DESKTOP, LOAD_TIMEOUT, PHONE, fr_eur, full_page_shot, log_in_as, squash
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from src_dash.store import Company, Customer, Entry, SyncRun

pytestmark = pytest.mark.e2e

ROUTE = "/reglages"
FEC_FILE = "000000000FEC20231231.txt"  # four "customers": RECETTE CB, CHQ, ESPECES, VIREMENT
CODE = "FECPRV"


def open_companies(page: Page, app, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    log_in_as(page, app.frontend_url, "admin", next_path=f"{ROUTE}?tab=companies")
    expect(page).to_have_url(re.compile(rf"{ROUTE}\?tab=companies$"), timeout=LOAD_TIMEOUT)
    expect(page.locator("#fec-section")).to_be_visible(timeout=LOAD_TIMEOUT)


def drop(page: Page, path: Path) -> None:
    """Type the company code, then drop the file (the code must reach the server first)."""
    page.locator("#fec-company").fill(CODE)
    page.locator("#fec-company").press("Tab")
    page.wait_for_timeout(1500)
    page.locator("#fec-upload input[type=file]").set_input_files(str(path))
    expect(page.locator("#fec-preview")).to_be_visible(timeout=LOAD_TIMEOUT)


def account(page: Page, key: str):  # noqa: ANN201
    return page.locator(f".fec-account[data-key={key}]")


def balance_of(path: Path, key: str) -> Decimal:
    """Debit - credit of an auxiliary account's 411 lines, read with nothing but split."""
    lines = path.read_text(encoding="utf-8").splitlines()
    col = {name: i for i, name in enumerate(lines[0].split("\t"))}
    total = Decimal("0.00")
    for line in lines[1:]:
        f = line.split("\t")
        if f[col["CompteNum"]].startswith("411") and f[col["CompAuxNum"]] == key:
            total += Decimal(f[col["Debit"]].replace(",", ".") or "0")
            total -= Decimal(f[col["Credit"]].replace(",", ".") or "0")
    return total


def stored(engine: Engine) -> tuple[list[str], list[str], int, int]:
    """(not customers kept, customer numbers, entries, runs) of the company."""
    co, cu, en = Company.__table__, Customer.__table__, Entry.__table__
    with engine.connect() as conn:
        row = conn.execute(select(co.c.id, co.c.not_customers).where(co.c.code == CODE)).first()
        runs = conn.execute(select(func.count()).select_from(SyncRun.__table__)).scalar_one()
        if row is None:
            return [], [], 0, runs
        numbers = sorted(
            conn.execute(select(cu.c.number).where(cu.c.company_id == row.id)).scalars()
        )
        entries = conn.execute(
            select(func.count()).select_from(en).where(en.c.company_id == row.id)
        ).scalar_one()
    return sorted(row.not_customers), numbers, entries, runs


def test_an_admin_previews_a_fec_marks_a_cash_account_and_imports_it(
    app, page: Page, engine: Engine, fec_dir: Path, tmp_path: Path, screenshots_dir: Path
) -> None:
    file = tmp_path / FEC_FILE
    file.write_bytes((fec_dir / FEC_FILE).read_bytes())
    _, _, _, runs_before = stored(engine)

    open_companies(page, app, DESKTOP)
    drop(page, file)
    expect(page.locator("#fec-preview-file")).to_contain_text(FEC_FILE)
    expect(page.locator("#fec-preview-period")).to_have_text("du 01/01/2021 au 30/06/2023")
    expect(page.locator("#fec-preview-company")).to_have_text(f"{CODE} (nouvelle société)")
    expect(page.locator("#fec-company-name")).to_have_value("SIREN 000000000")
    expect(page.locator("#fec-preview-customers")).to_have_text("4")
    expect(page.locator("#fec-preview-balance")).to_have_text(fr_eur("27771.70"))
    expect(page.locator("#fec-preview-excluded")).to_contain_text("Aucune ligne")
    expect(page.locator("#fec-preview-warnings")).to_contain_text("cash receipts")
    expect(page.locator(".fec-account")).to_have_count(4)
    expect(account(page, "CCB")).to_contain_text("RECETTE CB")
    expect(account(page, "CCB")).to_contain_text("ressemble à une caisse")
    for key in ("CCB", "CCHQ", "CESP", "CVIR"):
        expect(account(page, key).get_by_role("checkbox")).to_have_attribute(
            "data-state", "unchecked"
        )
    expect(page.locator("#fec-preview-new-customers")).to_have_text("4 nouveau(x) client(s)")
    expect(page.locator("#fec-preview-deletions")).to_have_count(0)
    assert stored(engine)[1:] == ([], 0, runs_before), "a preview writes nothing"
    full_page_shot(page, screenshots_dir / "settings-fec-preview-desktop.png")

    # Ticking an account runs the preview again without it.
    ccb = account(page, "CCB")
    ccb_balance = balance_of(file, "CCB")
    expect(ccb).to_contain_text(fr_eur(ccb_balance))
    ccb.get_by_role("checkbox").click()
    expect(page.locator("#fec-preview-customers")).to_have_text("3", timeout=LOAD_TIMEOUT)
    expect(page.locator("#fec-preview-balance")).to_have_text(
        fr_eur(Decimal("27771.70") - ccb_balance)
    )
    excluded = page.locator(".fec-excluded[data-reason=not_a_customer]")
    expect(excluded).to_contain_text("Comptes écartés comme n'étant pas des clients")
    expect(excluded).to_contain_text("CCB")
    expect(excluded).to_contain_text(fr_eur(ccb_balance))
    expect(ccb.get_by_role("checkbox")).to_have_attribute("data-state", "checked")
    assert stored(engine)[1:] == ([], 0, runs_before)

    page.locator("#fec-company-name").fill("Pizzeria du Port")
    page.locator("#fec-company-name").press("Tab")
    page.wait_for_timeout(500)
    page.locator("#fec-import").click()
    expect(page.locator("#fec-done")).to_contain_text(
        f"{FEC_FILE} importé dans {CODE}", timeout=LOAD_TIMEOUT
    )
    expect(page.locator("#fec-reconciliation")).to_contain_text(f"écart {fr_eur('0')}")
    expect(page.locator("#fec-reconciliation")).to_contain_text(
        fr_eur(Decimal("27771.70") - ccb_balance)
    )
    expect(page.locator("#fec-preview")).to_have_count(0)
    card = page.locator(f"[data-testid=settings-company][data-code={CODE}]")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Pizzeria du Port")
    kept, numbers, entries, runs = stored(engine)
    assert kept == ["CCB"] and numbers == ["CCHQ", "CESP", "CVIR"] and entries > 0
    assert runs == runs_before + 1
    full_page_shot(page, screenshots_dir / "settings-fec-imported-desktop.png")


def test_the_next_upload_shows_the_choice_kept_and_deletions_need_confirming(
    app, page: Page, engine: Engine, fec_dir: Path, tmp_path: Path, screenshots_dir: Path
) -> None:
    file = tmp_path / FEC_FILE
    file.write_bytes((fec_dir / FEC_FILE).read_bytes())
    kept, numbers, entries, runs_before = stored(engine)
    assert kept == ["CCB"], "the test above imported the file with CCB set aside"

    open_companies(page, app, PHONE)
    drop(page, file)
    expect(page.locator("#fec-preview-company")).to_contain_text(f"{CODE} · Pizzeria du Port")
    expect(page.locator("#fec-company-name")).to_have_count(0)
    expect(page.locator("#fec-preview-customers")).to_have_text("3")
    expect(account(page, "CCB").get_by_role("checkbox")).to_have_attribute("data-state", "checked")
    expect(account(page, "CCB")).to_contain_text("écarté aux imports précédents")
    expect(page.locator("#fec-preview-changes")).to_contain_text("0 ajoutées")
    expect(page.locator("#fec-preview-changes")).to_contain_text("0 supprimées")

    # Setting CVIR aside would delete its entries already imported: that needs confirming.
    account(page, "CVIR").get_by_role("checkbox").click()
    expect(page.locator("#fec-preview-customers")).to_have_text("2", timeout=LOAD_TIMEOUT)
    deletions = page.locator("#fec-preview-deletions")
    expect(deletions).to_be_visible()
    said = squash(deletions.text_content())
    n = int(re.search(r"supprimera (\d+) écriture", said).group(1))
    assert n > 0
    expect(page.locator("#fec-import")).to_be_disabled()
    page.locator("#fec-confirm-deletions").click()
    expect(page.locator("#fec-import")).to_be_enabled()
    full_page_shot(page, screenshots_dir / "settings-fec-preview-phone.png")
    page.locator("#fec-import").click()
    expect(page.locator("#fec-done")).to_contain_text(f"{n} supprimées", timeout=LOAD_TIMEOUT)
    expect(page.locator("#fec-reconciliation")).to_contain_text(f"écart {fr_eur('0')}")
    full_page_shot(page, screenshots_dir / "settings-fec-imported-phone.png")
    kept, numbers, after, runs = stored(engine)
    assert kept == ["CCB", "CVIR"] and after == entries - n and runs == runs_before + 1

    # A preview cancelled imports nothing. (A file input fires no change for the same path.)
    again = tmp_path / "again" / FEC_FILE
    again.parent.mkdir()
    again.write_bytes(file.read_bytes())
    drop(page, again)
    expect(account(page, "CVIR").get_by_role("checkbox")).to_have_attribute("data-state", "checked")
    account(page, "CCHQ").get_by_role("checkbox").click()
    expect(page.locator("#fec-preview-customers")).to_have_text("1", timeout=LOAD_TIMEOUT)
    page.locator("#fec-cancel").click()
    expect(page.locator("#fec-done")).to_contain_text("rien n'a été importé")
    expect(page.locator("#fec-preview")).to_have_count(0)
    assert stored(engine) == (["CCB", "CVIR"], numbers, after, runs)
