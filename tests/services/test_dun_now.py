"""Dunning one item now (preview, send, delivery), the fresh state of items after an inline action,
and the inline actions' handlers refusing the roles that may not work the items, on the demo base
synced into a fresh store (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
from dunning.smtp_helpers import SmtpServer
from sage_helpers import TODAY, register
from services.demo_helpers import sync_demo, who
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from src_dash.access import AccessDenied, Viewer
from src_dash.analytics.ledger import clear_cache, data_version
from src_dash.dunning.defaults import seed_defaults
from src_dash.dunning.planner import plan
from src_dash.services import followup
from src_dash.services.auth import DEMO_PASSWORD, log_in, seed_demo_users
from src_dash.services.dispute_reasons import list_dispute_reasons, seed_default_dispute_reasons
from src_dash.services.dun_now import (
    NotDunnable,
    deliver,
    dun_now,
    item_status,
    item_target,
    preview_dun,
)
from src_dash.services.open_items import OpenItemFilters, open_items
from src_dash.store import AuditLog, ItemState, Message, Promise
from src_dash.sync import sync_company


@pytest.fixture
def demo(store: Engine, demo_base) -> Iterator[Engine]:  # noqa: ANN001
    sync_demo(store, demo_base)
    seed_defaults(store)
    seed_demo_users(store)
    seed_default_dispute_reasons(store)
    yield store
    clear_cache()


def emailable(engine: Engine, collector: Viewer):  # noqa: ANN201
    """An overdue invoice with nothing on it whose level-1 step goes by email."""
    rows = open_items(
        engine,
        collector,
        OpenItemFilters(states=("none",), min_days_late=1, kinds=("invoice",)),
        sort="residual",
        descending=True,
        page_size=200,
        as_of=TODAY,
    ).rows
    for row in rows:
        try:
            if preview_dun(engine, collector, row.entry_id, 1, as_of=TODAY).channel == "email":
                return row
        except NotDunnable:
            continue
    raise AssertionError("the demo has an item to dun by email")


def test_the_preview_is_the_planners_proposal_rendered(demo: Engine) -> None:
    collector = who(demo, "recouvrement")
    item = emailable(demo, collector)
    preview = preview_dun(demo, collector, item.entry_id, 1, as_of=TODAY)
    expected = plan(demo, TODAY, entry_ids=[item.entry_id], force_level=1, viewer=collector)
    email = next(p for p in expected.proposals if p.channel == "email")
    assert preview.proposal == email
    assert (preview.to, preview.cc, preview.level) == (email.to, email.cc, 1)
    assert preview.subject and item.piece in preview.html and item.piece in preview.text
    assert [i.entry_id for i in preview.items if i.advances] == [item.entry_id]
    # Level 3 has an email and a letter step; asking for the letter renders the letter.
    letter = preview_dun(demo, collector, item.entry_id, 3, "letter", as_of=TODAY)
    assert (letter.channels, letter.channel, letter.to) == (("email", "letter"), "letter", ())
    # Level 4 is a call: nothing to render.
    call = preview_dun(demo, collector, item.entry_id, 4, as_of=TODAY)
    assert (call.channels, call.subject, call.html) == (("phone",), "", "")
    with pytest.raises(followup.InvalidInput) as bad:
        preview_dun(demo, collector, item.entry_id, 4, "email", as_of=TODAY)
    assert bad.value.field == "channel"
    with pytest.raises(followup.InvalidInput) as bad:
        preview_dun(demo, collector, item.entry_id, 7, as_of=TODAY)
    assert bad.value.field == "level"


def test_dun_now_writes_the_run_and_deliver_sends_it(demo: Engine) -> None:
    collector = who(demo, "recouvrement")
    item = emailable(demo, collector)
    preview = preview_dun(demo, collector, item.entry_id, 1, as_of=TODAY)
    with demo.connect() as conn:
        version = data_version(conn)
    result = dun_now(demo, collector, preview)
    assert (result.status, result.channel, result.level, len(result.message_ids)) == (
        "queued",
        "email",
        1,
        1,
    )
    m, a, s = Message.__table__, AuditLog.__table__, ItemState.__table__
    with demo.connect() as conn:
        message = conn.execute(select(m).where(m.c.id == result.message_ids[0])).one()
        state = conn.execute(select(s).where(s.c.entry_id == item.entry_id)).one()
        audit = conn.execute(select(a).where(a.c.action == "dunning.run")).one()
        assert data_version(conn) > version
    assert (message.status, message.approved_by, message.subject) == (
        "queued",
        None,
        preview.subject,
    )
    assert [r["email"] for r in message.recipients_to] == [r.email for r in preview.to]
    assert [r["email"] for r in message.recipients_cc] == [r.email for r in preview.cc]
    assert (state.level, state.last_dunned_on) == (1, TODAY)
    assert audit.user_id == collector.user_id
    status = item_status(demo, collector, [item.entry_id], TODAY)[item.entry_id]
    assert (status.level, status.last_action, status.last_action_on) == (1, "step", TODAY)
    # Sending the same again the same day makes nothing new.
    assert dun_now(demo, collector, preview).status == "already"

    server = SmtpServer().start()
    try:
        done = asyncio.run(deliver(demo, collector, server.settings()))
    finally:
        server.stop()
    assert (done.busy, done.sent) == (False, 1)
    (mail,) = server.received
    assert set(mail.rcpt_tos) == {r.email for r in (*preview.to, *preview.cc)}
    assert mail.subject == preview.subject
    with demo.connect() as conn:
        assert conn.execute(select(m.c.status).where(m.c.id == message.id)).scalar() == "sent"


def test_an_item_disputed_promised_or_stopped_is_not_dunned(demo: Engine) -> None:
    collector = who(demo, "recouvrement")
    item = emailable(demo, collector)
    preview = preview_dun(demo, collector, item.entry_id, 2, as_of=TODAY)
    reason = list_dispute_reasons(demo, collector)[0].id
    dispute = followup.open_dispute(demo, collector, item.customer_id, reason, [item.entry_id])
    with pytest.raises(NotDunnable) as refused:
        preview_dun(demo, collector, item.entry_id, 2, as_of=TODAY)
    assert refused.value.reason == "disputed"
    # Sent from a preview made before the dispute: checked again, nothing written.
    with pytest.raises(NotDunnable) as refused:
        dun_now(demo, collector, preview)
    assert refused.value.reason == "disputed"
    with demo.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Message.__table__)).scalar() == 0
    followup.close_dispute(demo, collector, dispute.id)

    followup.record_promise(
        demo, collector, item.customer_id, "10", TODAY + timedelta(days=5), [item.entry_id],
        today=TODAY,
    )  # fmt: skip
    with pytest.raises(NotDunnable) as refused:
        dun_now(demo, collector, preview)
    assert refused.value.reason == "promised"
    with pytest.raises(NotDunnable) as refused:
        preview_dun(demo, collector, item.entry_id, 2, as_of=TODAY)
    assert refused.value.reason == "promised"


def test_a_stop_refusal_keeps_its_reason_and_end_for_the_ui(demo: Engine) -> None:
    collector = who(demo, "recouvrement")
    item = emailable(demo, collector)
    preview = preview_dun(demo, collector, item.entry_id, 1, as_of=TODAY)
    until = TODAY + timedelta(days=9)
    followup.stop_dunning(demo, collector, [item.entry_id], "avoir à venir", until, today=TODAY)
    for attempt in (
        lambda: preview_dun(demo, collector, item.entry_id, 1, as_of=TODAY),
        lambda: dun_now(demo, collector, preview),
    ):
        with pytest.raises(NotDunnable) as refused:
            attempt()
        x = refused.value.exclusion
        assert refused.value.reason == "item_stopped" == x.reason
        assert refused.value.detail == f"avoir à venir (until {until.isoformat()})"
        assert (x.note, x.on, x.entry_id) == ("avoir à venir", until, item.entry_id)


def test_the_fresh_state_of_items_matches_the_open_items_table(demo: Engine) -> None:
    collector = who(demo, "recouvrement")
    rows = open_items(
        demo,
        collector,
        OpenItemFilters(states=("none",), min_days_late=1, kinds=("invoice",)),
        page_size=20,
        as_of=TODAY,
    ).rows
    a, b, c, d = rows[:4]
    reason = list_dispute_reasons(demo, collector)[0].id
    followup.record_promise(
        demo, collector, a.customer_id, "10", TODAY + timedelta(days=3), [a.entry_id], today=TODAY
    )
    followup.open_dispute(demo, collector, b.customer_id, reason, [b.entry_id], "faulty")
    followup.stop_dunning(demo, collector, [c.entry_id], "holiday", TODAY + timedelta(days=9),
                          today=TODAY)  # fmt: skip
    followup.log_call(demo, collector, d.customer_id, "no_answer", entry_ids=[d.entry_id],
                      today=TODAY)  # fmt: skip
    ids = [r.entry_id for r in (a, b, c, d)]
    fresh = item_status(demo, collector, ids, TODAY)
    clear_cache()
    table = {
        r.entry_id: r
        for r in open_items(demo, collector, page_size=500, as_of=TODAY).rows
        if r.entry_id in ids
    }
    fields = (
        "level", "next_level", "stopped", "stop_reason", "stop_until", "last_action_on",
        "last_action", "promise_id", "promised_on", "promise_amount", "dispute_id",
        "dispute_reason", "state",
    )  # fmt: skip
    for entry_id in ids:
        assert {f: getattr(fresh[entry_id], f) for f in fields} == {
            f: getattr(table[entry_id], f) for f in fields
        }
    assert [fresh[i].state for i in ids] == ["promised", "disputed", "stopped", "none"]
    assert fresh[c.entry_id].item_stopped and not fresh[a.entry_id].item_stopped
    assert fresh[d.entry_id].last_action == "call:no_answer"
    target = item_target(demo, collector, b.entry_id, TODAY)
    assert (target.piece, target.residual, target.status.dispute_reason) == (
        b.piece,
        b.residual,
        fresh[b.entry_id].dispute_reason,
    )


@pytest.mark.parametrize("login", ["direction", "commercial"])
def test_read_only_users_and_sales_reps_may_not_dun(demo: Engine, login: str) -> None:
    collector = who(demo, "recouvrement")
    other = who(demo, login)
    item = open_items(demo, other, OpenItemFilters(min_days_late=1, kinds=("invoice",))).rows[0]
    preview = preview_dun(demo, collector, item.entry_id, 3, as_of=TODAY)
    with pytest.raises(AccessDenied):
        preview_dun(demo, other, item.entry_id, 3, as_of=TODAY)
    with pytest.raises(AccessDenied):
        dun_now(demo, other, preview)
    with pytest.raises(AccessDenied):
        asyncio.run(deliver(demo, other))
    # They still see the item's state (the page reads it).
    assert item.entry_id in item_status(demo, other, [item.entry_id], TODAY)


def test_a_collector_may_not_dun_outside_the_portfolio(demo: Engine) -> None:
    rep = who(demo, "commercial")
    mine = {r.customer_id for r in open_items(demo, rep, page_size=500, as_of=TODAY).rows}
    admin = who(demo, "admin")
    outside = next(
        r
        for r in open_items(demo, admin, OpenItemFilters(min_days_late=1), page_size=500).rows
        if r.customer_id not in mine
    )
    limited = Viewer(rep.user_id, rep.login, rep.name, "collector", scope=rep.scope)
    with pytest.raises(AccessDenied):
        preview_dun(demo, limited, outside.entry_id, 3, as_of=TODAY)
    with pytest.raises(AccessDenied):
        item_status(demo, limited, [outside.entry_id], TODAY)


async def _run_handler(gen_or_coro):  # noqa: ANN001, ANN202
    if hasattr(gen_or_coro, "__aiter__"):
        return [e async for e in gen_or_coro]
    return await gen_or_coro


def test_the_handlers_refuse_a_sales_rep_sending_events_by_hand(
    sqlite_store: Engine, demo_base, monkeypatch: pytest.MonkeyPatch
) -> None:
    import reflex as rx

    from src_dash.store.engine import get_engine
    from src_dash.ui import i18n
    from src_dash.ui.auth import AuthState
    from src_dash.ui.components.item_actions import ItemActionsState, Target

    engine = sqlite_store
    register(engine, demo_base)
    assert sync_company(engine, "DEMO1", full=True, as_of=TODAY).status == "ok"
    seed_defaults(engine)
    seed_demo_users(engine)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SRC_DASH_TODAY", TODAY.isoformat())
    get_engine.cache_clear()
    clear_cache()
    rep = who(engine, "commercial")
    item = open_items(engine, rep, OpenItemFilters(min_days_late=1, kinds=("invoice",))).rows[0]

    root = rx.State()
    auth = root.get_substate(AuthState.get_full_name().split(".")[1:])
    actions = root.get_substate(ItemActionsState.get_full_name().split(".")[1:])
    auth.token = log_in(engine, "commercial", DEMO_PASSWORD)

    events = asyncio.run(_run_handler(actions.open_action("promise", item.entry_id)))
    assert actions.dialog == "" and len(events) == 1  # a toast: denied
    # A crafted event on the item, as if the dialog had been opened.
    actions.dialog = "promise"
    actions.target = Target(entry_id=item.entry_id, customer_id=item.customer_id, piece="x")
    form = {"amount": "10", "promised_on": (TODAY + timedelta(days=3)).isoformat()}
    asyncio.run(_run_handler(actions.submit_promise(form)))
    asyncio.run(_run_handler(actions.submit_stop({"reason": "no"})))
    assert actions.errors == {"_": i18n.text("act.err.denied", "fr")}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Promise.__table__)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(ItemState.__table__)).scalar() == 0
    get_engine.cache_clear()


def test_a_preview_plans_on_customers_prepared_until_more_than_the_follow_up_changes(
    demo: Engine,
) -> None:
    import time

    from src_dash.analytics.ledger import get_ledger
    from src_dash.dunning.scenarios import load_scenarios
    from src_dash.services.dun_now import prepared_customers
    from src_dash.store.versions import bump_data_version

    def prepared(max_age: float = 10.0):  # noqa: ANN202
        with demo.connect() as conn:
            scenarios = load_scenarios(conn)
        return prepared_customers(demo, get_ledger(demo), TODAY, scenarios, max_age=max_age)

    collector = who(demo, "recouvrement")
    item = emailable(demo, collector)
    first = prepared()
    # A follow-up change elsewhere moves the version: the preview keeps the prepared frame...
    followup.add_comment(demo, collector, item.customer_id, "vu", item.entry_id)
    assert prepared() is first
    preview = preview_dun(demo, collector, item.entry_id, 1, as_of=TODAY)
    clear_cache()
    fresh = plan(demo, TODAY, entry_ids=[item.entry_id], force_level=1, viewer=collector)
    assert preview.proposal == next(p for p in fresh.proposals if p.channel == "email")
    # ... and once it is too old, a newer one is computed in the background meanwhile...
    followup.add_comment(demo, collector, item.customer_id, "encore", item.entry_id)
    assert prepared(max_age=0) is first
    deadline = time.monotonic() + 30
    while prepared() is first and time.monotonic() < deadline:
        time.sleep(0.1)
    newer = prepared()
    assert newer is not first and newer.equals(first)
    # ... but after a change of the parties (a customer, a contact) or a sync, it is computed
    # again at once.
    with demo.begin() as conn:
        bump_data_version(conn)
    again = prepared()
    assert again is not newer
    with demo.begin() as conn:
        bump_data_version(conn, entries=True)
    assert prepared() is not again
