"""The invariant, on generated ledgers: open items add up to the customer's balance, to the cent.

For every customer and every as-of date D, the residuals of the open items (items, partly
settled items, unapplied credits and payments) add up to debit - credit of the customer's lines
posted by D in the open period (carried-forward lines up to the first ordinary line only), and the
aging buckets plus the credits add up to the same total. Hypothesis writes random ledgers:
invoices with split due dates, full and partial payments, credit notes, lettering that does not
net to zero, lettering across fiscal years or after D, partial (lowercase) lettering, Sage-like
settled amounts that balance or not, carried-forward lines and lines in a closed year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from analytics.invariant_helpers import (
    assert_aging_adds_up,
    residuals_by_customer,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import clear_cache, get_ledger
from src_dash.analytics.scope import EVERYTHING
from src_dash.store import Company, Customer, Entry
from src_dash.store.versions import bump_data_version

OPEN_FROM = date(2025, 7, 1)
OPEN_TO = date(2026, 12, 31)
FIRST = date(2025, 1, 1)  # lines before OPEN_FROM are in a closed year
DAYS = (OPEN_TO - FIRST).days


@dataclass
class Line:
    """One generated entry."""

    customer: int
    journal: str
    posted: date
    amount: int  # cents, debit +
    due: date | None = None
    code: str = ""
    lettered: bool = False
    lettering_date: date | None = None
    settled: int = 0
    settled_on: date | None = None
    carried: bool = False


def day(n: int) -> date:
    return FIRST + timedelta(days=n)


cents = st.integers(min_value=1, max_value=5_000_000)
offsets = st.integers(min_value=0, max_value=DAYS)


@st.composite
def story(draw: st.DrawFn, customer: int, code: str) -> list[Line]:
    """An invoice and what happened to it, as a few lines of one customer."""
    amount = draw(cents)
    posted = day(draw(offsets))
    due = posted + timedelta(days=draw(st.sampled_from([0, 30, 45, 60])))
    split = draw(st.booleans()) and amount > 1
    first = draw(st.integers(min_value=1, max_value=amount - 1)) if split else amount
    invoice = [Line(customer, "VTE", posted, first, due)]
    if split:
        invoice.append(Line(customer, "VTE", posted, amount - first, due + timedelta(days=30)))
    paid_on = posted + timedelta(days=draw(st.integers(min_value=0, max_value=200)))
    kind = draw(
        st.sampled_from(
            [
                "open",
                "paid",
                "paid_late_lettering",
                "partial",
                "difference",
                "credit_note",
                "unlettered",
                "settled_balanced",
                "settled_one_side",
                "lettered_no_net",
            ]
        )
    )
    if kind == "open":
        return invoice
    if kind in ("paid", "paid_late_lettering"):
        lettered_on = paid_on + timedelta(days=0 if kind == "paid" else 400)
        payment = Line(customer, "BQ", paid_on, -amount)
        for line in [*invoice, payment]:
            line.code, line.lettered, line.lettering_date = code, True, lettered_on
        return [*invoice, payment]
    if kind == "partial":
        part = draw(st.integers(min_value=1, max_value=amount))
        payment = Line(customer, "BQ", paid_on, -part)
        for line in [*invoice, payment]:
            line.code = code.lower()
        return [*invoice, payment]
    if kind in ("difference", "lettered_no_net"):
        gap = draw(st.integers(min_value=-amount + 1, max_value=amount))
        gap = gap or 1
        lines = [*invoice, Line(customer, "BQ", paid_on, -(amount - gap))]
        if kind == "lettered_no_net":
            lines = invoice  # a lettered invoice whose payment is not on this account
        for line in lines:
            line.code, line.lettered, line.lettering_date = code, True, paid_on
        return lines
    if kind == "credit_note":
        note = Line(customer, "VTE", paid_on, -draw(st.integers(min_value=1, max_value=amount)))
        return [*invoice, note]
    if kind == "unlettered":
        return [*invoice, Line(customer, "BQ", paid_on, -draw(cents))]
    # Sage-like: unlettered lines carrying the amount settled on each side.
    part = draw(st.integers(min_value=1, max_value=first))
    invoice[0].settled, invoice[0].settled_on = part, paid_on
    payment = Line(customer, "BQ", paid_on, -part)
    if kind == "settled_balanced":
        payment.settled, payment.settled_on = -part, paid_on
    return [*invoice, payment]


@st.composite
def ledgers(draw: st.DrawFn) -> list[Line]:
    """Lines of up to four customers, with carried-forward lines and cross-year groups."""
    lines: list[Line] = []
    for customer in range(draw(st.integers(min_value=1, max_value=4))):
        for n in range(draw(st.integers(min_value=0, max_value=6))):
            lines += draw(story(customer, f"L{n}"))
        if draw(st.booleans()):  # a detailed opening: each line keeps its original date
            for _ in range(draw(st.integers(min_value=1, max_value=3))):
                posted = day(draw(st.integers(min_value=0, max_value=200)))
                amount = draw(st.integers(min_value=-500_000, max_value=2_000_000)) or 1
                lines.append(Line(customer, "AD", posted, amount, posted, carried=True))
        if draw(st.booleans()):  # the opening balance, and the next year's carry-forward
            balance = draw(st.integers(min_value=-500_000, max_value=5_000_000)) or 1
            lines.append(Line(customer, "RAN", OPEN_FROM, balance, OPEN_FROM, carried=True))
            if draw(st.booleans()):
                again = date(2026, 7, 1)
                lines.append(Line(customer, "RAN", again, balance, again, carried=True))
            if draw(st.booleans()):  # lettered with a payment of the open year
                paid = day(draw(st.integers(min_value=(OPEN_FROM - FIRST).days, max_value=DAYS)))
                pay = Line(customer, "BQ", paid, -balance, code="X", lettered=True)
                pay.lettering_date = paid
                lines[-1].code, lines[-1].lettered, lines[-1].lettering_date = "X", True, paid
                lines.append(pay)
    return lines


def expected(lines: list[Line], as_of: date, period: bool = True) -> dict[int, int]:
    """Debit - credit of each customer's lines posted by as_of in the open period (all lines of
    a company without one, as a FEC import leaves it)."""
    low, high = (OPEN_FROM, OPEN_TO) if period else (date.min, date.max)
    plain = [ln.posted for ln in lines if not ln.carried and low <= ln.posted <= high]
    first_plain = min(plain, default=None)
    totals: dict[int, int] = defaultdict(int)
    for ln in lines:
        if not (low <= ln.posted <= high) or ln.posted > as_of:
            continue
        if ln.carried and first_plain is not None and ln.posted > first_plain:
            continue
        totals[ln.customer] += ln.amount
    return {c: t for c, t in totals.items() if t}


def write(engine: Engine, lines: list[Line], period: bool = True) -> dict[int, int]:
    """Replace the store's ledger by `lines`; return customer index -> customer id."""
    with engine.begin() as conn:
        for table in (Entry, Customer, Company):
            conn.execute(delete(table.__table__))
        company = conn.execute(
            insert(Company.__table__).values(
                code="GEN",
                name="Generated",
                currency="EUR",
                open_from=OPEN_FROM if period else None,
                open_to=OPEN_TO if period else None,
            )
        ).inserted_primary_key[0]
        ids = {}
        for index in sorted({ln.customer for ln in lines} | {0}):
            ids[index] = conn.execute(
                insert(Customer.__table__).values(
                    company_id=company, number=f"C{index}", name=f"C {index}", free_fields={}
                )
            ).inserted_primary_key[0]
        rows = [
            {
                "company_id": company,
                "customer_id": ids[ln.customer],
                "source_key": key,
                "journal": ln.journal,
                "posting_date": ln.posted,
                "account": "411000",
                "amount": Decimal(ln.amount).scaleb(-2),
                "residual": Decimal(ln.amount - ln.settled).scaleb(-2),
                "due_date": ln.due,
                "lettering_code": ln.code,
                "lettered": ln.lettered,
                "lettering_date": ln.lettering_date,
                "settled_amount": Decimal(ln.settled).scaleb(-2),
                "settled_on": ln.settled_on,
                "carried_forward": ln.carried,
                "free_fields": {},
            }
            for key, ln in enumerate(lines, start=1)
        ]
        if rows:
            conn.execute(insert(Entry.__table__), rows)
        bump_data_version(conn)
    clear_cache()
    return ids


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lines=ledgers(),
    as_of_days=st.lists(st.integers(min_value=0, max_value=DAYS + 60), min_size=1, max_size=3),
    period=st.booleans(),
)
def test_open_items_add_up_to_the_balance(
    store: Engine, lines: list[Line], as_of_days: list[int], period: bool
) -> None:
    ids = write(store, lines, period)
    names = {v: k for k, v in ids.items()}
    ledger = get_ledger(store)
    for n in as_of_days:
        as_of = day(n)
        got = residuals_by_customer(ledger.view(as_of).open_items, names)
        want = expected(lines, as_of, period)
        assert got == want, as_of
        total = sum(want.values())
        assert_aging_adds_up(store, EVERYTHING, as_of, Decimal(total).scaleb(-2))
