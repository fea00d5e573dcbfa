"""FEC import into the store: balances equal the file's own 411 lines; idempotent; atomic."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import BigInteger, func, type_coerce
from sqlmodel import Session, select

from src_dash.services.fec_import import import_fec_file
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
