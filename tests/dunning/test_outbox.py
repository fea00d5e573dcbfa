"""The outbox's states: handover by the claimer only, release, resending a message in doubt
(claims, attempts and recovery are in test_attempts.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from smtp_helpers import make_ledger, proposal
from sqlalchemy import select

from src_dash.dunning import attempts, outbox
from src_dash.dunning.runs import create_run
from src_dash.store import Message

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


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


def test_only_the_claimer_hands_over_and_a_release_gives_the_claim_back(store, queued):
    with store.begin() as conn:
        attempts.claim(conn, "t1", NOW, 10, LEASE)
        with pytest.raises(RuntimeError, match="no longer claimed"):
            outbox.mark_handover(conn, 1, "someone-else", "<x@y>")
        outbox.mark_handover(conn, 1, "t1", "<x@y>")
        attempts.mark_sent(conn, 1, "t1", "250 OK", NOW)
        assert attempts.release(conn, [2], "t1", NOW + timedelta(minutes=1)) == 1
    assert _status(store) == {1: ("sent", 1), 2: ("queued", 0), 3: ("queued", 0)}


def test_a_user_resends_a_message_in_doubt_but_not_one_in_the_queue(store, queued):
    with store.begin() as conn:
        attempts.claim(conn, "dead", NOW, 10, LEASE)
        outbox.mark_handover(conn, 2, "dead", "<x@y>")
        assert attempts.recover(conn, NOW) == (1, 1, 0)
    assert {i: s for i, (s, _) in _status(store).items()} == {
        1: "queued",
        2: "uncertain",
        3: "queued",
    }
    with store.begin() as conn:
        assert outbox.resend(conn, 2) is True
        assert outbox.resend(conn, 1) is False
    assert _status(store)[2] == ("queued", 0)
