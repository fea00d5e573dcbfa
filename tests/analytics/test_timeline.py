"""Timelines of the hand ledger (SQLite and PostgreSQL): what the team and the dunning did, with
who did it, in the customer's timeline and in the portfolio's recent events."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from src_dash.analytics.scope import Scope
from src_dash.analytics.timeline import portfolio_timeline, timeline
from src_dash.store import Action, Message, Promise, User
from src_dash.store.versions import bump_data_version

TODAY = date(2026, 11, 22)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def _add_team_work(hand) -> dict[str, int]:  # noqa: ANN001
    """Messages and actions on GAMMA, by a named user; the pending promise gets kept."""
    gamma = hand.customers["GAMMA"]
    with Session(hand.engine) as s:
        user = User(login="julie", name="Julie Morel", role="collector")
        s.add(user)
        s.flush()
        rows = {
            "sent": Message(
                customer_id=gamma, subject="Relance R1", channel="email", status="sent",
                idempotency_key="a", sent_at=_at(date(2026, 11, 3)), sent_by=user.id,
            ),
            "bounced": Message(
                customer_id=gamma, subject="Relance R2", channel="email", status="bounced",
                idempotency_key="b", sent_at=_at(date(2026, 11, 17)), approved_by=user.id,
                server_answer="550 mailbox unavailable",
            ),
            "queued": Message(
                customer_id=gamma, subject="Relance R3", status="queued", idempotency_key="c",
                created_at=_at(date(2026, 11, 21)),
            ),
            "call": Action(
                company_id=hand.company, customer_id=gamma, kind="call",
                due_on=date(2026, 11, 18), status="done", outcome="no_answer",
                done_at=_at(date(2026, 11, 18), 15), done_by=user.id,
            ),
            "step": Action(
                company_id=hand.company, customer_id=gamma, kind="step",
                due_on=date(2026, 11, 3), status="done", done_at=_at(date(2026, 11, 3)),
            ),
            "skipped": Action(
                company_id=hand.company, customer_id=gamma, kind="other", note="envoyer RIB",
                due_on=date(2026, 11, 19), status="skipped", outcome="inutile",
                done_at=_at(date(2026, 11, 19)), done_by=user.id,
            ),
            "open": Action(
                company_id=hand.company, customer_id=gamma, kind="call", due_on=TODAY,
                status="approved",
            ),
        }  # fmt: skip
        s.add_all(rows.values())
        promise = s.exec(
            Promise.__table__.select().where(Promise.__table__.c.customer_id == gamma)
        ).first()
        kept = s.get(Promise, promise.id)
        kept.status, kept.resolved_at = "kept", _at(date(2026, 11, 20), 6)
        s.commit()
        ids = {k: v.id for k, v in rows.items()}
    with hand.engine.begin() as conn:
        bump_data_version(conn)
    return ids


def test_a_customer_timeline_shows_messages_calls_and_promises_with_who(hand):
    ids = _add_team_work(hand)
    events = timeline(hand.engine, hand.customers["GAMMA"], as_of=TODAY)
    app = [
        (e.on.isoformat(), e.kind, e.title, e.by, e.detail, e.code, e.due)
        for e in events
        if e.kind not in ("invoice", "payment", "credit_note")
    ]
    # Codes and dates apart from the text, for the viewer's words and formats.
    due = date(2026, 11, 28)
    assert app == [
        ("2026-11-03", "message", "Relance R1", "Julie Morel", "", "email", None),
        ("2026-11-15", "promise", "", "", "P-e12", "", due),
        ("2026-11-17", "message", "Relance R2", "Julie Morel", "", "email", None),
        ("2026-11-17", "message_failed", "Relance R2", "Julie Morel", "550 mailbox unavailable",
         "bounced", None),
        ("2026-11-18", "call", "", "Julie Morel", "", "no_answer", None),
        ("2026-11-19", "action_skipped", "envoyer RIB", "Julie Morel", "inutile", "other", None),
        ("2026-11-20", "promise_kept", "", "", "P-e12", "", due),
    ]  # fmt: skip
    # The done step is told by its message; the queued message and the open call are not events.
    refs = {(e.kind, e.ref) for e in events}
    assert ("action", ids["step"]) not in refs and ("call", ids["open"]) not in refs
    assert all(e.customer_id == hand.customers["GAMMA"] for e in events)


def test_the_portfolio_timeline_lists_recent_events_newest_first_in_scope(hand):
    _add_team_work(hand)
    recent = portfolio_timeline(hand.engine, as_of=TODAY, days=7)
    kinds = [(e.on.isoformat(), e.kind, e.customer) for e in recent]
    assert kinds == [
        ("2026-11-21", "flag", "ALPHA Alpha SARL"),
        ("2026-11-20", "promise_kept", "GAMMA Gamma Inc"),
        ("2026-11-20", "payment", "ALPHA Alpha SARL"),
        ("2026-11-19", "action_skipped", "GAMMA Gamma Inc"),
        ("2026-11-18", "call", "GAMMA Gamma Inc"),
        ("2026-11-17", "message_failed", "GAMMA Gamma Inc"),
        ("2026-11-17", "message", "GAMMA Gamma Inc"),
    ]
    # GAMMA's payment e14 (11-15) and promise (11-15) fall out of a 7-day window ending 11-22.
    assert [e.kind for e in portfolio_timeline(hand.engine, as_of=TODAY, days=8)][-2:] == [
        "promise",
        "payment",
    ]
    # A sales rep of R2 (BETA only) sees none of it; the limit keeps the newest.
    r2 = Scope(sales_rep_ids=frozenset({hand.reps["R2"]}))
    assert [e.kind for e in portfolio_timeline(hand.engine, r2, as_of=TODAY, days=30)] == [
        "payment",  # e11, 11-05
        "dispute_opened",  # 11-01
    ]
    assert len(portfolio_timeline(hand.engine, as_of=TODAY, days=7, limit=3)) == 3
    only = portfolio_timeline(hand.engine, as_of=TODAY, days=30, kinds={"call", "flag"})
    assert [e.kind for e in only] == ["flag", "call"]
