"""The outbox's states: claims, handover, refusals with backoff, recovery after a crash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from smtp_helpers import make_ledger, proposal
from sqlalchemy import select, update

from src_dash.dunning import outbox
from src_dash.dunning.runs import create_run
from src_dash.store import Alert, Message

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _status(engine) -> dict[int, tuple[str, int]]:
    m = Message.__table__
    with engine.connect() as conn:
        return {r.id: (r.status, r.attempts) for r in conn.execute(select(m).order_by(m.c.id))}


@pytest.fixture
def queued(store, tmp_path, monkeypatch):
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path / "data"))
    ids = make_ledger(store, 3)
    create_run(
        store,
        [
            proposal(store, ids, 0),
            proposal(store, ids, 1),
            proposal(store, ids, 2, channel="letter"),
        ],
    )
    return ids


def test_backoff_doubles_up_to_its_ceiling():
    waits = [outbox.backoff(n, 60, 3600).total_seconds() for n in range(1, 9)]
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_claim_takes_the_due_emails_once_and_counts_the_attempt(store, queued):
    m = Message.__table__
    with store.begin() as conn:
        conn.execute(
            update(m).where(m.c.id == 2).values(next_attempt_at=NOW + timedelta(minutes=5))
        )
        claimed = outbox.claim(conn, "t1", NOW, 10)
        assert [x.id for x in claimed] == [1]  # 2 is not due, 3 is a letter
        assert claimed[0].recipients_to == (("compta0@example.com", "Marie Compta0"),)
        assert outbox.claim(conn, "t2", NOW, 10) == []
        assert [x.id for x in outbox.claim(conn, "t2", NOW + timedelta(minutes=6), 10)] == [2]
    assert _status(store) == {1: ("sending", 1), 2: ("sending", 1), 3: ("queued", 0)}


def test_only_the_claimer_hands_over_and_a_release_gives_the_attempt_back(store, queued):
    with store.begin() as conn:
        outbox.claim(conn, "t1", NOW, 10)
        with pytest.raises(RuntimeError, match="no longer claimed"):
            outbox.mark_handover(conn, 1, "someone-else", "<x@y>")
        outbox.mark_handover(conn, 1, "t1", "<x@y>")
        outbox.mark_sent(conn, 1, "t1", "250 OK", NOW)
        assert outbox.release(conn, [2], "t1", NOW + timedelta(minutes=1)) == 1
    assert _status(store) == {1: ("sent", 1), 2: ("queued", 0), 3: ("queued", 0)}


def test_refusals_wait_then_fail_with_one_alert(store, queued):
    settings = {"max_attempts": 2, "backoff_seconds": 60, "backoff_max_seconds": 600}
    with store.begin() as conn:
        outbox.claim(conn, "t1", NOW, 1)
        assert (
            outbox.mark_refused(conn, 1, "t1", "421 busy", NOW, permanent=False, **settings)
            == "queued"
        )
        m = Message.__table__
        due = conn.execute(select(m.c.next_attempt_at).where(m.c.id == 1)).scalar()
        assert due == NOW + timedelta(seconds=60)
        outbox.claim(conn, "t2", NOW + timedelta(minutes=2), 1)
        assert (
            outbox.mark_refused(conn, 1, "t2", "421 busy", NOW, permanent=False, **settings)
            == "failed"
        )
        outbox.claim(conn, "t3", NOW, 1)
        assert (
            outbox.mark_refused(
                conn, 2, "t3", "550 no", NOW, permanent=True, bounced=True, **settings
            )
            == "bounced"
        )
    a = Alert.__table__
    with store.connect() as conn:
        alerts = conn.execute(select(a.c.kind, a.c.message_id).order_by(a.c.id)).all()
    assert alerts == [("email_failed", 1), ("email_bounced", 2)]


def test_recovery_queues_what_was_not_handed_over_and_flags_the_rest(store, queued):
    with store.begin() as conn:
        outbox.claim(conn, "dead", NOW, 10)
        outbox.mark_handover(conn, 2, "dead", "<x@y>")
        assert outbox.recover(conn) == (1, 1)
        assert outbox.recover(conn) == (0, 0)
    assert _status(store) == {1: ("queued", 1), 2: ("uncertain", 1), 3: ("queued", 0)}
    with store.begin() as conn:
        assert outbox.resend(conn, 2) is True
        assert outbox.resend(conn, 1) is False
    assert _status(store)[2] == ("queued", 0)
