"""A message is checked against the store before it is sent (SQLite and PostgreSQL): plan on the
demo Sage base, settle items in the Sage base, sync, send to the real SMTP server; the settled
items are not in what leaves, a message with nothing left is held, a disputed item is taken out
and goes back to its level."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from dunning.smtp_helpers import SmtpServer
from sage_helpers import TODAY
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine

from src_dash.access import viewer
from src_dash.analytics.ledger import open_residuals
from src_dash.clock import utcnow
from src_dash.dunning.dispatch import dispatch
from src_dash.dunning.freshness import refresh_queued
from src_dash.dunning.model import Plan, Proposal
from src_dash.dunning.planner import plan
from src_dash.dunning.runs import create_run
from src_dash.services import campaigns
from src_dash.services.auth import seed_demo_users
from src_dash.services.campaigns import CampaignCriteria
from src_dash.store import (
    AuditLog,
    Dispute,
    DisputeItem,
    Entry,
    ItemState,
    Message,
    MessageItem,
    SyncRun,
    User,
)
from src_dash.store.schedule import stored_sync_schedule
from src_dash.store.versions import bump_data_version
from src_dash.sync import sync_company


def _debits(p: Proposal) -> list[int]:
    return [i.entry_id for i in p.items if i.residual > 0]


def settle_in_sage(base: Path, source_keys: list[int]) -> None:
    """Letter each invoice with a bank payment of its amount, as a collector would in Sage."""
    conn = sqlite3.connect(base)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(F_ECRITUREC)") if r[1] != "cbMarq"]
    for n, key in enumerate(source_keys):
        code = f"ZF{n}"
        values = {c: f"[{c}]" for c in columns}
        values["EC_No"] = "(SELECT MAX(EC_No) + 1 FROM F_ECRITUREC)"
        values["EC_Sens"] = "1"
        values["EC_Piece"] = f"'RG{n:04d}'"
        values["EC_Lettrage"] = f"'{code}'"
        values["EC_Lettre"] = "1"
        conn.execute(
            f"INSERT INTO F_ECRITUREC ({', '.join(f'[{c}]' for c in columns)}) "
            f"SELECT {', '.join(values.values())} FROM F_ECRITUREC WHERE cbMarq = ?",
            (key,),
        )
        conn.execute(
            "UPDATE F_ECRITUREC SET EC_Lettre = 1, EC_Lettrage = ? WHERE cbMarq = ?", (code, key)
        )
    conn.commit()
    conn.close()


def _source_keys(engine: Engine, entry_ids: list[int]) -> list[int]:
    e = Entry.__table__
    with engine.connect() as conn:
        found = dict(
            conn.execute(select(e.c.id, e.c.source_key).where(e.c.id.in_(entry_ids))).all()
        )
    return [int(found[i]) for i in entry_ids]


def test_settled_items_are_not_in_the_message_sent_after_a_sync(demo_dunning, demo_base) -> None:  # noqa: ANN001
    engine: Engine = demo_dunning
    # R2 emails, forced for customers with several overdue items (the small demo proposes few
    # emails of its own): all the overdue items of two customers, one item of a third.
    found = plan(engine, TODAY)
    owing = sorted(
        {p.customer_id for p in found.proposals if p.level >= 1 and len(_debits(p)) >= 2},
    )
    emails = []
    for cid in owing:
        forced = plan(engine, TODAY, customer_ids=[cid], force_level=2).proposals
        emails += [p for p in forced if p.channel == "email"]
    several = next(p for p in emails if len(_debits(p)) >= 3)
    disputed = next(
        p for p in emails if p.customer_id != several.customer_id and len(_debits(p)) >= 2
    )
    third = next(
        p for p in emails if p.customer_id not in (several.customer_id, disputed.customer_id)
    )
    (single,) = [
        p
        for p in plan(engine, TODAY, entry_ids=_debits(third)[:1], force_level=2).proposals
        if p.channel == "email"
    ]
    assert len(_debits(single)) == 1
    run = create_run(engine, Plan(TODAY, (several, single, disputed)), approve=True)
    assert run.emails == 3 and not run.errors

    # In Sage, two items of the first message and the only one of the second are paid.
    paid = _debits(several)[:2]
    settle_in_sage(demo_base, _source_keys(engine, paid + _debits(single)))
    assert sync_company(engine, "DEMO1", as_of=TODAY).status == "ok"
    assert not open_residuals(engine, paid + _debits(single), TODAY)
    # In the app, a collector opens a dispute on an item of the third.
    fought = _debits(disputed)[0]
    with engine.begin() as conn:
        did = conn.execute(
            insert(Dispute.__table__)
            .values(
                customer_id=disputed.customer_id,
                status="open",
                opened_at=datetime(2026, 11, 20, tzinfo=UTC),
            )
            .returning(Dispute.__table__.c.id)
        ).scalar_one()
        conn.execute(
            insert(DisputeItem.__table__).values(
                dispute_id=did, entry_id=fought, amount=Decimal("1.00")
            )
        )
        bump_data_version(conn, entries=True)

    server = SmtpServer().start()
    try:
        done = dispatch(engine, server.settings())
    finally:
        server.stop()
    assert done.sent == 2
    m, mi, st = Message.__table__, MessageItem.__table__, ItemState.__table__
    with engine.connect() as conn:
        rows = {r.customer_id: r for r in conn.execute(select(m).where(m.c.run == run.run)).all()}
        items = {
            cid: [r.entry_id for r in conn.execute(select(mi).where(mi.c.message_id == row.id))]
            for cid, row in rows.items()
        }
        fought_level = conn.execute(select(st.c.level).where(st.c.entry_id == fought)).scalar()
        trail = (
            conn.execute(
                select(AuditLog.__table__.c.action).where(
                    AuditLog.__table__.c.action.in_(("message.refresh", "message.hold"))
                )
            )
            .scalars()
            .all()
        )

    by_customer = {}
    for mail in server.received:
        number = next(
            p.customer_number
            for p in (several, disputed)
            if {r.email for r in p.to} <= set(mail.rcpt_tos)
        )
        by_customer[number] = mail
    assert set(by_customer) == {several.customer_number, disputed.customer_number}

    # The first: sent without the settled items, its total what is left.
    mail = by_customer[several.customer_number]
    text, html = mail.body("plain"), mail.body("html")
    pieces = {i.entry_id: i.piece for i in several.items}
    for entry_id in paid:
        assert pieces[entry_id] not in text and pieces[entry_id] not in html
    left = [i for i in several.items if i.residual > 0 and i.entry_id not in paid]
    for item in left:
        assert item.piece in text
    first = rows[several.customer_id]
    assert first.status == "sent"
    assert first.total == sum((i.residual for i in left), Decimal("0.00"))
    assert not set(paid) & set(items[several.customer_id])

    # The second: nothing left to dun, held with the reason, not sent.
    second = rows[single.customer_id]
    assert second.status == "held"
    assert "nothing left to dun" in second.server_answer and "settled" in second.server_answer

    # The third: sent without the disputed item, which goes back to its level before.
    third = rows[disputed.customer_id]
    assert third.status == "sent" and fought not in items[disputed.customer_id]
    fought_piece = next(i.piece for i in disputed.items if i.entry_id == fought)
    assert fought_piece not in by_customer[disputed.customer_number].body("plain")
    before = next(i.previous_level for i in disputed.items if i.entry_id == fought)
    assert fought_level == before
    assert sorted(trail) == ["message.hold", "message.refresh", "message.refresh"]


def test_nothing_changes_when_the_items_are_as_planned(demo_dunning) -> None:  # noqa: ANN001
    engine: Engine = demo_dunning
    found = plan(engine, TODAY)
    chosen = [p for p in found.proposals if p.channel == "email"]
    run = create_run(engine, Plan(TODAY, tuple(chosen)), approve=True)
    assert run.emails == len(chosen) >= 2
    m = Message.__table__
    with engine.connect() as conn:
        before = conn.execute(select(m.c.id, m.c.body_html).where(m.c.run == run.run)).all()
    checked = refresh_queued(engine, TODAY)
    assert (checked.checked, checked.regenerated, checked.held) == (len(chosen), (), ())
    with engine.connect() as conn:
        after = conn.execute(select(m.c.id, m.c.body_html).where(m.c.run == run.run)).all()
    assert sorted(before) == sorted(after)


def test_a_run_is_sent_on_data_younger_than_the_sync_interval(
    demo_dunning,  # noqa: ANN001
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path / "data"))  # the letters' PDFs
    engine: Engine = demo_dunning
    seed_demo_users(engine)
    with engine.connect() as conn:
        user_id = conn.execute(
            select(User.__table__.c.id).where(User.__table__.c.login == "recouvrement")
        ).scalar_one()
    collector = viewer(engine, user_id)
    # The last sync is older than the interval (the scheduler stopped, say).
    interval = stored_sync_schedule(engine).interval_seconds
    aged = utcnow() - timedelta(seconds=interval + 3600)
    r = SyncRun.__table__
    with engine.begin() as conn:
        conn.execute(update(r).values(started_at=aged, finished_at=aged))
    draft = campaigns.create_draft(engine, collector, CampaignCriteria(), as_of=TODAY)
    before = campaigns.run_status(engine, collector, draft.run)
    assert before.stale and abs((before.data_at - aged).total_seconds()) < 1
    assert campaigns.approve(engine, collector, draft.run) > 0

    server = SmtpServer().start()
    try:
        outcome = campaigns.send(engine, collector, draft.run, server.settings())
    finally:
        server.stop()
    assert outcome.synced == ("DEMO1",) and outcome.sync_failed == ()
    assert outcome.data_at > aged and outcome.sent >= 1
    with engine.connect() as conn:
        runs_ok = conn.execute(select(func.count()).where(r.c.status == "ok")).scalar()
    assert runs_ok == 2
    after = campaigns.run_status(engine, collector, draft.run)
    assert not after.stale and after.data_at == outcome.data_at
    # Fresh data is not synced again.
    again = campaigns.ensure_fresh_data(engine, [c for c in _companies(engine)])
    assert again.synced == () and not again.stale


def _companies(engine: Engine) -> list[int]:
    from src_dash.store import Company

    with engine.connect() as conn:
        return list(conn.execute(select(Company.__table__.c.id)).scalars())
