"""Runs: the planner's proposals written as actions and outbox messages, then delivered."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from email.utils import getaddresses
from pathlib import Path

import pytest
from sage_helpers import TODAY, register
from smtp_helpers import make_ledger, proposal
from sqlalchemy import func, select, update

from src_dash.access import AccessDenied, viewer
from src_dash.dunning.defaults import seed_defaults
from src_dash.dunning.dispatch import dispatch
from src_dash.dunning.model import Plan
from src_dash.dunning.planner import plan
from src_dash.dunning.runs import RunError, approve, cancel, create_run
from src_dash.store import (
    Action,
    ActionItem,
    Alert,
    AuditLog,
    ItemState,
    Message,
    MessageItem,
    MessageTemplate,
    PortfolioAssignment,
    User,
)
from src_dash.sync import sync_company

pytestmark = pytest.mark.usefixtures("data_dir")


def _rows(engine, table, *where):  # noqa: ANN001, ANN202
    t = table.__table__
    with engine.connect() as conn:
        return conn.execute(select(t).where(*where).order_by(*t.primary_key.columns)).all()


def _states(engine) -> dict[int, tuple[int, date | None]]:
    return {r.entry_id: (r.level, r.last_dunned_on) for r in _rows(engine, ItemState)}


def test_a_run_over_the_demo_base_delivers_to_the_right_to_and_cc(store, demo_base, server):
    register(store, demo_base)
    assert sync_company(store, "DEMO1", full=True, as_of=TODAY).status == "ok"
    seed_defaults(store)
    the_plan = plan(store, TODAY)
    emails = [p for p in the_plan.proposals if p.channel == "email"]
    assert emails, "the demo base has emails to send"

    result = create_run(store, the_plan)
    assert result.actions == len(the_plan.proposals)
    assert result.emails == len(emails)
    assert result.calls == sum(p.channel == "phone" for p in the_plan.proposals)
    done = dispatch(store, server.settings(), now=None)
    assert done.sent == sum(not p.needs_approval for p in emails)

    messages = {r.idempotency_key: r for r in _rows(store, Message)}
    received = {r.message_id: r for r in server.received}
    for p in emails:
        row = messages[p.key]
        if p.needs_approval:
            assert row.status == "held" and row.smtp_message_id == ""
            continue
        mail = received[row.smtp_message_id]
        to = [a for _, a in getaddresses([mail.message["To"]])]
        cc = [a for _, a in getaddresses([mail.message.get("Cc", "")])]
        assert to == [r.email for r in p.to]
        assert cc == [r.email for r in p.cc]
        assert mail.rcpt_tos == list(dict.fromkeys([*to, *cc]))
        assert mail.subject == row.subject and row.subject
        text = mail.body("plain")
        for item in p.items:
            assert item.piece in text
        pieces = [
            (i.piece, i.level, i.residual)
            for i in _rows(store, MessageItem, MessageItem.message_id == row.id)
        ]
        assert pieces == [(i.piece, i.level, i.residual) for i in (*p.items, *p.credits)]
        assert row.status == "sent" and row.level == p.level

    # Every item sent at a level moved to it (those only listed keep their state); a letter's
    # items move when it is posted.
    states = _states(store)
    for p in the_plan.proposals:
        for item in p.items if p.channel != "letter" else ():
            if item.advances:
                assert states[item.entry_id] == (item.level, TODAY)
    # Calls wait in the worklist with their items.
    calls = _rows(store, Action, Action.kind == "call")
    assert len(calls) == result.calls
    for call in calls:
        assert _rows(store, ActionItem, ActionItem.action_id == call.id)
    # Letters have their PDF, and are in a grouped file to print: not sent until posted.
    letters = _rows(store, Message, Message.channel == "letter")
    assert all(Path(m.pdf_path).is_file() for m in letters)
    to_print = [m for m in letters if m.status != "held"]
    assert done.letters_printed == len(to_print)
    assert all(m.status == "queued" and Path(m.print_file).is_file() for m in to_print)


def test_running_the_same_plan_again_creates_nothing_new(store):
    ids = make_ledger(store, 3)
    proposals = [proposal(store, ids, n) for n in range(3)]
    first = create_run(store, proposals)
    assert (first.actions, first.messages, first.existing) == (3, 3, 0)
    again = create_run(store, Plan(as_of=TODAY, proposals=tuple(proposals)))
    assert (again.actions, again.messages, again.existing) == (0, 0, 3)
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Message.__table__)).scalar() == 3
        assert conn.execute(select(func.count()).select_from(Action.__table__)).scalar() == 3
    # Items moved once to their level, on the run's day.
    states = _states(store)
    assert sorted(states.values()) == sorted([(2, TODAY), (1, TODAY)] * 3)


def test_held_messages_wait_for_approval_then_are_sent(store, server):
    ids = make_ledger(store, 2)
    result = create_run(store, [proposal(store, ids, n, needs_approval=True) for n in range(2)])
    assert result.held == 2
    assert dispatch(store, server.settings()).sent == 0
    assert {m.status for m in _rows(store, Message)} == {"held"}

    collector = viewer(store, ids["user"])
    first = _rows(store, Message)[0]
    assert approve(store, collector, [first.id]) == 1
    assert approve(store, collector, [first.id]) == 0  # already approved
    assert dispatch(store, server.settings()).sent == 1
    row = _rows(store, Message, Message.id == first.id)[0]
    assert (row.status, row.approved_by) == ("sent", ids["user"])
    assert row.approved_at is not None
    action = _rows(store, Action, Action.id == row.action_id)[0]
    assert action.status == "done"
    audit = _rows(store, AuditLog, AuditLog.action == "message.approve")
    assert audit and audit[0].user_id == ids["user"]


def test_cancelling_a_held_message_puts_its_items_back_at_their_level(store):
    ids = make_ledger(store, 1)
    create_run(store, [proposal(store, ids, 0, level=3, needs_approval=True)])
    assert sorted(v[0] for v in _states(store).values()) == [3, 4]
    message = _rows(store, Message)[0]
    assert cancel(store, viewer(store, ids["user"]), [message.id], note="wrong amount") == 1
    assert sorted(v[0] for v in _states(store).values()) == [2, 3]
    assert _rows(store, Message)[0].status == "cancelled"
    assert _rows(store, Action)[0].status == "skipped"


def test_approving_all_at_once_queues_what_needs_approval(store):
    ids = make_ledger(store, 1)
    result = create_run(
        store,
        [proposal(store, ids, 0, needs_approval=True)],
        viewer=viewer(store, ids["admin"]),
        approve=True,
    )
    assert result.held == 0
    row = _rows(store, Message)[0]
    assert (row.status, row.approved_by) == ("queued", ids["admin"])


def test_a_failing_template_leaves_its_proposal_out_with_the_reason(store):
    ids = make_ledger(store, 2)
    t = MessageTemplate.__table__
    with store.begin() as conn:
        conn.execute(
            t.insert().values(
                code="BROKEN", language="fr", subject="{{ customer.nam }}", body_html="",
                body_text="x",
            )
        )  # fmt: skip
    good = proposal(store, ids, 0)
    bad = replace(proposal(store, ids, 1), template_code="BROKEN")
    result = create_run(store, [good, bad])
    assert result.messages == 1
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.customer_number == "C0001"
    assert "subject" in error.message and "nam" in error.message
    # Nothing written for the failing one: no action, no message, its items untouched.
    assert len(_rows(store, Action)) == 1
    assert not {e for e in ids["entries"][ids["customers"][1]]} & set(_states(store))


def test_a_viewer_outside_the_portfolio_may_not_run_and_nothing_is_written(store):
    ids = make_ledger(store, 2)
    u = User.__table__
    with store.begin() as conn:
        conn.execute(update(u).where(u.c.id == ids["user"]).values(sees_all_customers=False))
        conn.execute(
            PortfolioAssignment.__table__.insert().values(
                user_id=ids["user"], customer_id=ids["customers"][0]
            )
        )
    collector = viewer(store, ids["user"])
    with pytest.raises(AccessDenied, match="out of your portfolio"):
        create_run(store, [proposal(store, ids, 0), proposal(store, ids, 1)], viewer=collector)
    assert _rows(store, Action) == [] and _states(store) == {}
    ok = create_run(store, [proposal(store, ids, 0)], viewer=collector)
    assert ok.messages == 1
    read_only = viewer(store, ids["admin"])
    with pytest.raises(AccessDenied):
        approve(store, replace(read_only, role="read_only"), [1])


def test_a_run_is_for_one_day(store):
    ids = make_ledger(store, 2)
    with pytest.raises(RunError, match="one day"):
        create_run(
            store, [proposal(store, ids, 0), proposal(store, ids, 1, as_of=date(2026, 11, 23))]
        )
    assert _rows(store, Action) == []


def test_items_only_listed_keep_their_state_and_credits_are_kept_with_the_message(store):
    from decimal import Decimal

    ids = make_ledger(store, 1)
    p = proposal(store, ids, 0, level=2)
    listed = replace(p.items[1], advances=False, level=1, previous_level=1)
    credit = replace(
        p.items[1], entry_id=p.items[1].entry_id, piece="AV001", amount=Decimal("-100.00"),
        residual=Decimal("-100.00"), level=0, previous_level=0, kind="credit_note", advances=False,
    )  # fmt: skip
    p = replace(p, items=(p.items[0], listed), credits=(credit,))
    create_run(store, [p])
    assert _states(store) == {p.items[0].entry_id: (3, TODAY)}
    lines = _rows(store, MessageItem)
    assert [(i.piece, i.level, i.residual) for i in lines] == [
        ("FA0000", 3, Decimal("1200.00")),
        ("FA0001", 1, Decimal("350.50")),
        ("AV001", 0, Decimal("-100.00")),
    ]


def test_a_plan_with_no_recipient_raises_an_alert_once(store):
    from src_dash.dunning.model import Exclusion

    ids = make_ledger(store, 1)
    exclusion = Exclusion(
        ids["customers"][0], "C0000", "Client 0 SARL", "no_recipient", detail="Relance 1 (email)"
    )
    the_plan = Plan(as_of=TODAY, proposals=(), exclusions=(exclusion,))
    assert create_run(store, the_plan).alerts == 1
    assert create_run(store, the_plan).alerts == 0
    alerts = _rows(store, Alert)
    assert [(a.kind, a.customer_id) for a in alerts] == [("no_recipient", ids["customers"][0])]
    assert "Relance 1 (email)" in alerts[0].text


def test_src_dash_send_plans_writes_and_dispatches_the_day(
    store, store_url, demo_base, server, monkeypatch, capsys
):
    import json

    from src_dash.cli import main

    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    seed_defaults(store)
    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(server.port))
    assert main(["send", "--as-of", "2026-11-22", "--approve-all"]) == 0
    out = json.loads(capsys.readouterr().out)
    emails = out["run"]["emails"]
    assert out["proposals"] == out["run"]["actions"] > 0
    assert out["dispatch"]["sent"] == emails == len(server.received)
    assert out["dispatch"]["letters_printed"] == out["run"]["letters"]
    rows = _rows(store, Message)
    assert {m.status for m in rows if m.channel == "email"} == {"sent"}
    # Letters wait to be printed and posted.
    assert {m.status for m in rows if m.channel == "letter"} <= {"queued"}
    # The same day again: nothing new is written or sent.
    assert main(["send", "--as-of", "2026-11-22"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["run"]["actions"] == 0 and again["dispatch"]["sent"] == 0
    assert len(server.received) == emails
