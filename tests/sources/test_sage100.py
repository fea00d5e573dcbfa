"""The Sage 100 connector, through unixODBC and the SQLite ODBC driver, on a demo base."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from src_dash.sources.demo import DemoCompanySpec, build_demo_base, odbc_connection_string
from src_dash.sources.sage100 import Sage100Error, Sage100Reader, Window
from src_dash.sources.sql_dialect import SQL_SERVER, SQLITE, as_date, as_datetime

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def base_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sage") / "DEMO2.sqlite"
    spec = DemoCompanySpec(
        code="DEMO2", name="Provence Emballages", customers=30, entries=None, seed=11
    )
    build_demo_base(path, spec, TODAY)
    return path


@pytest.fixture
def base(base_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "DEMO2.sqlite"
    shutil.copy(base_template, path)
    return path


def reader(base: Path) -> Sage100Reader:
    return Sage100Reader(odbc_connection_string(base))


def all_entries(r: Sage100Reader, window: Window | None = None) -> list:
    period = open_years(r)
    return r.entries(period, window)


def open_years(r: Sage100Reader) -> tuple[date, date]:
    years = [y for y in r.company().fiscal_years if y.is_open]
    return min(y.start for y in years), max(y.end for y in years)


def test_empty_dates_are_none_whatever_sentinel_sage_wrote():
    for empty in (None, "", "1753-01-01 00:00:00", datetime(1900, 1, 1), date(1753, 1, 1)):
        assert as_date(empty) is None
        assert as_datetime(empty) is None
    assert as_date("2026-03-04 00:00:00") == date(2026, 3, 4)
    assert as_datetime("2026-03-04 10:31:00") == datetime(2026, 3, 4, 10, 31)


def test_the_dialects_differ_only_in_hints_encoding_and_date_parameters():
    assert SQL_SERVER.table("F_ECRITUREC") == "F_ECRITUREC WITH (NOLOCK)"
    assert SQLITE.table("F_ECRITUREC") == "F_ECRITUREC"
    assert SQL_SERVER.text_encoding == "cp1252"
    stamp = datetime(2026, 11, 21, 10, 31)
    assert SQL_SERVER.datetime_param(stamp) is stamp
    assert SQLITE.datetime_param(stamp) == "2026-11-21 10:31:00"


def test_company_and_fiscal_years_come_from_p_dossier(base):
    with reader(base) as r:
        assert r.dialect is SQLITE
        info = r.company()
    years = [(y.start, y.end, y.is_open) for y in info.fiscal_years]
    assert years == [
        (date(2024, 1, 1), date(2024, 12, 31), False),
        (date(2025, 1, 1), date(2025, 12, 31), True),
        (date(2026, 1, 1), date(2026, 12, 31), True),
    ]
    assert info.currency == "EUR" and info.name


def test_only_customers_are_read_with_their_free_fields_and_accents(base):
    conn = sqlite3.connect(base)
    expected = {
        r[0]: r[1]
        for r in conn.execute("SELECT CT_Num, CT_Intitule FROM F_COMPTET WHERE CT_Type = 0")
    }
    suppliers = {r[0] for r in conn.execute("SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 1")}
    conn.close()
    assert suppliers
    with reader(base) as r:
        customers = r.customers()
        free = r.free_fields()
    assert {c.key: c.name for c in customers} == expected
    assert any(any(ch in c.name for ch in "éèçàôœ") for c in customers)
    assert "Fidélité" in free and "Segment" in free
    assert "Ancien code" not in free  # deleted in Sage (CB_Type 0), its column is gone
    assert "Code affaire" not in free  # a free field of F_ECRITUREC, not of customers
    assert all(set(free) <= set(c.free_fields) for c in customers)
    assert any(c.free_fields["Fidélité"] for c in customers)
    assert sum(c.do_not_dun for c in customers) == 1
    assert any(c.dormant for c in customers)
    assert {c.currency for c in customers} >= {"USD", "GBP", "CHF"}


def test_entries_are_customer_lines_of_the_open_years_signed_by_ec_sens(base):
    conn = sqlite3.connect(base)
    rows = conn.execute(
        "SELECT cbMarq, EC_Sens, EC_Montant, EC_Echeance FROM F_ECRITUREC "
        "WHERE CT_Num IN (SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0) "
        "AND JM_Date >= '2025-01-01' AND JM_Date <= '2026-12-31 23:59:59'"
    ).fetchall()
    closed = conn.execute(
        "SELECT COUNT(*) FROM F_ECRITUREC WHERE JM_Date < '2025-01-01' AND CT_Num IN "
        "(SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0)"
    ).fetchone()[0]
    conn.close()
    assert closed > 0  # the closed year's lines exist in the base but are not read
    with reader(base) as r:
        entries = {e.key: e for e in all_entries(r)}
    assert set(entries) == {row[0] for row in rows}
    for key, sens, amount, due in rows:
        e = entries[key]
        assert e.amount == (Decimal(str(amount)) * (-1 if sens == 1 else 1)).quantize(
            Decimal("0.01")
        )
        if due is None or due[:4] in ("1753", "1900"):
            assert e.due_date is None
    assert any(e.carried_forward for e in entries.values())
    assert any(e.currency in ("USD", "GBP", "CHF") and e.amount_currency for e in entries.values())
    assert any(e.lettered and e.lettering_code for e in entries.values())
    assert any(not e.lettered and e.settled_amount for e in entries.values())  # partial payments
    posting = [e.posting_date for e in entries.values()]
    assert min(posting) >= date(2025, 1, 1) and max(posting) <= TODAY


def test_entry_free_fields_are_read_as_text_by_their_bracketed_names(base):
    # Two more free fields of F_ECRITUREC, a date and an amount, as Sage adds them: a column
    # and a cbSysLibre row; a deleted one (CB_Type 0) keeps its column but is not read.
    conn = sqlite3.connect(base)
    conn.execute('ALTER TABLE F_ECRITUREC ADD COLUMN "Date livrée" datetime NULL')
    conn.execute('ALTER TABLE F_ECRITUREC ADD COLUMN "Frais annexes" numeric(24,6) NULL')
    conn.execute('ALTER TABLE F_ECRITUREC ADD COLUMN "Ancien" varchar(21) NULL')
    conn.executemany(
        "INSERT INTO cbSysLibre (CB_File, CB_Name, CB_Pos, CB_Type, CB_Len, CB_Flag, CB_Formule, "
        "CB_Creator) VALUES ('F_ECRITUREC', ?, ?, ?, 8, 0, '', 'TEST')",
        [("Date livrée", 3, 14), ("Frais annexes", 4, 20), ("Ancien", 5, 0)],
    )
    scope = (
        "CT_Num IN (SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0) "
        "AND substr(JM_Date, 1, 4) >= '2025'"
    )
    first, second = (
        r[0]
        for r in conn.execute(
            f"SELECT cbMarq FROM F_ECRITUREC WHERE {scope} AND \"N° commande\" = '' "
            "ORDER BY cbMarq LIMIT 2"
        )
    )
    conn.execute(
        'UPDATE F_ECRITUREC SET "Date livrée" = \'2026-03-04 00:00:00\', "Frais annexes" = 12.5, '
        "\"Ancien\" = 'x' WHERE cbMarq = ?",
        (first,),
    )
    conn.execute(
        "UPDATE F_ECRITUREC SET \"Date livrée\" = '1900-01-01 00:00:00', \"N° commande\" = ' ' "
        "WHERE cbMarq = ?",
        (second,),
    )
    orders = {
        r[0]: r[1]
        for r in conn.execute(
            f'SELECT cbMarq, "N° commande" FROM F_ECRITUREC WHERE {scope} AND "N° commande" <> \'\''
        )
    }
    conn.commit()
    conn.close()
    with reader(base) as r:
        assert r.entry_free_fields() == [
            "Code affaire",
            "N° commande",
            "Date livrée",
            "Frais annexes",
        ]
        entries = {e.key: e for e in all_entries(r)}
    assert entries[first].free_fields == {"Date livrée": "2026-03-04", "Frais annexes": "12.50"}
    # A sentinel date and blanks are no value: left out.
    assert entries[second].free_fields == {}
    got = {
        k: e.free_fields["N° commande"]
        for k, e in entries.items()
        if "N° commande" in e.free_fields
    }
    assert got == {k: v for k, v in orders.items() if v.strip()}
    # DEMO2 numbers its customers: no affair codes; only invoices carry an order number.
    assert all("Code affaire" not in e.free_fields for e in entries.values())
    assert all(e.amount > 0 for e in entries.values() if "N° commande" in e.free_fields)


def test_a_window_reads_new_rows_and_rows_changed_since(base):
    with reader(base) as r:
        mark = r.watermark("F_ECRITUREC")
    conn = sqlite3.connect(base)
    scope = (
        "CT_Num IN (SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0) "
        "AND JM_Date >= '2025-01-01 00:00:00'"
    )
    query = f"SELECT MIN(cbMarq) FROM F_ECRITUREC WHERE {scope}"
    target = conn.execute(query).fetchone()[0]
    conn.execute("UPDATE F_ECRITUREC SET EC_Intitule = 'modifiée' WHERE cbMarq = ?", (target,))
    conn.commit()
    conn.close()
    with reader(base) as r:
        now = r.watermark("F_ECRITUREC")
        window = Window(
            after_marq=mark.max_marq,
            since=now.max_modified - timedelta(minutes=2),
            upto_marq=now.max_marq,
        )
        changed = all_entries(r, window)
    assert target in {e.key for e in changed}
    assert next(e for e in changed if e.key == target).label == "modifiée"
    assert len(changed) < 50  # only what moved in the last minutes, not the whole ledger


def test_an_unreachable_base_is_a_clear_error(tmp_path):
    with pytest.raises(Sage100Error, match="cannot connect"):
        Sage100Reader("DRIVER={No Such Driver};Database=" + str(tmp_path / "x.sqlite"))
