"""Shared fixtures of the dunning tests.

- `world`: a fresh store (SQLite and PostgreSQL) with the default scenarios, templates and
  profile rules seeded, one company HAND (book currency EUR, open 2025-2026), its contact
  services (Comptabilité: to, Direction: cc, Achats: cc, Commercial: never) and a sales rep
  R1 (paul.girard@hand.test); `World` methods add customers, items, contacts, states, messages,
  promises and disputes by hand, and `world.plan(...)` plans as of TODAY (2026-11-22).
- `world_sqlite`: the same on SQLite only.
- `demo_dunning`: the small demo Sage base synced into a fresh store with the defaults seeded
  (SQLite and PostgreSQL).
- `data_dir`: a temporary data folder (SRC_DASH_DATA_DIR) for the letters, statements and
  reports a test writes; the files that need it say `pytest.mark.usefixtures("data_dir")`.
- `server`: a local SMTP server (smtp_helpers.SmtpServer), started, stopped after the test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from dunning.smtp_helpers import SmtpServer
from sage_helpers import register
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import clear_cache
from src_dash.dunning.defaults import seed_defaults
from src_dash.dunning.model import Plan
from src_dash.dunning.planner import plan
from src_dash.store import (
    Company,
    Contact,
    ContactService,
    Customer,
    Dispute,
    DisputeItem,
    Entry,
    ItemState,
    Message,
    Promise,
    PromiseItem,
    SalesRep,
)
from src_dash.store.versions import bump_data_version
from src_dash.sync import sync_company

TODAY = date(2026, 11, 22)
D = Decimal


def days(n: int) -> date:
    """TODAY shifted by n days (negative: in the past)."""
    return TODAY + timedelta(days=n)


@dataclass
class World:
    """A hand-made store for the planner; every write bumps the data version."""

    engine: Engine
    company_id: int = 0
    services: dict[str, int] = field(default_factory=dict)
    rep_id: int = 0
    _keys: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _insert(self, table, **values) -> int:  # noqa: ANN001
        t = table.__table__
        with self.engine.begin() as conn:
            new_id = conn.execute(insert(t).values(**values).returning(t.c.id)).scalar_one()
            bump_data_version(conn, entries=True)
        return new_id

    def setup(self) -> World:
        """The company, its services and sales rep."""
        self.company_id = self._insert(
            Company,
            code="HAND",
            name="Hand SA",
            currency="EUR",
            email="compta@hand.test",
            phone="04 00 00 00 00",
            open_from=date(2025, 1, 1),
            open_to=date(2026, 12, 31),
        )
        for code, (name, role) in enumerate(
            (
                ("Comptabilité", "to"),
                ("Direction", "cc"),
                ("Achats", "cc"),
                ("Commercial", "never"),
            ),
            start=1,
        ):
            self.services[name] = self._insert(
                ContactService, company_id=self.company_id, code=code, name=name, dunning_role=role
            )
        self.rep_id = self._insert(
            SalesRep,
            company_id=self.company_id,
            code=1,
            first_name="Paul",
            last_name="Girard",
            email="paul.girard@hand.test",
        )
        # Settled history so the ledger sees VTE as a sales journal and BQ as a bank one
        # (a journal with more credit than debit lines is a bank journal).
        filler = self.customer("HISTORY", email="", do_not_dun=True)
        for n in range(10):
            for journal, amount in (("VTE", "100.00"), ("BQ", "-100.00")):
                self._insert(
                    Entry,
                    company_id=self.company_id,
                    customer_id=filler,
                    source_key=next(self._keys),
                    journal=journal,
                    posting_date=date(2025, 3, 1) + timedelta(days=n),
                    due_date=date(2025, 3, 1) + timedelta(days=n) if journal == "VTE" else None,
                    amount=D(amount),
                    residual=D("0.00"),
                    lettering_code=f"H{n}",
                    lettered=True,
                    lettering_date=date(2025, 3, 1) + timedelta(days=n),
                    settled_amount=D(amount),
                )
        return self

    def customer(self, number: str, **values: object) -> int:
        """A customer (email compta@<number>.test, with the sales rep, unless given)."""
        base = {
            "company_id": self.company_id,
            "number": number,
            "name": f"{number.title()} SARL",
            "email": f"compta@{number.lower()}.test",
            "country": "France",
            "sales_rep_id": self.rep_id,
            "free_fields": {"Segment": "PME"},
        }
        return self._insert(Customer, **(base | values))

    def item(
        self,
        customer_id: int,
        amount: str,
        due: date | None,
        *,
        piece: str = "",
        journal: str = "VTE",
        posted: date | None = None,
        currency: str = "",
        amount_currency: str | None = None,
        reminders: int = 0,
        last_reminder_on: date | None = None,
    ) -> int:
        """An open (unlettered) entry; a negative amount is a credit."""
        key = next(self._keys)
        value = D(amount)
        return self._insert(
            Entry,
            company_id=self.company_id,
            customer_id=customer_id,
            source_key=key,
            journal=journal,
            posting_date=posted or min(due or TODAY, TODAY) - timedelta(days=30),
            piece=piece or f"FA{key:04d}",
            reference=f"REF{key:04d}",
            account="411000",
            amount=value,
            residual=value,
            currency=currency,
            amount_currency=D(amount_currency) if amount_currency else None,
            due_date=due,
            reminder_count=reminders,
            last_reminder_on=last_reminder_on,
        )

    def paid_item(self, customer_id: int, amount: str, due: date, paid_on: date) -> int:
        """An invoice lettered with its payment (settled on `paid_on`)."""
        key = next(self._keys)
        code = f"P{key}"
        value = D(amount)
        invoice = self._insert(
            Entry,
            company_id=self.company_id,
            customer_id=customer_id,
            source_key=key,
            journal="VTE",
            posting_date=due - timedelta(days=30),
            piece=f"FA{key:04d}",
            reference=f"REF{key:04d}",
            amount=value,
            residual=D("0.00"),
            due_date=due,
            lettering_code=code,
            lettered=True,
            lettering_date=paid_on,
            settled_amount=value,
        )
        self._insert(
            Entry,
            company_id=self.company_id,
            customer_id=customer_id,
            source_key=next(self._keys),
            journal="BQ",
            posting_date=paid_on,
            piece=f"RG{key:04d}",
            amount=-value,
            residual=D("0.00"),
            lettering_code=code,
            lettered=True,
            lettering_date=paid_on,
            settled_amount=-value,
        )
        return invoice

    def contact(
        self, customer_id: int, email: str, service: str | None = None, role: str = "", **kw
    ) -> int:
        """A contact typed in the app, in a service (by name) or with a role of its own."""
        return self._insert(
            Contact,
            company_id=self.company_id,
            customer_id=customer_id,
            origin="app",
            email=email,
            last_name=kw.pop("last_name", email.split("@")[0].title()),
            service_id=self.services[service] if service else None,
            dunning_role=role,
            **kw,
        )

    def state(self, entry_id: int, **values: object) -> None:
        """Set the item's state (level, next_level, last_dunned_on, stop_reason, stop_until)."""
        s = ItemState.__table__
        with self.engine.begin() as conn:
            found = conn.execute(select(s.c.entry_id).where(s.c.entry_id == entry_id)).first()
            if found:
                conn.execute(update(s).where(s.c.entry_id == entry_id).values(**values))
            else:
                conn.execute(insert(s).values(entry_id=entry_id, **values))
            bump_data_version(conn, entries=True)

    def set_customer(self, customer_id: int, **values: object) -> None:
        c = Customer.__table__
        with self.engine.begin() as conn:
            conn.execute(update(c).where(c.c.id == customer_id).values(**values))
            bump_data_version(conn, entries=True)

    def message(self, customer_id: int, on: date, status: str = "sent") -> None:
        """A message to the customer created on a day."""
        values = {
            "customer_id": customer_id,
            "status": status,
            "idempotency_key": f"test-{next(self._keys)}",
            "recipients_to": [],
            "recipients_cc": [],
            "created_at": datetime(on.year, on.month, on.day, 9, tzinfo=UTC),
        }
        if "dunned_on" in Message.__table__.c:
            values["dunned_on"] = on
        self._insert(Message, **values)

    def promise(self, customer_id: int, entry_ids: list[int], on: date, status: str = "pending"):  # noqa: ANN201
        pid = self._insert(
            Promise,
            customer_id=customer_id,
            amount=D("100.00"),
            promised_on=on,
            status=status,
            created_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        for entry_id in entry_ids:
            self._insert(PromiseItem, promise_id=pid, entry_id=entry_id, amount=D("1.00"))
        return pid

    def dispute(self, customer_id: int, entry_ids: list[int], status: str = "open") -> int:
        did = self._insert(
            Dispute,
            customer_id=customer_id,
            status=status,
            opened_at=datetime(2026, 11, 1, tzinfo=UTC),
            closed_at=datetime(2026, 11, 10, tzinfo=UTC) if status == "closed" else None,
        )
        for entry_id in entry_ids:
            self._insert(DisputeItem, dispute_id=did, entry_id=entry_id, amount=D("1.00"))
        return did

    def plan(self, as_of: date = TODAY, **kw: object) -> Plan:
        """The plan as of a day."""
        return plan(self.engine, as_of, **kw)


def make_world(engine: Engine) -> World:
    """A World on a migrated, empty store, with the defaults seeded."""
    clear_cache()
    seed_defaults(engine)
    return World(engine).setup()


@pytest.fixture
def world(store: Engine) -> Iterator[World]:
    """The hand world on SQLite and PostgreSQL."""
    yield make_world(store)
    clear_cache()


@pytest.fixture
def world_sqlite(sqlite_store: Engine) -> Iterator[World]:
    """The hand world on SQLite only."""
    yield make_world(sqlite_store)
    clear_cache()


@pytest.fixture
def demo_dunning(store: Engine, demo_base) -> Iterator[Engine]:  # noqa: ANN001
    """The demo Sage base synced into a fresh store, with the default dunning set seeded."""
    clear_cache()
    register(store, demo_base)
    assert sync_company(store, "DEMO1", full=True, as_of=TODAY).status == "ok"
    seed_defaults(store)
    yield store
    clear_cache()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Letters, statements and reports of the test go to a temporary data folder."""
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    """A local SMTP server that keeps what it receives."""
    srv = SmtpServer().start()
    yield srv
    srv.stop()
