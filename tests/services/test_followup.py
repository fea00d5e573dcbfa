"""Inline actions on the hand ledger (SQLite and PostgreSQL): each change writes its rows, one audit
line and a timeline event with who did it, bumps the data version, and is refused (changing
nothing) for the wrong role, a customer outside the portfolio, or bad input.

The hand ledger is described in tests/analytics/conftest.py. Open items on 2026-11-22:
ALPHA e3a 100.00 (due 11-14), e3b 300.00 (due 12-14), e5 -50.00; BETA e10 2000.00 (due 07-31,
under an open dispute), e11 -300.00; GAMMA e12 1100.00 (due 10-31, promised for 11-28), e13
250.00 (due 12-01). Users added here: admin; u1, a collector whose portfolio is BETA (its
collector) and GAMMA (assigned); col2, a collector with no portfolio; rep, the sales rep user of
R1 (ALPHA, GAMMA); ro, read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from analytics.conftest import Hand, build_hand_ledger
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from src_dash.access import AccessDenied, Viewer, viewer
from src_dash.analytics.ledger import data_version
from src_dash.analytics.timeline import timeline
from src_dash.services.dispute_reasons import seed_default_dispute_reasons
from src_dash.services.followup import (
    InvalidInput,
    add_comment,
    cancel_promise,
    clear_flag,
    close_dispute,
    log_call,
    open_dispute,
    raise_flag,
    record_promise,
    resume_customer,
    resume_dunning,
    set_next_level,
    stop_customer,
    stop_dunning,
)
from src_dash.store import (
    Action,
    ActionItem,
    AuditLog,
    CashObjective,
    Comment,
    ContactService,
    Customer,
    Dispute,
    DisputeItem,
    DisputeReason,
    Flag,
    ItemState,
    PortfolioAssignment,
    Promise,
    PromiseItem,
    User,
)

TODAY = date(2026, 11, 22)
D = Decimal
ENTRY_KINDS = {"invoice", "credit_note", "payment", "other_debit", "bounced_payment"}


@dataclass
class World:
    """The hand ledger, one viewer per kind of user, and the seeded dispute reasons."""

    engine: Engine
    hand: Hand
    users: dict[str, Viewer]
    reasons: dict[str, int]

    def customer(self, name: str) -> int:
        return self.hand.customers[name]

    def entry(self, name: str) -> int:
        return self.hand.entries[name]


def build_world(engine: Engine) -> World:
    """The hand ledger plus users of every role and the default dispute reasons."""
    hand = build_hand_ledger(engine)
    with Session(engine) as s:
        added = {
            "admin": User(login="admin", name="Claire Admin", role="admin"),
            "col2": User(login="col2", name="Paul Other", role="collector"),
            "rep": User(
                login="rep", name="Sophie Rep", role="sales_rep", sales_rep_id=hand.reps["R1"]
            ),
            "ro": User(login="ro", name="Marc Reader", role="read_only"),
        }
        s.add_all(added.values())
        s.commit()
        ids = {k: u.id for k, u in added.items()} | {"u1": hand.users["U1"]}
    seed_default_dispute_reasons(engine)
    with engine.connect() as conn:
        reasons = dict(conn.execute(select(DisputeReason.label, DisputeReason.id)).all())
    return World(engine, hand, {k: viewer(engine, i) for k, i in ids.items()}, reasons)


SNAPSHOT_TABLES = (
    Promise,
    PromiseItem,
    Dispute,
    DisputeItem,
    DisputeReason,
    Comment,
    Flag,
    Action,
    ActionItem,
    ItemState,
    AuditLog,
    Customer,
    CashObjective,
    User,
    PortfolioAssignment,
    ContactService,
)


def snapshot(engine: Engine) -> dict[str, object]:
    """Every row the working side may write, and the data version."""
    out: dict[str, object] = {}
    with engine.connect() as conn:
        for model in SNAPSHOT_TABLES:
            table = model.__table__
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
        out["version"] = data_version(conn)
    return out


def audit_lines(engine: Engine, action: str) -> list:
    table = AuditLog.__table__
    with engine.connect() as conn:
        return conn.execute(
            select(table).where(table.c.action == action).order_by(table.c.id)
        ).all()


def version(engine: Engine) -> int:
    with engine.connect() as conn:
        return data_version(conn)


def app_events(engine: Engine, customer_id: int) -> list[tuple[str, str, str, str]]:
    """(kind, by, title, detail) of the app's events in a customer's timeline."""
    events = timeline(engine, customer_id, as_of=date(2100, 1, 1))
    return [(e.kind, e.by, e.title, e.detail) for e in events if e.kind not in ENTRY_KINDS]


def app_codes(engine: Engine, customer_id: int) -> list[tuple[str, str, date | None]]:
    """(kind, code, due) of the app's events: what the viewer's words and formats say."""
    events = timeline(engine, customer_id, as_of=date(2100, 1, 1))
    return [(e.kind, e.code, e.due) for e in events if e.kind not in ENTRY_KINDS]


# ---------------------------------------------------------------------------------------------
# Promises


def test_a_promise_covers_items_plans_its_follow_up_and_shows_in_the_timeline(world: World):
    u1, gamma = world.users["u1"], world.customer("GAMMA")
    before = version(world.engine)
    promise = record_promise(
        world.engine,
        u1,
        gamma,
        "200.00",
        date(2026, 11, 30),
        [world.entry("e13")],
        note="virement annoncé",
        today=TODAY,
    )
    assert (promise.amount, promise.status, promise.promised_on) == (
        D("200.00"),
        "pending",
        date(2026, 11, 30),
    )
    assert [(i.entry_id, i.piece, i.amount) for i in promise.items] == [
        (world.entry("e13"), "P-e13", D("200.00"))
    ]
    with Session(world.engine) as s:
        stored = s.get(Promise, promise.id)
        assert (stored.customer_id, stored.created_by, stored.note) == (
            gamma,
            u1.user_id,
            "virement annoncé",
        )
        follow = s.get(Action, promise.followup_action_id)
        assert (follow.kind, follow.due_on, follow.assigned_to, follow.promise_id) == (
            "promise_followup",
            date(2026, 12, 1),
            u1.user_id,
            promise.id,
        )
    [line] = audit_lines(world.engine, "promise.record")
    assert (line.user_id, line.entity, line.entity_id) == (u1.user_id, "promise", promise.id)
    assert line.details["amount"] == "200.00" and line.details["pieces"] == ["P-e13"]
    assert version(world.engine) == before + 1
    assert ("promise", "Collector One", "virement annoncé", "P-e13") in app_events(
        world.engine, gamma
    )
    assert ("promise", "", date(2026, 11, 30)) in app_codes(world.engine, gamma)


def test_a_promise_on_several_items_covers_them_in_due_date_order(world: World):
    alpha = world.customer("ALPHA")
    promise = record_promise(
        world.engine,
        world.users["admin"],
        alpha,
        D("150"),
        TODAY,  # today is not in the past
        [world.entry("e3b"), world.entry("e3a")],
        today=TODAY,
    )
    assert [(i.piece, i.amount) for i in promise.items] == [
        ("P-e3a", D("100.00")),
        ("P-e3b", D("50.00")),
    ]


@pytest.mark.parametrize(
    ("field", "amount", "day", "items", "note"),
    [
        ("amount", "0", date(2026, 11, 30), ["e13"], ""),
        ("amount", "-5", date(2026, 11, 30), ["e13"], ""),
        ("amount", "deux cents", date(2026, 11, 30), ["e13"], ""),
        ("amount", "250.01", date(2026, 11, 30), ["e13"], ""),  # 250.00 is open
        ("promised_on", "100", date(2026, 11, 21), ["e13"], ""),
        ("promised_on", "100", "le 30", ["e13"], ""),
        ("items", "100", date(2026, 11, 30), [], ""),
        ("items", "100", date(2026, 11, 30), ["e10"], ""),  # BETA's item
        ("items", "100", date(2026, 11, 30), ["e14"], ""),  # GAMMA's, but settled
        ("items", "100", date(2026, 11, 30), ["e12"], ""),  # already promised
        ("note", "100", date(2026, 11, 30), ["e13"], "x" * 501),
    ],
)
def test_a_bad_promise_names_its_field_and_changes_nothing(world, field, amount, day, items, note):
    before = snapshot(world.engine)
    with pytest.raises(InvalidInput) as error:
        record_promise(
            world.engine,
            world.users["u1"],
            world.customer("GAMMA"),
            amount,
            day,
            [world.entry(i) for i in items],
            note=note,
            today=TODAY,
        )
    assert error.value.field == field and str(error.value).startswith(f"{field}: ")
    assert snapshot(world.engine) == before


def test_cancelling_a_promise_skips_its_follow_up(world: World):
    u1, gamma = world.users["u1"], world.customer("GAMMA")
    promise = record_promise(
        world.engine, u1, gamma, "250", date(2026, 12, 5), [world.entry("e13")], today=TODAY
    )
    cancelled = cancel_promise(world.engine, u1, promise.id, note="le client s'est rétracté")
    assert cancelled.status == "cancelled"
    with Session(world.engine) as s:
        assert s.get(Action, promise.followup_action_id).status == "skipped"
    events = app_events(world.engine, gamma)
    assert ("promise_cancelled", "Collector One", "", "le client s'est rétracté") in events
    assert ("promise_cancelled", "", date(2026, 12, 5)) in app_codes(world.engine, gamma)
    before = snapshot(world.engine)
    with pytest.raises(InvalidInput, match="promise: is cancelled"):
        cancel_promise(world.engine, u1, promise.id)
    assert snapshot(world.engine) == before


# ---------------------------------------------------------------------------------------------
# Roles and portfolios


def _all_working_actions(world: World, who: Viewer, customer: str, item: str):
    cid, eid = world.customer(customer), world.entry(item)
    reason = world.reasons["Erreur de prix"]
    return [
        lambda: record_promise(world.engine, who, cid, "10", TODAY, [eid], today=TODAY),
        lambda: open_dispute(world.engine, who, cid, reason, [eid]),
        lambda: stop_dunning(world.engine, who, [eid], "courrier en cours", today=TODAY),
        lambda: set_next_level(world.engine, who, [eid], 2),
        lambda: log_call(world.engine, who, cid, "reached", today=TODAY),
        lambda: stop_customer(world.engine, who, cid, "redressement judiciaire", today=TODAY),
    ]


@pytest.mark.parametrize("user", ["ro", "rep"])
def test_read_only_and_sales_reps_may_not_work_items(world: World, user: str):
    before = snapshot(world.engine)
    # ALPHA is in the sales rep's portfolio: the role, not the scope, refuses.
    for action in _all_working_actions(world, world.users[user], "ALPHA", "e3b"):
        with pytest.raises(AccessDenied, match="may not do this"):
            action()
    assert snapshot(world.engine) == before


@pytest.mark.parametrize("user", ["u1", "col2"])
def test_a_collector_is_refused_outside_their_portfolio(world: World, user: str):
    before = snapshot(world.engine)
    for action in _all_working_actions(world, world.users[user], "ALPHA", "e3b"):
        with pytest.raises(AccessDenied, match="not found"):
            action()
    with pytest.raises(AccessDenied):
        add_comment(world.engine, world.users[user], world.customer("ALPHA"), "hello")
    assert snapshot(world.engine) == before
    # ... and may work inside it.
    if user == "u1":
        set_next_level(world.engine, world.users["u1"], [world.entry("e13")], 2)


def test_a_sales_rep_comments_and_flags_only_their_own_customers(world: World):
    rep, alpha, beta = world.users["rep"], world.customer("ALPHA"), world.customer("BETA")
    comment = add_comment(world.engine, rep, alpha, "  Le client a changé de comptable.  ")
    assert comment.body == "Le client a changé de comptable."
    flag = raise_flag(world.engine, rep, alpha, "risk", "Retards répétés")
    before = snapshot(world.engine)
    with pytest.raises(AccessDenied):
        add_comment(world.engine, rep, beta, "hors portefeuille")
    with pytest.raises(AccessDenied):
        raise_flag(world.engine, rep, beta, "watch")
    with pytest.raises(AccessDenied, match="may not do this"):
        add_comment(world.engine, world.users["ro"], alpha, "lecture seule")
    assert snapshot(world.engine) == before
    events = app_events(world.engine, alpha)
    assert ("comment", "Sophie Rep", "Le client a changé de comptable.", "") in events
    assert ("flag", "Sophie Rep", "Retards répétés", "") in events
    clear_flag(world.engine, rep, flag.id)
    assert ("flag_cleared", "Sophie Rep", "Retards répétés", "") in app_events(world.engine, alpha)
    codes = app_codes(world.engine, alpha)
    assert ("flag", "risk", None) in codes and ("flag_cleared", "risk", None) in codes
    with pytest.raises(InvalidInput, match="flag: is already cleared"):
        clear_flag(world.engine, rep, flag.id)


# ---------------------------------------------------------------------------------------------
# Disputes


def test_a_dispute_opens_on_items_and_closes_with_who_did_it(world: World):
    u1, admin, gamma = world.users["u1"], world.users["admin"], world.customer("GAMMA")
    reason = world.reasons["Marchandise non conforme"]
    dispute = open_dispute(world.engine, u1, gamma, reason, [world.entry("e13")], "palette abîmée")
    assert (dispute.status, dispute.reason, dispute.note) == (
        "open",
        "Marchandise non conforme",
        "palette abîmée",
    )
    assert [(i.piece, i.amount) for i in dispute.items] == [("P-e13", D("250.00"))]
    [line] = audit_lines(world.engine, "dispute.open")
    assert (line.user_id, line.entity_id, line.details["reason"]) == (
        u1.user_id,
        dispute.id,
        "Marchandise non conforme",
    )
    closed = close_dispute(world.engine, admin, dispute.id, note="avoir accordé")
    assert closed.status == "closed"
    events = app_events(world.engine, gamma)
    assert (
        "dispute_opened",
        "Collector One",
        "Marchandise non conforme",
        "palette abîmée — P-e13",
    ) in events
    assert ("dispute_closed", "Claire Admin", "Marchandise non conforme", "avoir accordé") in (
        events
    )
    before = snapshot(world.engine)
    with pytest.raises(InvalidInput, match="dispute: is already closed"):
        close_dispute(world.engine, admin, dispute.id)
    assert snapshot(world.engine) == before


def test_a_bad_dispute_names_its_field_and_changes_nothing(world: World):
    u1, beta, gamma = world.users["u1"], world.customer("BETA"), world.customer("GAMMA")
    with Session(world.engine) as s:
        old = DisputeReason(label="Ancien motif", active=False)
        s.add(old)
        s.commit()
        inactive = old.id
    before = snapshot(world.engine)
    cases = [
        ("reason", lambda: open_dispute(world.engine, u1, gamma, 99999, [world.entry("e13")])),
        ("reason", lambda: open_dispute(world.engine, u1, gamma, inactive, [world.entry("e13")])),
        ("reason", lambda: open_dispute(world.engine, u1, gamma, None, [world.entry("e13")])),
        ("items", lambda: open_dispute(world.engine, u1, gamma, 1, [])),
        ("items", lambda: open_dispute(world.engine, u1, gamma, 1, [world.entry("e3a")])),
        ("items", lambda: open_dispute(world.engine, u1, beta, 1, [world.entry("e10")])),
    ]
    for field, action in cases:
        with pytest.raises(InvalidInput) as error:
            action()
        assert error.value.field == field
    assert snapshot(world.engine) == before


# ---------------------------------------------------------------------------------------------
# Comments


def test_a_comment_on_an_item_names_its_piece(world: World):
    u1, gamma = world.users["u1"], world.customer("GAMMA")
    comment = add_comment(
        world.engine, u1, gamma, "Facture contestée au téléphone", world.entry("e12")
    )
    assert comment.entry_id == world.entry("e12")
    [line] = audit_lines(world.engine, "comment.add")
    assert (line.user_id, line.details["piece"]) == (u1.user_id, "P-e12")
    assert ("comment", "Collector One", "Facture contestée au téléphone", "P-e12") in app_events(
        world.engine, gamma
    )


@pytest.mark.parametrize(
    ("field", "body", "item"),
    [("body", "   ", None), ("body", "x" * 4001, None), ("item", "ok", "e10"), ("item", "ok", 0)],
)
def test_a_bad_comment_changes_nothing(world: World, field, body, item):
    before = snapshot(world.engine)
    entry = world.entry(item) if isinstance(item, str) else item
    with pytest.raises(InvalidInput) as error:
        add_comment(world.engine, world.users["u1"], world.customer("GAMMA"), body, entry)
    assert error.value.field == field
    assert snapshot(world.engine) == before


# ---------------------------------------------------------------------------------------------
# Stops and levels


def test_stopping_resuming_and_setting_the_level_of_items(world: World):
    u1, gamma = world.users["u1"], world.customer("GAMMA")
    e12, e13 = world.entry("e12"), world.entry("e13")
    states = stop_dunning(
        world.engine, u1, [e13, e12], "attente bon de commande", "2026-12-31", today=TODAY
    )
    assert [(s.piece, s.stop_reason, s.stop_until, s.level) for s in states] == [
        ("P-e13", "attente bon de commande", date(2026, 12, 31), 0),
        ("P-e12", "attente bon de commande", date(2026, 12, 31), 0),
    ]
    [line] = audit_lines(world.engine, "item.stop")
    assert (line.entity, line.entity_id, line.details["entries"]) == ("customer", gamma, [e13, e12])
    set_next_level(world.engine, u1, [e12], 3)
    resume_dunning(world.engine, u1, [e13])
    with Session(world.engine) as s:
        assert (s.get(ItemState, e12).next_level, s.get(ItemState, e12).stop_reason) == (
            3,
            "attente bon de commande",
        )
        assert (s.get(ItemState, e13).stop_reason, s.get(ItemState, e13).stop_until) == ("", None)
    events = app_events(world.engine, gamma)
    assert (
        "item_stopped",
        "Collector One",
        "attente bon de commande",
        "P-e13, P-e12",
    ) in events
    assert ("item_stopped", "", date(2026, 12, 31)) in app_codes(world.engine, gamma)
    assert ("level_set", "Collector One", "R3", "P-e12") in events
    assert ("item_resumed", "Collector One", "", "P-e13") in events
    set_next_level(world.engine, u1, [e12], None)
    with Session(world.engine) as s:
        assert s.get(ItemState, e12).next_level is None


def test_bad_stops_and_levels_change_nothing(world: World):
    u1, e13 = world.users["u1"], world.entry("e13")
    before = snapshot(world.engine)
    cases = [
        ("reason", lambda: stop_dunning(world.engine, u1, [e13], "  ", today=TODAY)),
        ("until", lambda: stop_dunning(world.engine, u1, [e13], "r", TODAY, today=TODAY)),
        ("until", lambda: stop_dunning(world.engine, u1, [e13], "r", "demain", today=TODAY)),
        ("items", lambda: stop_dunning(world.engine, u1, [], "r", today=TODAY)),
        ("items", lambda: stop_dunning(world.engine, u1, [world.entry("e14")], "r", today=TODAY)),
        ("items", lambda: resume_dunning(world.engine, u1, [e13])),
        ("level", lambda: set_next_level(world.engine, u1, [e13], 6)),
        ("level", lambda: set_next_level(world.engine, u1, [e13], 0)),
        ("level", lambda: set_next_level(world.engine, u1, [e13], "R2")),
    ]
    for field, action in cases:
        with pytest.raises(InvalidInput) as error:
            action()
        assert error.value.field == field, field
    assert snapshot(world.engine) == before


def test_stopping_a_whole_customer(world: World):
    u1, beta = world.users["u1"], world.customer("BETA")
    stopped = stop_customer(world.engine, u1, beta, "procédure collective", today=TODAY)
    assert (stopped.stop_reason, stopped.stop_until) == ("procédure collective", None)
    resume_customer(world.engine, u1, beta)
    with Session(world.engine) as s:
        assert s.get(Customer, beta).stop_reason == ""
    kinds = [(k, by, title) for k, by, title, _ in app_events(world.engine, beta)]
    assert ("customer_stopped", "Collector One", "procédure collective") in kinds
    assert ("customer_resumed", "Collector One", "") in kinds
    with pytest.raises(InvalidInput, match="customer: is not stopped"):
        resume_customer(world.engine, u1, beta)


# ---------------------------------------------------------------------------------------------
# Calls


def test_a_call_reached_is_a_done_call_action(world: World):
    u1, gamma = world.users["u1"], world.customer("GAMMA")
    call = log_call(
        world.engine, u1, gamma, "reached", "Parle à M. Boss", [world.entry("e12")], today=TODAY
    )
    assert (call.promise, call.dispute, call.call_back_action_id) == (None, None, None)
    with Session(world.engine) as s:
        action = s.get(Action, call.action_id)
        assert (action.kind, action.status, action.outcome, action.done_by, action.due_on) == (
            "call",
            "done",
            "reached",
            u1.user_id,
            TODAY,
        )
        items = s.exec(select(ActionItem.entry_id).where(ActionItem.action_id == action.id))
        assert list(items.scalars()) == [world.entry("e12")]
    [line] = audit_lines(world.engine, "call.log")
    assert (line.user_id, line.details["outcome"]) == (u1.user_id, "reached")
    assert ("call", "Collector One", "Parle à M. Boss", "") in app_events(world.engine, gamma)
    assert ("call", "reached", None) in app_codes(world.engine, gamma)


def test_a_call_ending_in_a_promise_records_it_in_the_same_change(world: World):
    u1, gamma = world.users["u1"], world.customer("GAMMA")
    before = version(world.engine)
    call = log_call(
        world.engine,
        u1,
        gamma,
        "promise",
        "paiera le 4",
        [world.entry("e13")],
        amount="250",
        promised_on=date(2026, 12, 4),
        today=TODAY,
    )
    assert call.promise is not None and call.promise.amount == D("250.00")
    assert version(world.engine) == before + 1
    [line] = audit_lines(world.engine, "promise.record")
    assert line.details["call_id"] == call.action_id
    kinds = [k for k, *_ in app_events(world.engine, gamma)]
    assert "call" in kinds and kinds.count("promise") == 2  # the hand ledger's and this one


def test_a_call_ending_in_a_dispute_opens_it(world: World):
    u1, gamma = world.users["u1"], world.customer("GAMMA")
    reason = world.reasons["Facture non reçue"]
    call = log_call(
        world.engine, u1, gamma, "dispute", "", [world.entry("e13")], reason_id=reason, today=TODAY
    )
    assert call.dispute is not None and call.dispute.reason == "Facture non reçue"
    with Session(world.engine) as s:
        assert s.get(Dispute, call.dispute.id).opened_by == u1.user_id


def test_a_call_back_plans_a_call_for_the_user_on_that_day(world: World):
    u1, beta = world.users["u1"], world.customer("BETA")
    call = log_call(
        world.engine, u1, beta, "call_back", "rappeler la comptable", call_back_on="2026-11-25",
        today=TODAY,
    )  # fmt: skip
    with Session(world.engine) as s:
        back = s.get(Action, call.call_back_action_id)
        assert (back.kind, back.status, back.due_on, back.assigned_to, back.parent_id) == (
            "call",
            "approved",
            date(2026, 11, 25),
            u1.user_id,
            call.action_id,
        )
    # Completing the planned call later closes it instead of logging a new one.
    later = log_call(
        world.engine, u1, beta, "no_answer", action_id=back.id, today=date(2026, 11, 25)
    )
    assert later.action_id == back.id
    with Session(world.engine) as s:
        assert (s.get(Action, back.id).status, s.get(Action, back.id).outcome) == (
            "done",
            "no_answer",
        )


def test_a_bad_call_changes_nothing(world: World):
    u1, gamma = world.users["u1"], world.customer("GAMMA")
    e13 = world.entry("e13")
    before = snapshot(world.engine)
    cases = [
        ("outcome", lambda: log_call(world.engine, u1, gamma, "busy", today=TODAY)),
        ("call_back_on", lambda: log_call(world.engine, u1, gamma, "call_back", today=TODAY)),
        (
            "call_back_on",
            lambda: log_call(
                world.engine,
                u1,
                gamma,
                "no_answer",
                call_back_on=TODAY - timedelta(days=1),
                today=TODAY,
            ),  # fmt: skip
        ),
        # The promise's own checks run after the call is written: all of it is rolled back.
        (
            "amount",
            lambda: log_call(
                world.engine,
                u1,
                gamma,
                "promise",
                entry_ids=[e13],
                amount="999",
                promised_on=date(2026, 12, 1),
                today=TODAY,
            ),  # fmt: skip
        ),
        (
            "reason",
            lambda: log_call(world.engine, u1, gamma, "dispute", entry_ids=[e13], today=TODAY),
        ),
        (
            "items",
            lambda: log_call(
                world.engine, u1, gamma, "reached", entry_ids=[world.entry("e10")], today=TODAY
            ),
        ),  # noqa: E501
    ]
    for field, action in cases:
        with pytest.raises(InvalidInput) as error:
            action()
        assert error.value.field == field
    assert snapshot(world.engine) == before


def test_every_change_writes_one_audit_line_by_its_author_and_bumps_the_version(world: World):
    u1, gamma, e13 = world.users["u1"], world.customer("GAMMA"), world.entry("e13")
    engine, reason = world.engine, world.reasons["Autre"]
    before = version(engine)
    with engine.connect() as conn:
        first = conn.execute(select(AuditLog.__table__.c.id).order_by(AuditLog.id.desc())).first()
    promise = record_promise(engine, u1, gamma, "10", TODAY, [e13], today=TODAY)
    cancel_promise(engine, u1, promise.id)
    dispute = open_dispute(engine, u1, gamma, reason, [e13])
    close_dispute(engine, u1, dispute.id)
    add_comment(engine, u1, gamma, "vu")
    flag = raise_flag(engine, u1, gamma, "watch")
    clear_flag(engine, u1, flag.id)
    stop_dunning(engine, u1, [e13], "pause", today=TODAY)
    set_next_level(engine, u1, [e13], 4)
    resume_dunning(engine, u1, [e13])
    stop_customer(engine, u1, gamma, "pause", today=TODAY)
    resume_customer(engine, u1, gamma)
    log_call(engine, u1, gamma, "reached", today=TODAY)
    table = AuditLog.__table__
    with engine.connect() as conn:
        lines = conn.execute(
            select(table.c.action, table.c.user_id)
            .where(table.c.id > (first[0] if first else 0))
            .order_by(table.c.id)
        ).all()
    assert [a for a, _ in lines] == [
        "promise.record",
        "promise.cancel",
        "dispute.open",
        "dispute.close",
        "comment.add",
        "flag.raise",
        "flag.clear",
        "item.stop",
        "item.set_level",
        "item.resume",
        "customer.stop",
        "customer.resume",
        "call.log",
    ]
    assert {u for _, u in lines} == {u1.user_id}
    assert version(engine) == before + len(lines)
