"""The dispatcher against a real SMTP server (aiosmtpd on localhost): delivery, connections and
rate, retries with backoff, failures and alerts, and exactly-once delivery across a dispatcher
killed with SIGKILL at each point of a message's life."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from smtp_helpers import SmtpServer, make_ledger, proposal
from sqlalchemy import select, update

from src_dash.dunning import attempts
from src_dash.dunning.dispatch import dispatch, dispatcher_lock
from src_dash.dunning.runs import create_run
from src_dash.store import Action, Alert, Message

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("data_dir")


def _messages(engine) -> dict[int, object]:
    m = Message.__table__
    with engine.connect() as conn:
        return {r.id: r for r in conn.execute(select(m).order_by(m.c.id))}


def _alerts(engine) -> list:
    a = Alert.__table__
    with engine.connect() as conn:
        return conn.execute(select(a).order_by(a.c.id)).all()


def _queue(engine, count: int) -> dict:
    ids = make_ledger(engine, count)
    create_run(engine, [proposal(engine, ids, n) for n in range(count)])
    return ids


def test_a_run_is_delivered_to_its_to_and_cc_with_its_subject_and_items(store, server):
    ids = _queue(store, 3)
    result = dispatch(store, server.settings(), now=NOW, sent_by=ids["user"])
    assert (result.sent, result.failed, result.retried) == (3, 0, 0)
    got = sorted(server.received, key=lambda r: r.rcpt_tos[0])
    assert [r.rcpt_tos for r in got] == [
        [f"compta{n}@example.com", "commercial@atelier-dumas.fr"] for n in range(3)
    ]
    first = got[0].message
    assert first["To"] == "Marie Compta0 <compta0@example.com>"
    assert first["Cc"] == "Paul Girard <commercial@atelier-dumas.fr>"
    # From: the company's name on SMTP_FROM (no messaging settings yet); Reply-To: tagged.
    assert first["From"] == "Atelier Dumas SAS <relances@atelier-dumas.fr>"
    assert str(first["Reply-To"]).startswith("relances+m")
    assert got[0].subject == "Relance niveau 2 - Client 0 SARL"
    text = got[0].body("plain")
    assert "FA0000 niveau 2 : 1\u202f200,00\xa0€" in text
    assert "FA0001 niveau 1 : 350,50\xa0€" in text
    assert "<td>FA0001</td>" in got[0].body("html")
    messages = _messages(store)
    for m in messages.values():
        assert m.status == "sent"
        assert m.server_answer.startswith("250")
        assert m.sent_by == ids["user"]
        assert m.sent_at == NOW
        assert m.attempts == 1
        assert m.smtp_message_id in server.ids()
    a = Action.__table__
    with store.connect() as conn:
        assert set(conn.execute(select(a.c.status)).scalars()) == {"done"}
    # A second pass finds nothing to send.
    again = dispatch(store, server.settings(), now=NOW)
    assert again.sent == 0 and len(server.received) == 3


def test_connections_are_reused_and_the_rate_is_kept(sqlite_store, server):
    _queue(sqlite_store, 12)
    settings = server.settings(smtp_connections=1, smtp_per_connection=5, smtp_rate=20.0)
    started = time.monotonic()
    result = dispatch(sqlite_store, settings, now=NOW)
    took = time.monotonic() - started
    assert result.sent == 12
    assert server.sessions == 3  # 5 + 5 + 2 messages, each connection renewed after 5
    assert took >= 11 / 20 - 0.05  # 12 starts at 20 a second: the last 0.55 s after the first


def test_only_one_dispatcher_runs_at_a_time(store, server):
    _queue(store, 2)
    with dispatcher_lock(store) as got:
        assert got
        busy = dispatch(store, server.settings(), now=NOW)
    assert busy.busy and busy.sent == 0 and server.received == []
    assert dispatch(store, server.settings(), now=NOW).sent == 2


def test_with_the_server_down_messages_wait_with_backoff_then_go_when_it_is_back(store, server):
    _queue(store, 3)
    server.stop()
    settings = server.settings(dispatch_backoff_seconds=60, dispatch_max_attempts=4)
    first = dispatch(store, settings, now=NOW)
    assert first.sent == 0 and first.retried == 3 and "cannot reach" in first.server_error
    for m in _messages(store).values():
        assert (m.status, m.attempts) == ("queued", 1)
        assert m.next_attempt_at == NOW + timedelta(seconds=60)
    assert [a.kind for a in _alerts(store)] == ["smtp_unreachable"]

    # Not due yet: nothing is tried.
    early = dispatch(store, settings, now=NOW + timedelta(seconds=30))
    assert early.retried == 0 and early.server_error == ""
    # Due, the server still down: second attempt, the wait doubles.
    second = dispatch(store, settings, now=NOW + timedelta(seconds=61))
    assert second.retried == 3
    for m in _messages(store).values():
        assert m.attempts == 2
        assert m.next_attempt_at == NOW + timedelta(seconds=61 + 120)
    assert len(_alerts(store)) == 1  # one open alert for the server, not one per pass

    server.start()
    back = dispatch(store, settings, now=NOW + timedelta(seconds=200))
    assert back.sent == 3 and len(server.received) == 3
    assert {m.status for m in _messages(store).values()} == {"sent"}
    alert = _alerts(store)[0]
    assert alert.kind == "smtp_unreachable" and alert.resolved_at is not None


def test_with_the_server_down_for_days_messages_wait_capped_and_go_when_it_is_back(store, server):
    _queue(store, 2)
    server.stop()
    settings = server.settings(
        dispatch_backoff_seconds=10, dispatch_backoff_max_seconds=600, dispatch_max_attempts=3
    )
    now = NOW
    for _ in range(12):  # far more passes than dispatch_max_attempts
        dispatch(store, settings, now=now)
        now += timedelta(hours=6)
    messages = _messages(store)
    assert {m.status for m in messages.values()} == {"queued"}
    assert all(m.attempts == 12 for m in messages.values())
    # The wait stops doubling at its ceiling.
    last = now - timedelta(hours=6)
    assert {m.next_attempt_at for m in messages.values()} == {last + timedelta(seconds=600)}
    assert not [a for a in _alerts(store) if a.kind == "email_failed"]

    server.start()
    back = dispatch(store, settings, now=now)
    assert back.sent == 2 and len(server.received) == 2
    assert {(m.status, m.attempts) for m in _messages(store).values()} == {("sent", 13)}
    a = Action.__table__
    with store.connect() as conn:
        assert set(conn.execute(select(a.c.status)).scalars()) == {"done"}


def test_refusals_bounce_fail_or_wait_as_the_server_says(sqlite_store, server):
    _queue(sqlite_store, 3)
    answers = {"compta0@example.com": "550 5.1.1 no such user"}
    server.on_rcpt = lambda address: answers.get(address)

    def data(envelope) -> str | None:
        if "compta1@example.com" in envelope.rcpt_tos:
            return "554 5.7.1 rejected as spam"
        if "compta2@example.com" in envelope.rcpt_tos:
            return "451 4.3.0 try again later"
        return None

    server.on_data = data
    settings = server.settings(smtp_connections=1)
    result = dispatch(sqlite_store, settings, now=NOW)
    messages = list(_messages(sqlite_store).values())
    # Customer 0: its main address refused, the copy accepted: sent, with a bounce alert.
    assert messages[0].status == "sent"
    # Customer 1: refused for good after the data; customer 2: refused for now.
    assert (messages[1].status, messages[1].server_answer) == (
        "failed",
        "554 5.7.1 rejected as spam",
    )
    assert (messages[2].status, messages[2].attempts) == ("queued", 1)
    assert messages[2].next_attempt_at > NOW
    assert (result.sent, result.failed, result.retried) == (1, 1, 1)
    kinds = {(a.kind, a.message_id) for a in _alerts(sqlite_store)}
    assert kinds == {("email_bounced", messages[0].id), ("email_failed", messages[1].id)}
    bounce = next(a for a in _alerts(sqlite_store) if a.kind == "email_bounced")
    assert "compta0@example.com: 550" in bounce.text

    # Every recipient refused: bounced.
    answers["commercial@atelier-dumas.fr"] = "550 5.1.1 no such user"
    answers["compta2@example.com"] = "550 5.1.1 no such user"
    server.on_data = None
    dispatch(sqlite_store, settings, now=NOW + timedelta(hours=2))
    assert _messages(sqlite_store)[messages[2].id].status == "bounced"


def test_an_error_between_the_servers_acceptance_and_the_status_write_sends_nothing_twice(
    store, server, monkeypatch
):
    _queue(store, 4)
    original = attempts.mark_sent
    calls = Counter()

    def broken(conn, message_id, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the store went away")
        return original(conn, message_id, *args, **kwargs)

    monkeypatch.setattr(attempts, "mark_sent", broken)
    first = dispatch(store, server.settings(smtp_connections=1), now=NOW)
    monkeypatch.setattr(attempts, "mark_sent", original)
    # The pass stops at the store's error; the server has the first two.
    assert "the store went away" in first.store_error
    assert len(server.received) == 2
    statuses = Counter(m.status for m in _messages(store).values())
    # Claimed two at a time, the next two while the first are sent: left claimed, no attempt.
    assert statuses == {"sent": 1, "handover": 1, "sending": 2}
    assert [m.attempts for m in _messages(store).values()] == [1, 0, 0, 0]
    stuck = [m for m in _messages(store).values() if m.status == "handover"]

    # The restart resolves them: the one in the handover without sending it again.
    restart = dispatch(store, server.settings(), now=NOW)
    assert (restart.uncertain, restart.requeued, restart.sent) == (1, 2, 2)
    assert len(server.received) == 4
    assert Counter(server.ids()) == Counter(
        {m.smtp_message_id: 1 for m in _messages(store).values()}
    )
    assert _messages(store)[stuck[0].id].status == "uncertain"
    alert = next(a for a in _alerts(store) if a.kind == "email_uncertain")
    assert alert.message_id == stuck[0].id and "check its log" in alert.text


# ---- a dispatcher in another process, killed with SIGKILL

CHILD = """
import dataclasses, json, sys
from src_dash.config import load_settings
from src_dash.dunning.dispatch import dispatch
from src_dash.store.engine import make_engine
settings = dataclasses.replace(load_settings(), smtp_connections=int(sys.argv[2]))
print(json.dumps(dispatch(make_engine(sys.argv[1]), settings, letters=False).as_dict()))
"""


def _child(store_url: str, server: SmtpServer, connections: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(server.port),
        "SMTP_FROM": "relances@atelier-dumas.fr",
    }
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, store_url, str(connections)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _restart(engine, server: SmtpServer):  # noqa: ANN202
    """Dispatch again in this process (the dead child's locks go with it, maybe not at once)."""
    for _ in range(50):
        result = dispatch(engine, server.settings(), letters=False)
        if not result.busy:
            return result
        time.sleep(0.1)
    raise AssertionError("the killed dispatcher's lock was never released")


def _killer(child_holder: list, at: int):  # noqa: ANN202
    count = Counter()

    def hook(*_args) -> None:
        count["n"] += 1
        if count["n"] == at:
            os.kill(child_holder[0].pid, signal.SIGKILL)
            child_holder[0].wait()

    return hook


def _exactly_once(engine, server: SmtpServer, total: int) -> dict[int, object]:
    messages = _messages(engine)
    received = Counter(server.ids())
    assert len(server.received) == total
    assert all(n == 1 for n in received.values())
    assert set(received) == {m.smtp_message_id for m in messages.values()}
    return messages


def test_killed_before_the_end_of_data_then_restarted_delivers_each_message_once(
    store, store_url, server
):
    _queue(store, 20)
    holder: list = []
    kill = _killer(holder, at=2 * 7 + 1)  # the first recipient of the 8th message
    server.on_rcpt = lambda _address: kill() or None
    holder.append(_child(store_url, server, connections=1))
    assert holder[0].wait(timeout=60) == -signal.SIGKILL
    server.on_rcpt = None
    assert len(server.received) == 7
    statuses = Counter(m.status for m in _messages(store).values())
    assert statuses["sending"] >= 1 and statuses["sent"] == 7

    result = _restart(store, server)
    assert result.requeued == statuses["sending"]
    messages = _exactly_once(store, server, 20)
    assert {m.status for m in messages.values()} == {"sent"}
    assert not [a for a in _alerts(store) if a.kind == "email_uncertain"]


def test_killed_after_the_end_of_data_then_restarted_sends_nothing_twice(store, store_url, server):
    _queue(store, 12)
    holder: list = []
    kill = _killer(holder, at=5)
    server.on_data = lambda _envelope: kill() or None  # the server takes the 5th, its sender dies
    holder.append(_child(store_url, server, connections=1))
    assert holder[0].wait(timeout=60) == -signal.SIGKILL
    server.on_data = None
    assert len(server.received) == 5

    result = _restart(store, server)
    assert result.uncertain == 1
    messages = _exactly_once(store, server, 12)
    assert Counter(m.status for m in messages.values()) == {"sent": 11, "uncertain": 1}
    uncertain = next(m for m in messages.values() if m.status == "uncertain")
    assert server.received[4].message_id == uncertain.smtp_message_id
    assert [a.message_id for a in _alerts(store) if a.kind == "email_uncertain"] == [uncertain.id]


def test_killed_at_random_times_never_sends_twice_and_loses_nothing_silently(sqlite_store, server):
    _queue(sqlite_store, 60)
    url = str(sqlite_store.url)
    rng = random.Random(7)
    for _ in range(3):
        child = _child(url, server, connections=3)
        time.sleep(rng.uniform(0.3, 1.2))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    _restart(sqlite_store, server)
    messages = _messages(sqlite_store)
    received = Counter(server.ids())
    assert all(n == 1 for n in received.values())  # never twice
    alerted = {a.message_id for a in _alerts(sqlite_store) if a.kind == "email_uncertain"}
    for m in messages.values():
        # Sent means the server has it once; uncertain is flagged for a person; nothing else.
        assert m.status in ("sent", "uncertain")
        if m.status == "sent":
            assert received[m.smtp_message_id] == 1
        else:
            assert m.id in alerted


def test_a_message_left_in_sending_or_handover_is_resolved_on_restart(sqlite_store, server):
    _queue(sqlite_store, 3)
    m = Message.__table__
    with sqlite_store.begin() as conn:
        conn.execute(update(m).where(m.c.id == 1).values(status="sending", claim="dead"))
        conn.execute(update(m).where(m.c.id == 2).values(status="handover", claim="dead"))
    result = dispatch(sqlite_store, server.settings(), now=NOW)
    assert (result.requeued, result.uncertain, result.sent) == (1, 1, 2)
    statuses = {k: v.status for k, v in _messages(sqlite_store).items()}
    assert statuses == {1: "sent", 2: "uncertain", 3: "sent"}


def test_an_email_is_well_formed_mime_with_encoded_headers_and_a_pdf(tmp_path):
    from email import message_from_bytes
    from email.policy import default

    from src_dash.dunning.smtp import build_email

    pdf = tmp_path / "relance.pdf"
    pdf.write_bytes(b"%PDF-1.4 \x00\xff" * 50)
    raw = build_email(
        sender="Relances Dumas <relances@atelier-dumas.fr>",
        to=(("a@example.com", "Élodie Çà"), ("b@example.com", "")),
        cc=(("c@example.com", "Girard, Paul"),),
        subject="Relance n°2 – factures échues " + "très longue " * 8,
        text="Bonjour,\n.une ligne qui commence par un point\nTotal : 1\u202f200,00\xa0€\n",
        html="<p>Total : <b>1\u202f200,00\xa0€</b></p>",
        message_id="<k.1@atelier-dumas.fr>",
        attachment=pdf,
    )
    assert raw.isascii() and all(len(line) <= 998 for line in raw.split(b"\r\n"))
    msg = message_from_bytes(raw, policy=default)
    assert msg.defects == []
    assert msg["From"] == "Relances Dumas <relances@atelier-dumas.fr>"
    assert [a.display_name for a in msg["To"].addresses] == ["Élodie Çà", ""]
    assert msg["Cc"].addresses[0].display_name == "Girard, Paul"
    assert msg["Subject"] == "Relance n°2 – factures échues " + " ".join(["très longue"] * 8)
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == "Bonjour,\n.une ligne qui commence par un point\nTotal : 1\u202f200,00\xa0€\n"
    assert "<b>1\u202f200,00\xa0€</b>" in msg.get_body(("html",)).get_content()
    (attached,) = list(msg.iter_attachments())
    assert attached.get_filename() == "relance.pdf"
    assert attached.get_content() == pdf.read_bytes()


def test_an_invalid_address_is_refused_without_stopping_the_others(sqlite_store, server):
    from dataclasses import replace

    from src_dash.dunning.model import Recipient

    ids = make_ledger(sqlite_store, 2)
    bad = replace(proposal(sqlite_store, ids, 0), cc=(Recipient("not an address\r\nRCPT"),))
    worse = replace(proposal(sqlite_store, ids, 1), to=(Recipient("nobody@"),), cc=())
    create_run(sqlite_store, [bad, worse])
    result = dispatch(sqlite_store, server.settings(), now=NOW)
    assert (result.sent, result.bounced, result.store_error) == (1, 1, "")
    assert [r.rcpt_tos for r in server.received] == [["compta0@example.com"]]
    alerts = {a.message_id: a.text for a in _alerts(sqlite_store)}
    assert "not a valid address" in alerts[1] and "not a valid address" in alerts[2]
