"""The invariant through the Sage path: generated F_ECRITUREC rows, synced, add up to the books.

Hypothesis writes random customer lines into a copy of the Sage-shaped demo base (real table and
column names, read through unixODBC and the SQLite ODBC driver), runs the real sync
(`sync_company`), then, at random as-of dates D, checks for every customer that the residuals of
the open items add up to debit - credit of its lines posted by D in the open fiscal years (2025
and 2026; 2024 is closed), that the aging buckets add up to the same total, and that the
reconciliation finds no gap. It then changes the base as Sage does (letters groups, reverses a
lettering, deletes a line, adds a payment) and checks again after an incremental sync.

The rows hold: invoices with split due dates (two EC_Echeance of one piece), full payments
(EC_Lettre = 1, one EC_Lettrage code), lettering that does not net to zero, partial lettering
(lowercase code, EC_Lettre = 0), Sage settled amounts (EC_MontantRegle) that balance or not,
credit notes (EC_Sens = 1), 416 lines, carried-forward lines (journal RAN, EC_ANType = 1: the
opening of 2025, counted, and the carry into 2026 while 2025 is still open, not counted), lines
in the closed year lettered with a payment of the open years, and lines of a supplier.

The expected figures are computed here from the generated rows, not through the connector.
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
from analytics.invariant_helpers import (
    assert_aging_adds_up,
    assert_reconciled,
    residuals_by_customer,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sage_helpers import register
from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import clear_cache, get_ledger
from src_dash.analytics.scope import Scope
from src_dash.store import Company, Entry
from src_dash.sync import sync_company

TODAY = date(2026, 11, 22)
CLOSED = date(2024, 1, 1)  # the closed fiscal year 2024
OPEN_FROM = date(2025, 1, 1)
NEXT_YEAR = date(2026, 1, 1)
OPEN_TO = date(2026, 12, 31)
DAYS = (OPEN_TO - CLOSED).days
_bases = itertools.count(1)


@dataclass
class Row:
    """One generated F_ECRITUREC line of a customer (or of a supplier)."""

    customer: int  # index into the base's customers; -1: a supplier
    journal: str
    posted: date
    amount: int  # cents, debit +
    due: date | None = None
    code: str = ""
    lettered: bool = False
    settled: int = 0  # EC_MontantRegle, signed like the amount
    settled_on: date | None = None
    carried: bool = False  # EC_ANType = 1
    doubtful: bool = False  # CG_Num 416

    @property
    def counts(self) -> bool:
        """Whether the line is a customer's, in the open years, and not a later carry-forward."""
        return (
            self.customer >= 0
            and OPEN_FROM <= self.posted <= OPEN_TO
            and not (self.carried and self.posted > OPEN_FROM)
        )


def day(n: int) -> date:
    return CLOSED + timedelta(days=n)


cents = st.integers(min_value=1, max_value=3_000_000)
codes = (f"{a}{b}" for a in "ABCDEFGHJKLMNPQRSTUVWXYZ" for b in "ABCDEFGHJKLMNPQRSTUVWXYZ")


@st.composite
def story(draw: st.DrawFn, customer: int, code: str) -> list[Row]:
    """An invoice and what happened to it."""
    amount = draw(cents)
    posted = day(draw(st.integers(min_value=0, max_value=DAYS)))
    due = posted + timedelta(days=draw(st.sampled_from([0, 30, 45, 60])))
    invoice = [Row(customer, "VTE", posted, amount, due)]
    if amount > 1 and draw(st.booleans()):  # two due dates of one piece
        part = draw(st.integers(min_value=1, max_value=amount - 1))
        invoice[0].amount = amount - part
        invoice.append(Row(customer, "VTE", posted, part, due + timedelta(days=30)))
    paid_on = min(posted + timedelta(days=draw(st.integers(min_value=0, max_value=200))), OPEN_TO)
    kind = draw(
        st.sampled_from(
            [
                "open",
                "paid",
                "partial_lowercase",
                "lettered_difference",
                "lettered_alone",
                "credit_note",
                "unlettered_payment",
                "settled_balanced",
                "settled_one_side",
                "doubtful",
                "closed_year_paid_later",
            ]
        )
    )
    if kind == "open":
        return invoice
    if kind == "paid":
        payment = Row(customer, "BQ1", paid_on, -amount)
        for row in [*invoice, payment]:
            row.code, row.lettered = code, True
        return [*invoice, payment]
    if kind == "partial_lowercase":
        part = draw(st.integers(min_value=1, max_value=amount))
        payment = Row(customer, "BQ1", paid_on, -part)
        for row in [*invoice, payment]:
            row.code = code.lower()
        return [*invoice, payment]
    if kind in ("lettered_difference", "lettered_alone"):
        rows = list(invoice)
        if kind == "lettered_difference":
            gap = draw(st.integers(min_value=-amount + 1, max_value=amount)) or 1
            rows.append(Row(customer, "BQ1", paid_on, -(amount - gap)))
        for row in rows:
            row.code, row.lettered = code, True
        return rows
    if kind == "credit_note":
        note = draw(st.integers(min_value=1, max_value=amount))
        return [*invoice, Row(customer, "VTE", paid_on, -note, paid_on)]
    if kind == "unlettered_payment":
        return [*invoice, Row(customer, "BQ1", paid_on, -draw(cents))]
    if kind in ("settled_balanced", "settled_one_side"):
        first = invoice[0].amount
        part = draw(st.integers(min_value=1, max_value=first))
        invoice[0].settled, invoice[0].settled_on = part, paid_on
        payment = Row(customer, "BQ1", paid_on, -part)
        if kind == "settled_balanced":
            payment.settled, payment.settled_on = -part, paid_on
        return [*invoice, payment]
    if kind == "doubtful":  # moved to 416, perhaps paid there
        moved = sum(r.amount for r in invoice)
        rows = [
            *invoice,
            Row(customer, "OD", paid_on, -moved, paid_on),
            Row(customer, "OD", paid_on, moved, paid_on, doubtful=True),
        ]
        if draw(st.booleans()):
            part = draw(st.integers(min_value=1, max_value=moved))
            rows.append(Row(customer, "BQ1", paid_on, -part, doubtful=True))
        return rows
    # An invoice of the closed year, carried into 2025 by a RAN line, lettered with a payment of
    # the open years (the three lines share the code).
    old = date(2024, draw(st.integers(min_value=1, max_value=12)), 10)
    total = sum(r.amount for r in invoice)
    paid = day(draw(st.integers(min_value=(OPEN_FROM - CLOSED).days, max_value=DAYS)))
    rows = [
        Row(customer, "VTE", old, total, old + timedelta(days=30)),
        Row(customer, "RAN", OPEN_FROM, total, old + timedelta(days=30), carried=True),
        Row(customer, "BQ1", paid, -total),
    ]
    for row in rows:
        row.code, row.lettered = code, True
    return rows


@st.composite
def ledgers(draw: st.DrawFn, customers: int) -> list[Row]:
    rows: list[Row] = []
    carry_2026 = draw(st.booleans())  # the 2026 year opened in Sage while 2025 is still open
    for customer in draw(
        st.lists(st.integers(0, customers - 1), min_size=1, max_size=4, unique=True)
    ):
        for _ in range(draw(st.integers(min_value=0, max_value=5))):
            rows += draw(story(customer, next(codes)))
        if draw(st.booleans()):  # the opening of 2025, and the carry into 2026
            balance = draw(st.integers(min_value=-500_000, max_value=3_000_000)) or 1
            rows.append(Row(customer, "RAN", OPEN_FROM, balance, OPEN_FROM, carried=True))
            if carry_2026:
                rows.append(Row(customer, "RAN", NEXT_YEAR, balance, NEXT_YEAR, carried=True))
    # 2025 has an ordinary line: the 2026 carry-forward then repeats lines the store has.
    if not any(not r.carried and OPEN_FROM <= r.posted < NEXT_YEAR for r in rows):
        rows.append(Row(0, "VTE", OPEN_FROM, 12345, OPEN_FROM + timedelta(days=30)))
    if draw(st.booleans()):  # a supplier's lines are no customer's
        rows.append(Row(-1, "ACH", day(draw(st.integers(0, DAYS))), -draw(cents)))
    return rows


def _stamp(value: date | None) -> str | None:
    return f"{value.isoformat()} 00:00:00" if value else None


COLUMNS = (
    "EC_No, JO_Num, JM_Date, EC_Jour, EC_Date, EC_Piece, EC_RefPiece, EC_Intitule, CG_Num, "
    "CT_Num, EC_Echeance, EC_Sens, EC_Montant, EC_Lettre, EC_Lettrage, EC_StatusRegle, "
    "EC_MontantRegle, EC_DateRegle, EC_ANType"
)


def write_base(base: Path, rows: list[Row]) -> tuple[list[str], list[int]]:
    """Replace the base's entries by `rows`; return the customer numbers used and the cbMarq of
    each row."""
    conn = sqlite3.connect(base)
    numbers = [r[0] for r in conn.execute("SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0 LIMIT 4")]
    supplier = conn.execute("SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 1 LIMIT 1").fetchone()[0]
    conn.execute("DELETE FROM F_ECRITUREC")
    marqs = []
    for n, r in enumerate(rows, start=1):
        account = "4010000" if r.customer < 0 else "4160000" if r.doubtful else "4110000"
        settled_status = 0 if not r.settled else 2 if r.settled == r.amount else 1
        values = (
            n,
            r.journal,
            _stamp(r.posted.replace(day=1)),
            r.posted.day,
            _stamp(r.posted),
            f"P{n}",
            f"F{n}",
            f"line {n}",
            account,
            supplier if r.customer < 0 else numbers[r.customer],
            _stamp(r.due) or "1753-01-01 00:00:00",
            0 if r.amount > 0 else 1,
            abs(r.amount) / 100,
            1 if r.lettered else 0,
            r.code,
            2 if r.lettered else settled_status,
            abs(r.settled) / 100,
            _stamp(r.settled_on) or "1753-01-01 00:00:00",
            1 if r.carried else 0,
        )
        cur = conn.execute(
            f"INSERT INTO F_ECRITUREC ({COLUMNS}) VALUES ({', '.join('?' * 19)})",
            values,
        )
        marqs.append(cur.lastrowid)
    conn.commit()
    conn.close()
    return numbers, marqs


def expected(rows: list[Row], numbers: list[str], as_of: date) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.counts and r.posted <= as_of:
            totals[numbers[r.customer]] += r.amount
    return {k: v for k, v in totals.items() if v}


def check(store: Engine, code: str, rows: list[Row], numbers: list[str], dates: list[date]):
    """The invariant, the aging and the reconciliation of company `code` at these dates."""
    ledger = get_ledger(store)
    company_id = int(ledger.companies.filter(pl.col("code") == code)["company_id"][0])
    by_id = dict(ledger.customers.select("customer_id", "number").iter_rows())
    for as_of in dates:
        items = ledger.view(as_of).open_items.filter(pl.col("company_id") == company_id)
        got = residuals_by_customer(items, by_id)
        want = expected(rows, numbers, as_of)
        assert got == want, as_of
        total = Decimal(sum(want.values())).scaleb(-2)
        assert_aging_adds_up(store, Scope(company_ids=frozenset({company_id})), as_of, total)
        assert_reconciled(store, code, as_of, total, source_known=as_of >= OPEN_TO)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.data(),
    as_of_days=st.lists(
        st.integers(min_value=(OPEN_FROM - CLOSED).days - 10, max_value=DAYS + 60),
        min_size=1,
        max_size=3,
    ),
)
def test_synced_sage_open_items_add_up_to_the_balance(
    store: Engine, demo_base: Path, tmp_path: Path, data: st.DataObject, as_of_days: list[int]
) -> None:
    n = next(_bases)
    code, base = f"S{n}", tmp_path / f"S{n}.sqlite"
    shutil.copy(demo_base, base)
    rows = data.draw(ledgers(4))
    numbers, marqs = write_base(base, rows)
    register(store, base, code)
    clear_cache()
    result = sync_company(store, code, full=True, as_of=TODAY)
    assert result.status == "ok", result.error
    dates = [day(d) for d in as_of_days] + [OPEN_TO]
    check(store, code, rows, numbers, dates)

    # What a collector's month in Sage changes: a group lettered, a lettering undone, a line
    # deleted, a payment added; read by an incremental sync.
    conn = sqlite3.connect(base)
    changed = data.draw(st.lists(st.integers(0, len(rows) - 1), max_size=4, unique=True))
    for i in changed:
        r = rows[i]
        action = data.draw(st.sampled_from(["letter", "unletter", "delete"]))
        if action == "delete" and r.customer >= 0:
            ordinary_2025 = [x for x in rows if x.counts and not x.carried and x.posted < NEXT_YEAR]
            if ordinary_2025 == [r]:  # keep 2025 a year with lines
                continue
            conn.execute("DELETE FROM F_ECRITUREC WHERE cbMarq = ?", (marqs[i],))
            r.customer = -1  # no longer anybody's
            continue
        r.lettered = action == "letter"
        r.code = r.code or ("ZZ" if r.lettered else "")
        conn.execute(
            "UPDATE F_ECRITUREC SET EC_Lettre = ?, EC_Lettrage = ? WHERE cbMarq = ?",
            (int(r.lettered), r.code, marqs[i]),
        )
    if data.draw(st.booleans()):
        paid = Row(0, "BQ1", date(2026, 11, 2), -data.draw(cents), code="ZZ", lettered=True)
        rows.append(paid)
        conn.execute(
            f"INSERT INTO F_ECRITUREC ({COLUMNS}) VALUES "
            "(9999, 'BQ1', '2026-11-01 00:00:00', 2, '2026-11-02 00:00:00', 'PNEW', 'FNEW', "
            "'late payment', '4110000', ?, '1753-01-01 00:00:00', 1, ?, 1, 'ZZ', 2, 0, "
            "'1753-01-01 00:00:00', 0)",
            (numbers[0], -paid.amount / 100),
        )
    conn.commit()
    conn.close()
    result = sync_company(store, code, full=False, as_of=TODAY)
    assert result.status == "ok", result.error
    check(store, code, rows, numbers, dates)
    # The lettering changes reached the store too (they move no money, so the sums above would
    # not see them missed).
    assert lettering_in_store(store, code) == lettering_in_base(base)


def lettering_in_base(base: Path) -> dict[int, tuple[bool, str]]:
    """cbMarq -> (lettered, code) of the customer rows of the open years in the base."""
    conn = sqlite3.connect(base)
    rows = conn.execute(
        "SELECT cbMarq, EC_Lettre, EC_Lettrage FROM F_ECRITUREC WHERE CT_Num IN "
        "(SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0) "
        "AND JM_Date >= '2025-01-01' AND JM_Date < '2027-01-01'"
    ).fetchall()
    conn.close()
    return {marq: (bool(flag), code) for marq, flag, code in rows}


def lettering_in_store(store: Engine, code: str) -> dict[int, tuple[bool, str]]:
    """source_key -> (lettered, code) of the company's entries in the store."""
    entry, company = Entry.__table__, Company.__table__
    with store.connect() as conn:
        rows = conn.execute(
            select(entry.c.source_key, entry.c.lettered, entry.c.lettering_code)
            .join(company, company.c.id == entry.c.company_id)
            .where(company.c.code == code)
        ).all()
    return {int(key): (bool(flag), text) for key, flag, text in rows}
