"""The worklist's day in sections on the hand ledger (SQLite and PostgreSQL), with today injected:
today's, late and coming actions (7 days), what the user did today, and "côté client" (what
GAMMA did in their space, until a collector marks it handled), each within the viewer's scope.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select
from test_followup import TODAY, World, audit_lines
from test_worklist import add_action

from src_dash.access import AccessDenied
from src_dash.clock import utcnow
from src_dash.services.customer_space.actions import log_event, promise, write_message
from src_dash.services.customer_space.links import issue_link, resolve
from src_dash.services.customer_space.requests import (
    ask_call_back,
    ask_contact_change,
    refuse_contact,
)
from src_dash.services.followup import InvalidInput, add_comment, log_call, record_promise
from src_dash.services.worklist import complete_action, day_sections, mark_handled
from src_dash.services.worklist.done import day_bounds, done_window
from src_dash.store import Action, AuditLog, Message, SpaceHandled

D = Decimal


def utc(world: World, name: str):  # noqa: ANN201
    """The viewer on UTC days (the clock's day is a UTC day), so "today" is the clock's."""
    return dataclasses.replace(world.users[name], timezone="UTC")


def ids(items) -> list[int]:  # noqa: ANN001
    return [i.action_id for i in items]


def space_access(world: World, customer: str = "GAMMA"):  # noqa: ANN201
    issued = issue_link(world.engine, world.users["u1"], world.customer(customer))
    access = resolve(world.engine, issued.token, "203.0.113.9").access
    assert access is not None
    return access


def test_the_day_has_today_late_and_the_next_seven_days(world: World):
    u1 = world.users["u1"]
    today_call = add_action(world, "GAMMA", "call", TODAY)
    late_step = add_action(world, "BETA", "step", TODAY - timedelta(days=3), status="proposed")
    in_three = add_action(world, "BETA", "call", TODAY + timedelta(days=3))
    in_seven = add_action(world, "GAMMA", "step", TODAY + timedelta(days=7), status="proposed")
    add_action(world, "GAMMA", "call", TODAY + timedelta(days=8))  # beyond the week
    add_action(world, "GAMMA", "call", TODAY + timedelta(days=2), status="done")
    add_action(world, "ALPHA", "call", TODAY + timedelta(days=2), assigned_to=None)  # not u1's
    kept = record_promise(
        world.engine, u1, world.customer("GAMMA"), "250", TODAY + timedelta(days=4),
        [world.entry("e13")], today=TODAY,
    )  # fmt: skip
    back = log_call(
        world.engine, u1, world.customer("BETA"), "call_back", call_back_on=TODAY + timedelta(2),
        today=TODAY,
    )  # fmt: skip
    day = day_sections(world.engine, u1, today=TODAY)
    assert (ids(day.today), ids(day.late)) == ([today_call], [late_step])
    assert ids(day.upcoming) == [back.call_back_action_id, in_three, kept.followup_action_id,
                                 in_seven]  # fmt: skip
    assert [i.days_late for i in day.upcoming] == [-2, -3, -5, -7]
    followup = day.upcoming[2]
    assert (followup.kind, followup.promise_amount) == ("promise_followup", D("250.00"))
    # Five days later, today's call is late and the week moved on.
    later = day_sections(world.engine, u1, today=TODAY + timedelta(days=5))
    assert today_call in ids(later.late) and in_three in ids(later.late)
    assert ids(later.today) == [kept.followup_action_id]


def test_rows_carry_the_customers_comments_and_next_action(world: World):
    u1 = world.users["u1"]
    call = add_action(world, "GAMMA", "call", TODAY)
    beta_call = add_action(world, "BETA", "call", TODAY)
    add_action(world, "GAMMA", "call", TODAY + timedelta(days=10))
    add_comment(world.engine, u1, world.customer("GAMMA"), "attend un avoir")
    add_comment(world.engine, u1, world.customer("GAMMA"), "rappeler lundi")
    rows = {i.action_id: i for i in day_sections(world.engine, u1, today=TODAY).today}
    assert (rows[call].comments, rows[call].next_on) == (2, TODAY + timedelta(days=10))
    assert (rows[beta_call].comments, rows[beta_call].next_on) == (0, None)


def test_done_today_lists_the_users_calls_promises_comments_and_sends(world: World):
    u1, gamma, beta = utc(world, "u1"), world.customer("GAMMA"), world.customer("BETA")
    assert day_sections(world.engine, u1, today=TODAY).done == ()
    call = add_action(world, "BETA", "call", TODAY)
    complete_action(world.engine, u1, call, "done", "reached", "ok")
    log_call(world.engine, u1, gamma, "promise", entry_ids=[world.entry("e13")], amount="250",
             promised_on=TODAY + timedelta(days=6), today=TODAY)  # fmt: skip
    add_comment(world.engine, u1, beta, "envoyer le RIB")
    add_comment(world.engine, world.users["admin"], beta, "pas le mien")
    with world.engine.begin() as conn:
        conn.execute(
            insert(Message.__table__).values(
                customer_id=gamma, channel="email", subject="Relance", status="sent",
                idempotency_key="done-today-1", sent_by=u1.user_id, sent_at=utcnow(),
                total=D("1350.00"), recipients_to=["a@b.fr"], recipients_cc=[],
            )
        )  # fmt: skip
        start, _ = day_bounds(TODAY, "UTC")
        conn.execute(  # yesterday's work is not today's
            insert(AuditLog.__table__).values(
                user_id=u1.user_id, action="comment.add", entity="comment", entity_id=999,
                details={"customer_id": beta}, at=start - timedelta(seconds=1),
            )
        )  # fmt: skip
    done = day_sections(world.engine, u1, today=TODAY).done
    assert sorted(d.what for d in done) == [
        "action.done", "call.log", "comment.add", "message.sent",
    ]  # fmt: skip
    by = {d.what: d for d in done}
    assert (by["call.log"].customer_id, by["call.log"].outcome) == (gamma, "promise")
    assert (by["action.done"].customer_id, by["action.done"].outcome) == (beta, "reached")
    assert (by["message.sent"].outcome, by["message.sent"].amount) == ("email", D("1350.00"))
    assert [d.at for d in done] == sorted((d.at for d in done), reverse=True)
    # The next day, nothing yet.
    assert day_sections(world.engine, u1, today=TODAY + timedelta(days=1)).done == ()


def test_the_days_bounds_are_the_users_time_zone(world: World):
    start, end = day_bounds(date(2026, 7, 1), "Europe/Paris")
    assert (start, end) == (
        datetime(2026, 6, 30, 22, tzinfo=UTC),
        datetime(2026, 7, 1, 22, tzinfo=UTC),
    )
    assert day_bounds(date(2026, 7, 1), "Nowhere/Atlantis")[0] == datetime(2026, 7, 1, tzinfo=UTC)
    # On the clock's today, "today" is the user's day as it is now, wherever they are.
    for zone in ("Europe/Paris", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"):
        start, end = done_window(TODAY, zone)
        assert start <= utcnow() < end and end - start <= timedelta(hours=25)
    assert done_window(TODAY - timedelta(days=3), "UTC") == day_bounds(TODAY - timedelta(3), "UTC")


def test_done_today_follows_the_users_own_day(world: World):
    u1 = world.users["u1"]  # Europe/Paris
    add_comment(world.engine, u1, world.customer("BETA"), "noté")
    assert [d.what for d in day_sections(world.engine, u1, today=TODAY).done] == ["comment.add"]


def test_cote_client_lists_space_actions_until_handled(world: World):
    u1, admin = utc(world, "u1"), world.users["admin"]
    access = space_access(world)
    log_event(world.engine, access, "visit")  # a visit is nothing to handle
    promised = promise(world.engine, access, "250.00", TODAY + timedelta(days=5),
                       [world.entry("e13")], "virement", today=TODAY)  # fmt: skip
    wrote = write_message(world.engine, access, "Pouvez-vous me rappeler ?", today=TODAY)
    day = day_sections(world.engine, u1, today=TODAY)
    assert [(c.kind, c.customer_id) for c in day.client] == [
        ("message", world.customer("GAMMA")),
        ("promise", world.customer("GAMMA")),
    ]
    message, promised_line = day.client
    assert message.text == "Pouvez-vous me rappeler ?"
    assert (promised_line.amount, promised_line.on, promised_line.text) == (
        D("250.00"), TODAY + timedelta(days=5), "virement",
    )  # fmt: skip
    # The space's own actions are here, not in "aujourd'hui"; the promise's follow-up is coming.
    assert {promised.action_id, wrote.action_id}.isdisjoint(ids(day.today))
    assert any(i.kind == "promise_followup" for i in day.upcoming)
    # A manager sees it; a collector without GAMMA does not, and may not handle it.
    assert len(day_sections(world.engine, admin, today=TODAY).client) == 2
    assert day_sections(world.engine, world.users["col2"], today=TODAY).client == ()
    with pytest.raises(AccessDenied, match="not found"):
        mark_handled(world.engine, world.users["col2"], message.event_id)
    for role in ("ro", "rep"):
        with pytest.raises(AccessDenied, match="may not do this"):
            mark_handled(world.engine, world.users[role], message.event_id)
    # Handled: gone, its worklist action closed, in "fait aujourd'hui".
    assert mark_handled(world.engine, u1, message.event_id) == wrote.action_id
    day = day_sections(world.engine, u1, today=TODAY)
    assert [c.kind for c in day.client] == ["promise"]
    assert [(d.what, d.outcome) for d in day.done] == [("space.handled", "message")]
    with world.engine.connect() as conn:
        a = Action.__table__
        closed = conn.execute(select(a).where(a.c.id == wrote.action_id)).one()
        assert (closed.status, closed.outcome, closed.done_by) == ("done", "handled", u1.user_id)
        still = conn.execute(select(a.c.status).where(a.c.id == promised.action_id)).scalar()
        assert still == "approved"
        handled = conn.execute(select(SpaceHandled.__table__)).all()
    assert [(h.event_id, h.handled_by) for h in handled] == [(message.event_id, u1.user_id)]
    [line] = audit_lines(world.engine, "space.handled")
    assert line.details["customer_id"] == world.customer("GAMMA")
    with pytest.raises(InvalidInput, match="already handled"):
        mark_handled(world.engine, u1, message.event_id)
    mark_handled(world.engine, admin, promised_line.event_id)
    assert day_sections(world.engine, u1, today=TODAY).client == ()


def test_only_admins_see_another_users_day(world: World):
    u1, admin = world.users["u1"], world.users["admin"]
    add_action(world, "GAMMA", "call", TODAY)
    assert len(day_sections(world.engine, admin, today=TODAY, user_id=u1.user_id).today) == 1
    with pytest.raises(AccessDenied, match="another user's worklist"):
        day_sections(world.engine, u1, today=TODAY, user_id=admin.user_id)
    for role in ("ro", "rep"):
        with pytest.raises(AccessDenied, match="may not do this"):
            day_sections(world.engine, world.users[role], today=TODAY)


def test_cote_client_lists_requests_until_handled_or_decided(world: World):
    u1 = utc(world, "u1")
    access = space_access(world)
    back = ask_call_back(world.engine, access, "01 23 45 67 89", "mardi matin", today=TODAY)
    contact = ask_contact_change(world.engine, access, "Léa Compta", "lea@gamma.fr")
    lines = {c.kind: c for c in day_sections(world.engine, u1, today=TODAY).client}
    assert set(lines) == {"callback", "contact"}
    assert lines["callback"].text == "01 23 45 67 89 · mardi matin"
    assert lines["contact"].text == "Léa Compta · lea@gamma.fr"
    # A call back's own action is the one closed; a contact refused on the card is handled.
    assert mark_handled(world.engine, u1, lines["callback"].event_id) == back.action_id
    refuse_contact(world.engine, u1, contact.ref_id)
    assert day_sections(world.engine, u1, today=TODAY).client == ()
