"""The store: migrations build it from nothing and upgrade it; money and time are exact."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import BigInteger, inspect, select, text, type_coerce
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


def test_entries_kept_through_0006_get_empty_free_fields_and_keep_their_state(store, store_url):
    downgrade(store_url, "0005")
    assert "free_fields" not in {c["name"] for c in inspect(store).get_columns("entry")}
    # Raw inserts: the models describe the newest schema, this one is 0005's.
    with store.begin() as conn:
        company_id = conn.execute(
            text(
                "INSERT INTO company (code, name, currency, source_kind, source_dsn, "
                "source_encoding, siret, address, postal_code, city, country, email, phone, "
                "logo_path, active, created_at) VALUES ('C1', 'Société', 'EUR', 'sage100', '', "
                "'', '', '', '', '', '', '', '', '', true, '2026-01-01') RETURNING id"
            )
        ).scalar_one()
    with Session(store) as s:
        customer = Customer(company_id=company_id, number="C001")
        s.add(customer)
        s.commit()
        ids = {"company": company_id, "customer": customer.id}
    with store.begin() as conn:
        entry_id = conn.execute(
            text(
                "INSERT INTO entry (company_id, customer_id, source_key, journal, posting_date, "
                "piece, reference, label, account, amount, residual, currency, lettering_code, "
                "lettered, settled_amount, settlement_status, payment_method, reminder_count, "
                "carried_forward, row_hash) VALUES (:company, :customer, 7, 'VTE', '2026-01-05', "
                "'', '', '', '411', 1250, 1250, '', '', false, 0, 0, '', 0, false, 0) RETURNING id"
            ),
            ids,
        ).scalar_one()
        conn.execute(
            text("INSERT INTO item_state (entry_id, level, stop_reason) VALUES (:e, 2, '')"),
            {"e": entry_id},
        )
    upgrade(store_url)
    with Session(store) as s:
        entry = s.exec(select(Entry)).scalars().one()
        assert (entry.source_key, entry.free_fields) == (7, {})
        entry.free_fields = {"N° commande": "CMD-1"}
        s.commit()
    with store.connect() as conn:
        assert conn.execute(text("SELECT level FROM item_state")).scalar() == 2
    # Down again: the entry and its state stay, only the column goes.
    downgrade(store_url, "0005")
    with store.connect() as conn:
        assert conn.execute(text("SELECT source_key FROM entry")).scalar() == 7
        assert conn.execute(text("SELECT level FROM item_state")).scalar() == 2
    upgrade(store_url)
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
