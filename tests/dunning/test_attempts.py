"""Claims with a lease, attempts counted only for real tries, retries that never give up on a
transient failure, and the resolution of a message in doubt (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from smtp_helpers import make_ledger, proposal
from sqlalchemy import select

from src_dash.dunning import attempts
from src_dash.dunning.runs import create_run
from src_dash.store import Action, Alert, Message

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
BACKOFF = {"backoff_seconds": 60, "backoff_max_seconds": 600}


def _rows(engine) -> dict[int, object]:
    m = Message.__table__
    with engine.connect() as conn:
        return {r.id: r for r in conn.execute(select(m).order_by(m.c.id))}


@pytest.fixture
def queued(store, tmp_path, monkeypatch):
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path / "data"))
    ids = make_ledger(store, 4)
    create_run(store, [proposal(store, ids, n) for n in range(4)])
    return ids


def test_a_claim_takes_a_small_batch_with_a_lease_and_counts_no_attempt(store, queued):
    with store.begin() as conn:
        claimed = attempts.claim(conn, "t1", NOW, 2, LEASE)
        assert [c.id for c in claimed] == [1, 2]
        assert [c.attempts for c in claimed] == [1, 1]  # the one about to be made
        # Held by t1 until the lease is past: nobody else takes them.
        assert [
            c.id for c in attempts.claim(conn, "t2", NOW + timedelta(seconds=30), 5, LEASE)
        ] == [
            3,
            4,
        ]
        assert attempts.claim(conn, "t3", NOW + timedelta(seconds=59), 5, LEASE) == []
        # t1 died: once its lease is past, its claims are taken again, still with no attempt.
        again = attempts.claim(conn, "t3", NOW + timedelta(seconds=61), 5, LEASE)
        assert [c.id for c in again] == [1, 2]
    rows = _rows(store)
    assert {(r.status, r.attempts) for r in rows.values()} == {("sending", 0)}
    assert rows[1].claim == "t3" and rows[1].lease_until == NOW + timedelta(seconds=121)


def test_a_transient_failure_waits_capped_and_never_fails(store, queued):
    for n in range(10):
        with store.begin() as conn:
            (c,) = attempts.claim(conn, f"t{n}", NOW + timedelta(days=n), 1, LEASE)
            status = attempts.mark_refused(
                conn, c.id, f"t{n}", "451 4.3.0 later", NOW, permanent=False, **BACKOFF
            )
            assert status == "queued"
    row = _rows(store)[1]
    assert (row.status, row.attempts, row.claim) == ("queued", 10, "")
    assert row.next_attempt_at == NOW + timedelta(seconds=600)
    a = Alert.__table__
    with store.connect() as conn:
        assert conn.execute(select(a)).all() == []


def test_a_permanent_refusal_fails_at_once_with_its_alert(store, queued):
    with store.begin() as conn:
        attempts.claim(conn, "t1", NOW, 2, LEASE)
        assert (
            attempts.mark_refused(conn, 1, "t1", "554 5.7.1 no", NOW, permanent=True, **BACKOFF)
            == "failed"
        )
        assert (
            attempts.mark_refused(
                conn, 2, "t1", "550 no user", NOW, permanent=True, bounced=True, **BACKOFF
            )
            == "bounced"
        )
        # Not claimed by this token: nothing is written.
        assert attempts.mark_refused(conn, 3, "t1", "554", NOW, permanent=True, **BACKOFF) == ""
    rows = _rows(store)
    assert [(rows[i].status, rows[i].attempts) for i in (1, 2, 3)] == [
        ("failed", 1),
        ("bounced", 1),
        ("queued", 0),
    ]
    a, ac = Alert.__table__, Action.__table__
    with store.connect() as conn:
        assert conn.execute(select(a.c.kind, a.c.message_id).order_by(a.c.id)).all() == [
            ("email_failed", 1),
            ("email_bounced", 2),
        ]
        assert conn.execute(select(ac.c.status).order_by(ac.c.id)).scalars().all() == [
            "failed",
            "failed",
            "proposed",
            "proposed",
        ]


def test_sent_counts_the_attempt_and_release_gives_claims_back_untouched(store, queued):
    with store.begin() as conn:
        attempts.claim(conn, "t1", NOW, 3, LEASE)
        from src_dash.dunning import outbox

        outbox.mark_handover(conn, 1, "t1", "<a@x>")
        assert attempts.mark_sent(conn, 1, "t1", "250 OK", NOW)
        assert attempts.release(conn, [2, 3], "t1", NOW + timedelta(minutes=1)) == 2
    rows = _rows(store)
    assert (rows[1].status, rows[1].attempts, rows[1].sent_at) == ("sent", 1, NOW)
    assert [(rows[i].status, rows[i].attempts, rows[i].claim) for i in (2, 3)] == [
        ("queued", 0, ""),
        ("queued", 0, ""),
    ]


def _crash(engine) -> None:
    """A dispatcher that died: 1 and 2 claimed, 3 in the handover (at the server), 4 in the
    handover (lost before its end of data)."""
    from src_dash.dunning import outbox

    with engine.begin() as conn:
        attempts.claim(conn, "dead", NOW, 4, LEASE)
        outbox.mark_handover(conn, 3, "dead", "<three@x>")
        outbox.mark_handover(conn, 4, "dead", "<four@x>")


def test_recovery_with_a_delivery_check_sends_nothing_twice_and_loses_nothing(store, queued):
    _crash(store)
    asked: list[list[str]] = []

    def check(ids: list[str]) -> set[str]:
        asked.append(sorted(ids))
        return {"<three@x>"}

    with store.begin() as conn:
        # Within the lease the server is not asked yet (it may still be taking the message).
        assert attempts.recover(conn, NOW + timedelta(seconds=10), check) == (2, 0, 0)
        assert asked == []
    with store.begin() as conn:
        assert attempts.recover(conn, NOW + timedelta(seconds=61), check) == (1, 0, 1)
    assert asked == [["<four@x>", "<three@x>"]]
    rows = _rows(store)
    got = [(rows[i].status, rows[i].attempts) for i in (1, 2, 3, 4)]
    assert got == [("queued", 0), ("queued", 0), ("sent", 1), ("queued", 1)]
    assert rows[3].server_answer == attempts.FOUND_ANSWER


def test_recovery_keeps_a_message_in_doubt_when_the_server_cannot_tell(store, queued):
    _crash(store)

    def down(ids: list[str]) -> set[str]:
        raise ConnectionRefusedError("sink unreachable")

    with store.begin() as conn:
        assert attempts.recover(conn, NOW + timedelta(seconds=61), down) == (2, 0, 0)
    assert {_rows(store)[i].status for i in (3, 4)} == {"handover"}


def test_recovery_without_a_check_flags_the_handover_for_a_person(store, queued):
    _crash(store)
    with store.begin() as conn:
        assert attempts.recover(conn, NOW) == (2, 2, 0)
    assert {_rows(store)[i].status for i in (3, 4)} == {"uncertain"}


def test_the_sink_check_finds_message_ids_in_the_sinks_files(tmp_path):
    from src_dash.dunning.mailsink import SinkHandler

    sink = SinkHandler(tmp_path / "sink")
    sink.store("a@x", ["b@y"], b"Message-ID: <one@x>\r\nSubject: s\r\n\r\nbody\r\n")
    check = attempts.sink_check(tmp_path / "sink")
    assert check(["<one@x>", "<two@x>"]) == {"<one@x>"}
    assert attempts.sink_check(tmp_path / "none")(["<one@x>"]) == set()


def test_a_dispatch_pass_claims_a_few_at_a_time(store, queued, monkeypatch):
    """With the server down, only the messages tried count an attempt; the others claimed
    wait with them, and those never claimed are untouched."""
    from smtp_helpers import SmtpServer

    from src_dash.dunning.dispatch import dispatch

    server = SmtpServer()  # never started: connections are refused
    settings = server.settings(smtp_connections=1, dispatch_backoff_seconds=60)
    result = dispatch(store, settings, now=NOW, letters=False, batch_size=2, check=None)
    assert "cannot reach" in result.server_error
    rows = _rows(store)
    assert [(rows[i].status, rows[i].attempts) for i in (1, 2, 3, 4)] == [
        ("queued", 1),
        ("queued", 0),
        ("queued", 0),
        ("queued", 0),
    ]
    # Those claimed but not tried wait with the one that found the server down (the next batch
    # was claimed while the first was tried); those never claimed are untouched.
    due = NOW + timedelta(seconds=60)
    assert rows[1].next_attempt_at == rows[2].next_attempt_at == due
    assert {rows[3].next_attempt_at, rows[4].next_attempt_at} <= {None, due}
    m = Message.__table__
    with store.connect() as conn:
        assert not conn.execute(select(m.c.id).where(m.c.claim != "")).all()
