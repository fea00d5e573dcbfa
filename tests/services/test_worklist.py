"""The worklist and the call sheet on the hand ledger (SQLite and PostgreSQL), with today injected:
what is due today and late, grouped by kind, for whom; marking actions done or skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session
from test_followup import World, app_events, audit_lines, snapshot

from src_dash.access import AccessDenied, viewer
from src_dash.analytics.timeline import timeline
from src_dash.services.followup import InvalidInput, log_call, open_dispute, record_promise
from src_dash.services.worklist import call_sheet, complete_action, worklist
from src_dash.store import Action, ActionItem, Comment, Message, Promise, User

TODAY = date(2026, 11, 22)
D = Decimal


def add_action(world: World, customer: str, kind: str, due_on: date, **kw) -> int:  # noqa: ANN003
    kw.setdefault("assigned_to", world.users["u1"].user_id)
    kw.setdefault("status", "approved")
    items = kw.pop("items", [])
    with Session(world.engine) as s:
        action = Action(
            company_id=world.hand.company,
            customer_id=world.customer(customer),
            kind=kind,
            due_on=due_on,
            origin="manual",
            **kw,
        )
        s.add(action)
        s.flush()
        for name in items:
            s.add(ActionItem(action_id=action.id, entry_id=world.entry(name)))
        s.commit()
        return action.id


def listed(result) -> dict[str, tuple[list[int], list[int]]]:  # noqa: ANN001
    return {
        g.kind: ([i.action_id for i in g.due_today], [i.action_id for i in g.late])
        for g in result.groups
    }


def test_the_worklist_groups_due_and_late_actions_by_kind(world: World):
    u1 = world.users["u1"]
    call_today = add_action(world, "GAMMA", "call", TODAY, items=["e12", "e13"], note="relancer")
    call_late = add_action(world, "BETA", "call", date(2026, 11, 18))
    step_late = add_action(world, "BETA", "step", date(2026, 11, 21), status="proposed", level=2)
    other = add_action(world, "GAMMA", "other", TODAY, assigned_to=None)  # nobody's: shown
    tomorrow = add_action(world, "GAMMA", "call", date(2026, 11, 23))
    add_action(world, "GAMMA", "call", TODAY, status="done")
    add_action(world, "GAMMA", "call", TODAY, status="skipped")
    add_action(world, "BETA", "call", TODAY, assigned_to=world.users["col2"].user_id)
    add_action(world, "ALPHA", "call", TODAY, assigned_to=None)  # outside u1's portfolio
    result = worklist(world.engine, u1, today=TODAY)
    assert listed(result) == {
        "call": ([call_today], [call_late]),
        "step": ([], [step_late]),
        "other": ([other], []),
    }
    assert [g.kind for g in result.groups] == ["call", "step", "other"]
    assert (result.due_today, result.late) == (2, 2)
    first = result.groups[0].due_today[0]
    assert (first.customer_number, first.items, first.amount, first.days_late, first.note) == (
        "GAMMA",
        2,
        D("1350.00"),  # 1100 + 250 still open
        0,
        "relancer",
    )
    assert result.groups[0].late[0].days_late == 4
    only_mine = worklist(world.engine, u1, today=TODAY, include_unassigned=False)
    assert "other" not in listed(only_mine)
    # Two days later, today's and tomorrow's calls are late too.
    later = worklist(world.engine, u1, today=date(2026, 11, 24))
    assert listed(later)["call"] == ([], [call_late, call_today, tomorrow])


def test_promise_follow_ups_come_the_day_after_and_leave_once_kept(world: World):
    u1, gamma = world.users["u1"], world.customer("GAMMA")
    promise = record_promise(
        world.engine, u1, gamma, "250", date(2026, 11, 25), [world.entry("e13")], today=TODAY
    )
    assert "promise_followup" not in listed(worklist(world.engine, u1, today=TODAY))
    due = worklist(world.engine, u1, today=date(2026, 11, 26))
    [item] = due.groups[0].due_today
    assert (item.kind, item.action_id, item.promise_status, item.promise_amount) == (
        "promise_followup",
        promise.followup_action_id,
        "pending",
        D("250.00"),
    )
    with Session(world.engine) as s:
        s.get(Promise, promise.id).status = "broken"
        s.commit()
    assert listed(worklist(world.engine, u1, today=date(2026, 11, 27)))["promise_followup"] == (
        [],
        [promise.followup_action_id],
    )
    with Session(world.engine) as s:
        s.get(Promise, promise.id).status = "kept"
        s.commit()
    assert worklist(world.engine, u1, today=date(2026, 11, 27)).groups == ()


def test_who_may_see_which_worklist(world: World):
    add_action(world, "GAMMA", "call", TODAY)
    admin, u1 = world.users["admin"], world.users["u1"]
    assert worklist(world.engine, admin, today=TODAY, user_id=u1.user_id).due_today == 1
    with pytest.raises(AccessDenied, match="another user's worklist"):
        worklist(world.engine, u1, today=TODAY, user_id=admin.user_id)
    for user in ("ro", "rep"):
        with pytest.raises(AccessDenied, match="may not do this"):
            worklist(world.engine, world.users[user], today=TODAY)


def test_marking_actions_done_or_skipped(world: World):
    u1, gamma = world.users["u1"], world.customer("GAMMA")
    call = add_action(world, "GAMMA", "call", TODAY)
    other = add_action(world, "GAMMA", "other", TODAY, note="envoyer le RIB")
    step = add_action(world, "GAMMA", "step", TODAY, status="proposed", level=1)
    done = complete_action(world.engine, u1, call, "done", "reached", "OK pour le 28")
    assert (done.status, done.outcome) == ("done", "reached")
    complete_action(world.engine, u1, other, "done", "fait")
    complete_action(world.engine, u1, step, "skipped", "client en congés")
    with Session(world.engine) as s:
        rows = {a: s.get(Action, a) for a in (call, other, step)}
        assert {a: (r.status, r.outcome, r.done_by) for a, r in rows.items()} == {
            call: ("done", "reached", u1.user_id),
            other: ("done", "fait", u1.user_id),
            step: ("skipped", "client en congés", u1.user_id),
        }
    assert [line.entity_id for line in audit_lines(world.engine, "action.done")] == [call, other]
    [skip] = audit_lines(world.engine, "action.skip")
    assert (skip.user_id, skip.details["outcome"]) == (u1.user_id, "client en congés")
    events = app_events(world.engine, gamma)
    # The call's outcome and the action's kind are codes, apart from the text (said in words).
    assert ("call", "Collector One", "OK pour le 28", "") in events
    assert ("action", "Collector One", "envoyer le RIB", "fait") in events
    codes = {(e.kind, e.code) for e in timeline(world.engine, gamma, as_of=TODAY)}
    assert {("call", "reached"), ("action", "other")} <= codes
    assert worklist(world.engine, u1, today=TODAY).groups == ()


def test_bad_completions_change_nothing(world: World):
    u1 = world.users["u1"]
    call = add_action(world, "GAMMA", "call", TODAY)
    step = add_action(world, "GAMMA", "step", TODAY, status="proposed")
    finished = add_action(world, "GAMMA", "other", TODAY, status="done")
    alpha = add_action(world, "ALPHA", "call", TODAY)
    before = snapshot(world.engine)
    cases = [
        ("status", lambda: complete_action(world.engine, u1, call, "cancelled")),
        ("status", lambda: complete_action(world.engine, u1, step, "done")),
        ("outcome", lambda: complete_action(world.engine, u1, call, "done", "promise")),
        ("outcome", lambda: complete_action(world.engine, u1, call, "done", "x" * 41)),
        ("action", lambda: complete_action(world.engine, u1, finished, "skipped")),
    ]
    for field, action in cases:
        with pytest.raises(InvalidInput) as error:
            action()
        assert error.value.field == field
    with pytest.raises(AccessDenied):
        complete_action(world.engine, u1, alpha, "done", "reached")
    with pytest.raises(AccessDenied):
        complete_action(world.engine, world.users["ro"], call, "done", "reached")
    assert snapshot(world.engine) == before


def test_a_planned_call_can_end_in_a_promise_through_the_call_log(world: World):
    u1 = world.users["u1"]
    call = add_action(world, "GAMMA", "call", TODAY, items=["e13"])
    log_call(
        world.engine, u1, world.customer("GAMMA"), "promise", entry_ids=[world.entry("e13")],
        amount="100", promised_on=date(2026, 12, 2), action_id=call, today=TODAY,
    )  # fmt: skip
    result = worklist(world.engine, u1, today=TODAY)
    assert result.groups == ()  # the call is done; the follow-up is due on 12-03


def test_the_call_sheet_has_the_figures_contacts_promises_and_a_script(world: World):
    u1, gamma = world.users["u1"], world.customer("GAMMA")
    open_dispute(world.engine, u1, gamma, world.reasons["Erreur de prix"], [world.entry("e13")])
    with Session(world.engine) as s:
        s.add(
            Message(
                customer_id=gamma,
                channel="email",
                subject="Relance R1",
                status="sent",
                idempotency_key="k1",
                sent_at=datetime(2026, 11, 3, 8, 0, tzinfo=UTC),
            )
        )
        s.add(Comment(customer_id=gamma, body="Préfère être appelé le matin"))
        s.commit()
    sheet = call_sheet(world.engine, u1, gamma, today=TODAY)
    assert (sheet.number, sheet.name, sheet.company_code, sheet.sales_rep) == (
        "GAMMA",
        "Gamma Inc",
        "HAND",
        "R1",
    )
    assert (sheet.outstanding, sheet.overdue, sheet.not_due) == (
        D("1350.00"),
        D("1100.00"),
        D("250.00"),
    )
    assert (sheet.open_items, sheet.overdue_items, sheet.oldest_days_late, sheet.grade) == (
        2,
        1,
        22,
        "B",  # A before the dispute opened above, which counts in the score
    )
    assert [(i.piece, i.state) for i in sheet.items] == [
        ("P-e12", "promised"),
        ("P-e13", "disputed"),
    ]
    assert [(c.name, c.phone) for c in sheet.contacts] == [("Boss", "+1 555 0100")]
    assert [(m.subject, m.status) for m in sheet.messages] == [("Relance R1", "sent")]
    assert [(p.amount, p.promised_on, p.status) for p in sheet.promises] == [
        (D("1100.00"), date(2026, 11, 28), "pending")
    ]
    assert [(d.reason, d.pieces, d.amount) for d in sheet.disputes] == [
        ("Erreur de prix", ("P-e13",), D("250.00"))
    ]
    assert sheet.comments == ("Préfère être appelé le matin",)
    script = "\n".join(sheet.script)
    assert script.startswith("Bonjour Boss, Collector One de Hand SA, service recouvrement.")
    assert "1 facture échue pour 1\u202f100,00\xa0€, la plus ancienne (P-e12) en retard de 22" in (
        script
    )
    assert "promis un règlement de 1\u202f100,00\xa0€ pour le 28 novembre 2026" in script
    assert "Un litige est ouvert (Erreur de prix) sur P-e13" in script


def test_the_call_sheet_speaks_the_viewers_language_and_keeps_to_the_portfolio(world: World):
    with Session(world.engine) as s:
        s.get(User, world.users["u1"].user_id).language = "en"
        s.commit()
    english = viewer(world.engine, world.users["u1"].user_id)
    sheet = call_sheet(world.engine, english, world.customer("BETA"), today=TODAY)
    assert sheet.contacts[0].role == "never"
    assert sheet.script[1] == (
        "I am calling about account BETA: 1 overdue invoice for €2,000.00, the oldest (P-e10) "
        "114 days past due."
    )
    with pytest.raises(AccessDenied):
        call_sheet(world.engine, english, world.customer("ALPHA"), today=TODAY)
    # A read-only user may read it (it changes nothing).
    assert call_sheet(world.engine, world.users["ro"], world.customer("ALPHA"), today=TODAY).items
