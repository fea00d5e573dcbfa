"""The ledger frame against the hand ledger: open items, settlements, as-of replay, cache."""

from __future__ import annotations

from datetime import date

import polars as pl

from src_dash.analytics.ledger import get_ledger
from src_dash.store import Dispute
from src_dash.store.versions import bump_data_version

TODAY = date(2026, 11, 22)


def residuals(hand, as_of: date) -> dict[str, int]:
    """Open residuals in cents by entry name."""
    names = {v: k for k, v in hand.entries.items()}
    view = get_ledger(hand.engine).view(as_of)
    return {names[i]: r for i, r in view.open_items.select("id", "residual").iter_rows()}


def test_open_items_today(hand):
    assert residuals(hand, TODAY) == {
        "e3a": 10000,  # partial payment e4 applied
        "e3b": 30000,  # the other due date of the split invoice
        "e5": -5000,  # open credit note
        "e10": 200000,
        "e11": -30000,  # unapplied payment
        "e12": 110000,
        "e13": 25000,
    }


def test_carried_forward_and_closed_years_left_out(hand):
    ids = set(get_ledger(hand.engine).entries["id"].to_list())
    assert hand.entries["e8"] not in ids  # second carry-forward while 2025 is open
    assert hand.entries["e9"] not in ids  # closed year
    assert hand.entries["e6"] in ids  # the carry-forward of the closed year stays


def test_settlement_dates_and_days_late(hand):
    names = {v: k for k, v in hand.entries.items()}
    settled = get_ledger(hand.engine).view(TODAY).settled
    got = {names[i]: (s, d) for i, s, d in settled.select("id", "settled_on", "days_late").rows()}
    assert got == {
        "e1": (date(2026, 10, 11), 10),
        "e15": (date(2026, 9, 15), 15),  # latest credit of the group, not the credit note
        "e6": (date(2025, 2, 1), 48),  # lettered across fiscal years
    }


def test_as_of_before_and_after_a_payment(hand):
    assert residuals(hand, date(2026, 10, 10))["e1"] == 100000
    assert "e1" not in residuals(hand, date(2026, 10, 11))
    # before the partial payment e4 the whole due date is open, 5 days late
    view = get_ledger(hand.engine).view(date(2026, 11, 19))
    row = view.open_items.filter(pl.col("id") == hand.entries["e3a"]).row(0, named=True)
    assert (row["residual"], row["days_overdue"]) == (30000, 5)
    assert "e4" not in residuals(hand, date(2026, 11, 19))


def test_lettering_after_as_of_is_not_done(hand):
    # As of 09-01 the group E has its credit note (08-20) but not its payment (09-15): the
    # credit note settles part of the invoice, the rest is open and one day late.
    got = residuals(hand, date(2026, 9, 1))
    assert got["e15"] == 70000
    assert "e16" not in got and "e17" not in got
    assert hand.entries["e15"] not in get_ledger(hand.engine).view(date(2026, 9, 1)).settled["id"]


def test_foreign_currency_residual(hand):
    view = get_ledger(hand.engine).view(TODAY)
    rows = dict(
        view.open_items.filter(pl.col("currency") == "USD")
        .select("id", "residual_currency")
        .iter_rows()
    )
    assert rows == {hand.entries["e12"]: 120000, hand.entries["e13"]: 27500}


def test_kinds(hand):
    names = {v: k for k, v in hand.entries.items()}
    kinds = {names[i]: k for i, k in get_ledger(hand.engine).entries.select("id", "kind").rows()}
    assert kinds["e1"] == "invoice" and kinds["e6"] == "invoice"
    assert kinds["e5"] == "credit_note" and kinds["e16"] == "credit_note"
    assert kinds["e2"] == "payment" and kinds["e11"] == "payment"


def test_cache_follows_the_data_version(hand):
    first = get_ledger(hand.engine)
    assert get_ledger(hand.engine) is first
    with hand.engine.begin() as conn:
        # The unapplied payment was 350.00, not 300.00 (Money is stored in cents).
        e11 = hand.entries["e11"]
        conn.exec_driver_sql(
            f"UPDATE entry SET amount = -35000, residual = -35000 WHERE id = {e11}"
        )
        bump_data_version(conn, entries=True)
    second = get_ledger(hand.engine)
    assert second is not first and second.version == first.version + 1
    assert second.entries is not first.entries
    assert residuals(hand, TODAY)["e11"] == -35000


def test_a_change_outside_the_entries_reuses_them(hand):
    first = get_ledger(hand.engine)
    view = first.view(TODAY)
    with hand.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE customer SET collector_id = NULL, name = 'Renamed'")
        bump_data_version(conn)
    second = get_ledger(hand.engine)
    assert second.version == first.version + 1
    assert second.entries is first.entries and second.view(TODAY) is view
    assert set(second.customers["name"].to_list()) == {"Renamed"}


def test_a_follow_up_change_reloads_only_the_follow_up(hand):
    from src_dash.analytics.ledger import PARTY_TABLES

    first = get_ledger(hand.engine)
    contacts = first.memo(("contacts",), lambda: object(), keep="parties")
    pieces = first.memo(("pieces",), lambda: object(), keep="entries")
    scores = first.memo(("scores",), lambda: object())
    customer = int(first.customers["customer_id"][0])
    with hand.engine.begin() as conn:
        conn.execute(Dispute.__table__.insert().values(customer_id=customer, status="open"))
        bump_data_version(conn, parties=False)
    second = get_ledger(hand.engine)
    assert second.version == first.version + 1
    assert all(getattr(second, name) is getattr(first, name) for name in PARTY_TABLES)
    assert second.disputes.height == first.disputes.height + 1
    assert second.memo(("contacts",), lambda: object(), keep="parties") is contacts
    assert second.memo(("pieces",), lambda: object(), keep="entries") is pieces
    assert second.memo(("scores",), lambda: object()) is not scores
    # A change of the parties reads them again, and forgets what was computed from them.
    with hand.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE customer SET name = 'Renamed'")
        bump_data_version(conn)
    third = get_ledger(hand.engine)
    assert set(third.customers["name"].to_list()) == {"Renamed"}
    assert third.memo(("contacts",), lambda: object(), keep="parties") is not contacts
    assert third.memo(("pieces",), lambda: object(), keep="entries") is pieces


def test_callers_asking_together_share_one_load(hand, monkeypatch):
    import threading
    import time

    from src_dash.analytics import ledger as ledger_module

    get_ledger(hand.engine)
    with hand.engine.begin() as conn:
        bump_data_version(conn, parties=False)
    loads = []
    real = ledger_module.load_ledger

    def slow(engine, previous=None):  # noqa: ANN001, ANN202
        loads.append(1)
        time.sleep(0.3)
        return real(engine, previous=previous)

    monkeypatch.setattr(ledger_module, "load_ledger", slow)
    got = []
    threads = [
        threading.Thread(target=lambda: got.append(get_ledger(hand.engine))) for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1 and len({id(x) for x in got}) == 1


def test_fees_are_their_own_kind_due_on_posting_and_not_what_makes_a_customer_late(hand):
    """A 40 € recovery fee without a due date (OD) and late interest labelled as such: kind
    "fee", due on their posting date, open and counted, but the oldest overdue item and the
    score's days late are the invoices'."""
    from sqlalchemy import insert

    from src_dash.analytics.scope import EVERYTHING
    from src_dash.analytics.top import top_frame
    from src_dash.store import Entry

    with hand.engine.begin() as conn:
        rows = [
            ("OD", date(2025, 3, 1), None, "40.00", "Indemnité forfaitaire de recouvrement"),
            ("OD", date(2025, 3, 2), date(2025, 3, 2), "12.00", "Intérêts de retard F123"),
        ]
        for n, (journal, posted, due, amount, label) in enumerate(rows, start=100):
            conn.execute(
                insert(Entry.__table__).values(
                    company_id=hand.company,
                    customer_id=hand.customers["ALPHA"],
                    source_key=n,
                    journal=journal,
                    posting_date=posted,
                    account="411000",
                    label=label,
                    amount=amount,
                    residual=amount,
                    due_date=due,
                    free_fields={},
                )
            )
        bump_data_version(conn, entries=True)
    ledger = get_ledger(hand.engine)
    view = ledger.view(TODAY)
    fees = view.open_items.filter(pl.col("kind") == "fee")
    assert sorted(fees["residual"].to_list()) == [1200, 4000]
    assert fees["due"].to_list() == fees["posting_date"].to_list()
    alpha = top_frame(ledger, EVERYTHING, TODAY).filter(
        pl.col("customer_id") == hand.customers["ALPHA"]
    )
    # ALPHA's oldest invoice still open is e3a, due 2026-11-14: 8 days, not the fee's 631.
    assert alpha["oldest"].to_list() == [8]
    kinds = dict(ledger.entries.select("id", "kind").rows())
    assert kinds[hand.entries["e1"]] == "invoice"
