"""The store: migrations build it from nothing and upgrade it; money and time are exact."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import BigInteger, inspect, select, type_coerce
from sqlmodel import Session, SQLModel

from src_dash.store import Company, Customer, Entry, SyncRun
from src_dash.store.migrate import current_revision, downgrade, pending_model_changes, upgrade


def test_migrations_build_every_table_and_match_the_models(store, store_url):
    tables = set(inspect(store).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert current_revision(store) is not None
    assert pending_model_changes(store_url) == []


def test_migrations_downgrade_to_nothing_and_upgrade_again(store, store_url):
    downgrade(store_url, "base")
    assert "entry" not in inspect(store).get_table_names()
    upgrade(store_url)
    assert "entry" in inspect(store).get_table_names()
    assert pending_model_changes(store_url) == []


def test_money_is_exact_cents_and_timestamps_come_back_in_utc(store):
    paris = timezone(timedelta(hours=1))
    with Session(store) as s:
        company = Company(code="C1", name="Société Test", currency="EUR")
        s.add(company)
        s.flush()
        customer = Customer(company_id=company.id, number="C001", name="Client é")
        s.add(customer)
        s.flush()
        amounts = [Decimal("0.10"), Decimal("0.20"), Decimal("-0.30"), Decimal("12345678.91")]
        for i, amount in enumerate(amounts):
            s.add(
                Entry(
                    company_id=company.id,
                    customer_id=customer.id,
                    source_key=i + 1,
                    posting_date=date(2026, 1, 1),
                    amount=amount,
                    residual=amount,
                )
            )
        s.add(SyncRun(company_id=company.id, started_at=datetime(2026, 3, 1, 10, 0, tzinfo=paris)))
        s.commit()
    with Session(store) as s:
        stored = [e.amount for e in s.exec(select(Entry).order_by(Entry.source_key)).scalars()]
        assert stored == amounts
        assert all(isinstance(a, Decimal) for a in stored)
        cents = s.exec(
            select(type_coerce(Entry.__table__.c.amount, BigInteger)).order_by(Entry.source_key)
        ).scalars()
        assert list(cents) == [10, 20, -30, 1234567891]
        run = s.exec(select(SyncRun)).scalars().one()
        assert run.started_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        assert run.started_at.tzinfo is not None
