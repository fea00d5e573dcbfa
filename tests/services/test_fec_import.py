"""FEC import into the store: balances equal the file's own 411 lines; idempotent; atomic;
the report of the file comes back; a dry run writes nothing; deletions are confirmed."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import BigInteger, func, type_coerce
from sqlmodel import Session, select

from src_dash.services.fec_import import DeletionsNotConfirmed, import_fec_file
from src_dash.sources.fec import FecError
from src_dash.store import Company, Customer, Entry, SyncRun
from src_dash.sync import SyncError

FEC_FILES = ["111111111FEC20221231.TXT", "000000000FEC20231231.txt"]


def file_balances(path: Path) -> dict[str, Decimal]:
    """Debit minus credit per auxiliary account on the 411 lines, read with nothing but split."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("iso-8859-15")
    lines = [line for line in text.splitlines() if line.strip()]
    sep = "\t" if "\t" in lines[0] else "|"
    names = [n.strip().lower() for n in lines[0].split(sep)]
    col = {n: i for i, n in enumerate(names)}
    out: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines[1:]:
        f = [v.strip() for v in line.split(sep)]
        aux = f[col["compauxnum"]]
        if f[col["comptenum"]].startswith("411") and aux:
            debit = Decimal(f[col["debit"]].replace(",", ".") or "0")
            credit = Decimal(f[col["credit"]].replace(",", ".") or "0")
            out[aux] += debit - credit
    return dict(out)


def store_balances(engine, code: str) -> dict[str, Decimal]:
    with Session(engine) as s:
        rows = s.exec(
            select(Customer.number, func.sum(type_coerce(Entry.__table__.c.amount, BigInteger)))
            .join(Entry, Entry.customer_id == Customer.id)
            .join(Company, Company.id == Customer.company_id)
            .where(Company.code == code)
            .group_by(Customer.number)
        ).all()
    return {number: Decimal(cents) / 100 for number, cents in rows}


@pytest.mark.parametrize("name", FEC_FILES)
def test_every_customer_balance_equals_the_files_411_lines(store, fec_dir, today, name):
    path = fec_dir / name
    result = import_fec_file(store, path, "FEC1", as_of=today)
    assert result.status == "ok"
    expected = file_balances(path)
    assert expected, "the file has customer lines"
    assert store_balances(store, "FEC1") == expected
    with Session(store) as s:
        assert s.exec(select(func.count(Customer.id))).one() == len(expected)


@pytest.mark.parametrize("name", FEC_FILES)
def test_importing_the_same_file_again_changes_nothing(store, fec_dir, today, name):
    first = import_fec_file(store, fec_dir / name, "FEC1", as_of=today)
    assert first.added > 0
    again = import_fec_file(store, fec_dir / name, "FEC1", as_of=today)
    assert (again.added, again.changed, again.deleted) == (0, 0, 0)
    with Session(store) as s:
        runs = s.exec(select(SyncRun.status).order_by(SyncRun.id)).all()
    assert runs == ["ok", "ok"]


def test_a_bad_file_is_refused_with_line_and_column_and_nothing_written(
    store, fec_dir, tmp_path, today
):
    good = fec_dir / "111111111FEC20221231.TXT"
    import_fec_file(store, good, "FEC1", as_of=today)
    before = store_balances(store, "FEC1")
    lines = good.read_bytes().split(b"\n")
    fields = lines[40].split(b"|")
    fields[11] = b"12,3x"
    lines[40] = b"|".join(fields)
    bad = tmp_path / "111111111FEC20221231.TXT"
    bad.write_bytes(b"\n".join(lines))
    with pytest.raises(FecError) as err:
        import_fec_file(store, bad, "FEC1", as_of=today)
    message = str(err.value)
    assert "line 41" in message and "Debit" in message and "12,3x" in message
    assert store_balances(store, "FEC1") == before


def test_terms_days_give_due_dates_when_the_file_has_none(sqlite_store, fec_dir, today):
    import_fec_file(sqlite_store, fec_dir / "111111111FEC20221231.TXT", "FEC1", 45, as_of=today)
    with Session(sqlite_store) as s:
        debits = s.exec(select(Entry).where(Entry.amount > 0)).all()
    assert debits
    assert all(e.due_date == e.document_date + timedelta(days=45) for e in debits)


def test_a_fec_cannot_feed_a_sage_company(sqlite_store, fec_dir, today):
    from src_dash.sync import register_company

    register_company(sqlite_store, "SAGE1", "Sage", "sage100", "DRIVER={SQLite3};Database=x")
    with pytest.raises(SyncError, match="sage100"):
        import_fec_file(sqlite_store, fec_dir / FEC_FILES[0], "SAGE1", as_of=today)


# --- the report, the dry run, the deletions --------------------------------------------------


def runs_and_balances(engine, code: str = "FEC1") -> tuple[list[str], dict[str, Decimal], int]:
    with Session(engine) as s:
        runs = s.exec(select(SyncRun.status).order_by(SyncRun.id)).all()
        companies = s.exec(select(func.count(Company.id))).one()
    return runs, store_balances(engine, code), companies


def edited_copy(source: Path, target: Path, drop: set[int], edits: dict[int, bytes]) -> Path:
    """A copy of a real file without some lines and with others replaced (1-based numbers)."""
    lines = source.read_bytes().split(b"\n")
    out = [edits.get(i, line) for i, line in enumerate(lines, 1) if i not in drop]
    target.write_bytes(b"\n".join(out))
    return target


@pytest.mark.parametrize("name", FEC_FILES)
def test_the_outcome_reports_the_file_and_the_run(store, fec_dir, today, name):
    outcome = import_fec_file(store, fec_dir / name, "FEC1", as_of=today)
    assert outcome.status == "ok" and outcome.result is not None
    assert (outcome.added, outcome.run_id) == (outcome.result.added, outcome.result.run_id)
    # The receivable balance of the file is what the store now holds for its customers.
    assert outcome.receivable_balance == sum(store_balances(store, "FEC1").values())
    assert outcome.customer_balances == store_balances(store, "FEC1")
    data = outcome.as_dict()
    for key in ("company", "run_id", "status", "added", "changed", "deleted", "tables"):
        assert data[key] == outcome.result.as_dict()[key]
    assert data["dry_run"] is False and "would_change" not in data
    assert data["file"] == name and data["siren"] == name[:9]
    assert data["customers"] == len(file_balances(fec_dir / name))
    assert data["receivable_balance"] == str(outcome.receivable_balance)
    assert data["excluded"] == [] and isinstance(data["warnings"], list)


def test_the_report_carries_warnings_and_suspects(store, fec_dir, today):
    outcome = import_fec_file(store, fec_dir / FEC_FILES[1], "FEC1", as_of=today)
    assert outcome.suspect_customers == ["CCB", "CCHQ", "CESP", "CVIR"]
    assert outcome.as_dict()["warnings"] == outcome.warnings
    assert outcome.warnings[0].startswith("4 customer(s) look like accounts of cash receipts")
    assert outcome.encoding == "utf-8"


def test_not_customers_are_left_out_of_the_store(sqlite_store, fec_dir, today):
    outcome = import_fec_file(
        sqlite_store, fec_dir / FEC_FILES[1], "FEC1", as_of=today, not_customers=frozenset({"CCB"})
    )
    assert set(store_balances(sqlite_store, "FEC1")) == {"CCHQ", "CESP", "CVIR"}
    (excluded,) = outcome.as_dict()["excluded"]
    assert (excluded["reason"], excluded["accounts"], excluded["lines"]) == (
        "not_a_customer",
        ["CCB"],
        134,
    )


def test_a_dry_run_writes_nothing_and_says_what_an_import_would_do(store, fec_dir, today):
    path = fec_dir / FEC_FILES[0]
    dry = import_fec_file(store, path, "FEC1", as_of=today, dry_run=True)
    assert runs_and_balances(store) == ([], {}, 0)
    assert (dry.status, dry.run_id, dry.result) == ("dry_run", None, None)
    data = dry.as_dict()
    assert data["dry_run"] is True and data["status"] == "dry_run"
    assert data["would_change"] == {
        "added": 151,
        "changed": 0,
        "deleted": 0,
        "unchanged": 0,
        "new_customers": 34,
    }
    assert data["period"] == {"start": "2023-01-01", "end": "2023-07-31"}
    assert data["company_name"] == "SIREN 111111111"
    done = import_fec_file(store, path, "FEC1", as_of=today)
    assert (done.added, done.changed, done.deleted) == (151 + 34, 0, 0)  # entries + customers
    again = import_fec_file(store, path, "FEC1", as_of=today, dry_run=True)
    assert again.changes.as_dict() == {
        "added": 0,
        "changed": 0,
        "deleted": 0,
        "unchanged": 151,
        "new_customers": 0,
    }


def test_an_import_that_would_delete_entries_needs_a_confirmation(store, fec_dir, tmp_path, today):
    source = fec_dir / FEC_FILES[0]
    import_fec_file(store, source, "FEC1", as_of=today)
    before = runs_and_balances(store)
    # Next month's file: an invoice (and its lines) gone, another line lettered since.
    lines = source.read_bytes().split(b"\n")
    assert lines[79].split(b"|")[4] == b"41100000" and lines[79].split(b"|")[13] == b"  "
    lettered = lines[79].split(b"|")
    lettered[13], lettered[14] = b"ZZ", b"20230401"
    newer = edited_copy(
        source, tmp_path / FEC_FILES[0], drop={6, 7}, edits={80: b"|".join(lettered)}
    )
    dry = import_fec_file(store, newer, "FEC1", as_of=today, dry_run=True)
    assert (dry.changes.added, dry.changes.changed, dry.changes.deleted) == (0, 1, 1)
    with pytest.raises(DeletionsNotConfirmed) as refused:
        import_fec_file(store, newer, "FEC1", as_of=today)
    assert str(refused.value) == (
        "importing 111111111FEC20221231.TXT would delete 1 entry of FEC1 posted from "
        "2023-01-01 to 2023-07-31 that the file no longer has; confirm the deletions to import it"
    )
    assert refused.value.outcome.changes == dry.changes
    assert isinstance(refused.value, SyncError)
    assert runs_and_balances(store) == before
    done = import_fec_file(store, newer, "FEC1", as_of=today, confirm_deletions=True)
    assert done.tables["entries"].as_dict() == {
        "added": 0,
        "changed": 1,
        "deleted": 1,
        "unchanged": 149,
    }


def test_an_amount_too_large_for_the_store_is_refused_before_anything_is_written(
    store, fec_dir, tmp_path, today
):
    source = fec_dir / FEC_FILES[1]
    lines = source.read_bytes().split(b"\n")
    fields = lines[50].split(b"\t")
    fields[11] = b"99999999999999999,99"
    lines[50] = b"\t".join(fields)
    bad = tmp_path / FEC_FILES[1]
    bad.write_bytes(b"\n".join(lines))
    with pytest.raises(FecError) as err:
        import_fec_file(store, bad, "FEC1", as_of=today)
    assert (err.value.line, err.value.column) == (51, "Debit")
    assert "too large" in err.value.message
    assert runs_and_balances(store) == ([], {}, 0)  # no company, no run
