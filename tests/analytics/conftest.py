"""A small ledger written by hand into a fresh store; every expected figure is worked out in the
tests from the rows below.

Company HAND, open fiscal years 2025-01-01 .. 2026-12-31; journals VTE (sales), BQ (bank: more
credit than debit lines), RAN (carried forward). Today is 2026-11-22.

ALPHA (sales rep R1, email on file)
  e15 VTE 2026-08-01  +800.00 due 08-31 } lettered "E": the credit note, then the payment;
  e16 VTE 2026-08-20  -100.00 credit    } settled 09-15 (latest credit), 15 days late
  e17 BQ  2026-09-15  -700.00 payment   }
  e1  VTE 2026-09-01 +1000.00 due 10-01 } lettered "A", settled 10-11, 10 days late
  e2  BQ  2026-10-11 -1000.00 payment   }
  e3a VTE 2026-10-15  +300.00 due 11-14 } split due dates of one invoice; e3a partly paid
  e3b VTE 2026-10-15  +300.00 due 12-14 } by e4 (partial lettering "b"): residual 100
  e4  BQ  2026-11-20  -200.00 payment, partial lettering "b"
  e5  VTE 2026-11-10   -50.00 credit note, open
BETA (sales rep R2, collector U1; its only contact has no phone and is never dunned)
  e6  RAN 2025-01-01  +400.00 due 2024-12-15, carried forward } lettered "C" across fiscal
  e7  BQ  2025-02-01  -400.00 payment                        } years, 48 days late
  e8  RAN 2026-01-01  +999.00 carried forward again while 2025 is open: must not count
  e9  VTE 2024-06-01  +777.00 in a closed year: must not count
  e10 VTE 2026-07-01 +2000.00 due 07-31, open, under an open dispute
  e11 BQ  2026-11-05  -300.00 unapplied payment
GAMMA (sales rep R1, in U1's portfolio by assignment; invoices in USD)
  e12 VTE 2026-10-01 +1100.00 EUR (1200.00 USD) due 10-31, open, promised for 11-28
  e13 VTE 2026-11-01  +500.00 EUR (550.00 USD) due 12-01 } partial lettering "d"
  e14 BQ  2026-11-15  -250.00 EUR (275.00 USD) payment   }
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from src_dash.analytics.ledger import clear_cache
from src_dash.store import (
    CashObjective,
    Comment,
    Company,
    Contact,
    Customer,
    Dispute,
    DisputeItem,
    Entry,
    Flag,
    PortfolioAssignment,
    Promise,
    PromiseItem,
    SalesRep,
    User,
)
from src_dash.store.versions import bump_data_version

TODAY = date(2026, 11, 22)
D = Decimal


@dataclass
class Hand:
    """Ids of what the hand ledger holds."""

    engine: Engine
    company: int
    customers: dict[str, int]
    entries: dict[str, int]
    reps: dict[str, int]
    users: dict[str, int]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def build_hand_ledger(engine: Engine) -> Hand:
    """Write the hand ledger described in the module docstring."""
    with Session(engine) as s:
        company = Company(
            code="HAND",
            name="Hand SA",
            currency="EUR",
            open_from=date(2025, 1, 1),
            open_to=date(2026, 12, 31),
        )
        s.add(company)
        s.flush()
        reps = {
            code: SalesRep(company_id=company.id, code=n, last_name=code)
            for n, code in enumerate(("R1", "R2"), start=1)
        }
        s.add_all(reps.values())
        user = User(login="u1", name="Collector One", role="collector")
        s.add(user)
        s.flush()
        customers = {
            "ALPHA": Customer(
                company_id=company.id,
                number="ALPHA",
                name="Alpha SARL",
                sales_rep_id=reps["R1"].id,
                email="compta@alpha.test",
            ),
            "BETA": Customer(
                company_id=company.id,
                number="BETA",
                name="Beta SA",
                sales_rep_id=reps["R2"].id,
                collector_id=user.id,
            ),
            "GAMMA": Customer(
                company_id=company.id,
                number="GAMMA",
                name="Gamma Inc",
                sales_rep_id=reps["R1"].id,
                currency="USD",
            ),
        }
        s.add_all(customers.values())
        s.flush()
        s.add(PortfolioAssignment(user_id=user.id, customer_id=customers["GAMMA"].id))
        s.add(
            Contact(
                company_id=company.id,
                customer_id=customers["BETA"].id,
                origin="app",
                last_name="Nobody",
                email="nobody@beta.test",
                dunning_role="never",
            )
        )
        s.add(
            Contact(
                company_id=company.id,
                customer_id=customers["GAMMA"].id,
                origin="app",
                last_name="Boss",
                phone="+1 555 0100",
            )
        )
        rows = [
            # name, customer, journal, posted, due, amount, code, lettered, settled, extras
            ("e15", "ALPHA", "VTE", date(2026, 8, 1), date(2026, 8, 31), "800.00", "E", True),
            ("e16", "ALPHA", "VTE", date(2026, 8, 20), date(2026, 8, 20), "-100.00", "E", True),
            ("e17", "ALPHA", "BQ", date(2026, 9, 15), None, "-700.00", "E", True),
            ("e1", "ALPHA", "VTE", date(2026, 9, 1), date(2026, 10, 1), "1000.00", "A", True),
            ("e2", "ALPHA", "BQ", date(2026, 10, 11), None, "-1000.00", "A", True),
            ("e3a", "ALPHA", "VTE", date(2026, 10, 15), date(2026, 11, 14), "300.00", "b", False),
            ("e3b", "ALPHA", "VTE", date(2026, 10, 15), date(2026, 12, 14), "300.00", "", False),
            ("e4", "ALPHA", "BQ", date(2026, 11, 20), None, "-200.00", "b", False),
            ("e5", "ALPHA", "VTE", date(2026, 11, 10), date(2026, 11, 10), "-50.00", "", False),
            ("e6", "BETA", "RAN", date(2025, 1, 1), date(2024, 12, 15), "400.00", "C", True),
            ("e7", "BETA", "BQ", date(2025, 2, 1), None, "-400.00", "C", True),
            ("e8", "BETA", "RAN", date(2026, 1, 1), date(2025, 12, 1), "999.00", "", False),
            ("e9", "BETA", "VTE", date(2024, 6, 1), date(2024, 7, 1), "777.00", "", False),
            ("e10", "BETA", "VTE", date(2026, 7, 1), date(2026, 7, 31), "2000.00", "", False),
            ("e11", "BETA", "BQ", date(2026, 11, 5), None, "-300.00", "", False),
            ("e12", "GAMMA", "VTE", date(2026, 10, 1), date(2026, 10, 31), "1100.00", "", False),
            ("e13", "GAMMA", "VTE", date(2026, 11, 1), date(2026, 12, 1), "500.00", "d", False),
            ("e14", "GAMMA", "BQ", date(2026, 11, 15), None, "-250.00", "d", False),
        ]
        settled = {"e3a": ("200.00", date(2026, 11, 20)), "e13": ("250.00", date(2026, 11, 15))}
        currency = {"e12": "1200.00", "e13": "550.00", "e14": "-275.00"}
        entries = {}
        for key, (name, customer, journal, posted, due, amount, code, lettered) in enumerate(
            rows, start=1
        ):
            amount = D(amount)
            if lettered:
                paid, paid_on = amount, None
            elif name in settled:
                paid, paid_on = D(settled[name][0]), settled[name][1]
            elif code:  # a payment of a partial lettering: all of it is used
                paid, paid_on = amount, posted
            else:
                paid, paid_on = D("0.00"), None
            entry = Entry(
                company_id=company.id,
                customer_id=customers[customer].id,
                source_key=key,
                journal=journal,
                posting_date=posted,
                piece=f"P-{name}",
                label=f"line {name}",
                account="411000",
                amount=amount,
                residual=D("0.00") if lettered else amount - paid,
                currency="USD" if name in currency else "",
                amount_currency=D(currency[name]) if name in currency else None,
                due_date=due,
                lettering_code=code,
                lettered=lettered,
                settled_amount=paid,
                settled_on=paid_on,
                carried_forward=journal == "RAN",
            )
            s.add(entry)
            entries[name] = entry
        s.flush()
        dispute = Dispute(customer_id=customers["BETA"].id, opened_at=_at(date(2026, 11, 1)))
        s.add(dispute)
        s.flush()
        s.add(DisputeItem(dispute_id=dispute.id, entry_id=entries["e10"].id, amount=D("2000")))
        kept_open = Promise(
            customer_id=customers["GAMMA"].id,
            amount=D("1100.00"),
            promised_on=date(2026, 11, 28),
            created_at=_at(date(2026, 11, 15)),
        )
        broken = Promise(
            customer_id=customers["ALPHA"].id,
            amount=D("100.00"),
            promised_on=date(2026, 11, 10),
            status="broken",
            created_at=_at(date(2026, 11, 5)),
            resolved_at=_at(date(2026, 11, 11)),
        )
        s.add_all([kept_open, broken])
        s.flush()
        s.add(PromiseItem(promise_id=kept_open.id, entry_id=entries["e12"].id, amount=D("1100")))
        s.add(PromiseItem(promise_id=broken.id, entry_id=entries["e3a"].id, amount=D("100")))
        s.add(
            Comment(
                customer_id=customers["ALPHA"].id, body="called", created_at=_at(date(2026, 11, 12))
            )
        )
        s.add(
            Flag(
                customer_id=customers["ALPHA"].id,
                kind="watch",
                label="à surveiller",
                created_at=_at(date(2026, 11, 21)),
            )
        )
        s.add(CashObjective(company_id=company.id, month=date(2026, 11, 1), amount=D("2500.00")))
        s.commit()
        hand = Hand(
            engine=engine,
            company=company.id,
            customers={k: c.id for k, c in customers.items()},
            entries={k: e.id for k, e in entries.items()},
            reps={k: r.id for k, r in reps.items()},
            users={"U1": user.id},
        )
    with engine.begin() as conn:
        bump_data_version(conn)
    return hand


@pytest.fixture
def hand(store: Engine) -> Iterator[Hand]:
    """The hand ledger in a fresh store (SQLite and PostgreSQL)."""
    clear_cache()
    yield build_hand_ledger(store)
    clear_cache()


@pytest.fixture
def hand_sqlite(sqlite_store: Engine) -> Iterator[Hand]:
    """The hand ledger in a fresh SQLite store."""
    clear_cache()
    yield build_hand_ledger(sqlite_store)
    clear_cache()
