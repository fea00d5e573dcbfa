"""Login throttling, the audit of logins, equal work for unknown logins, idle sessions, the
password policy and the published demo password on a public address (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from src_dash.access import AccessDenied, viewer
from src_dash.clock import utcnow
from src_dash.services import login_guard
from src_dash.services.auth import (
    DEMO_PASSWORD,
    IDLE_TIMEOUT,
    AuthError,
    LoginHeld,
    PasswordChangeRequired,
    WeakPassword,
    change_password,
    create_user,
    log_in,
    on_published_password,
    signed_in,
)
from src_dash.services.passwords import password_problem
from src_dash.store import AuditLog

GOOD = "Verger-Quatre-Saisons-71"


def _guess(store, login, password, now, address="10.0.0.7"):
    """One attempt: "ok", "wrong" or "held"."""
    try:
        log_in(store, login, password, now=now, address=address)
    except LoginHeld:
        return "held"
    except AuthError:
        return "wrong"
    return "ok"


def test_a_thousand_guesses_in_an_hour_get_a_handful_of_password_checks(store):
    create_user(store, "claire", GOOD, "admin")
    start = utcnow()
    outcomes = [
        _guess(store, "claire", f"guess-{n}", start + timedelta(seconds=3.6 * n))
        for n in range(1000)
    ]
    checked = outcomes.count("wrong")
    # 3 free, then 1, 2, 4, ... 60 s waits, locked for 15 min at the 10th: about 20 an hour.
    assert checked <= 25, checked
    assert outcomes.count("held") == 1000 - checked
    # While held, even the right password is refused without being checked.
    held_now = start + timedelta(seconds=3.6 * 999)
    assert _guess(store, "claire", GOOD, held_now) == "held"


def test_the_wait_grows_then_locks_and_an_admin_unlocks(store):
    admin_id = create_user(store, "claire", GOOD, "admin")
    create_user(store, "julien", GOOD, "collector")
    now = utcnow()
    for _n in range(login_guard.FREE_FAILURES):
        assert _guess(store, "julien", "nope", now) == "wrong"
    assert _guess(store, "julien", GOOD, now) == "held"
    assert _guess(store, "julien", GOOD, now + timedelta(seconds=1)) == "ok"
    for _n in range(login_guard.LOCK_AFTER):
        now += login_guard.MAX_WAIT
        assert _guess(store, "julien", "nope", now, address="") == "wrong"
    assert _guess(store, "julien", GOOD, now + login_guard.MAX_WAIT, address="") == "held"
    with pytest.raises(LoginHeld) as held:
        log_in(store, "julien", GOOD, now=now + timedelta(minutes=5))
    assert held.value.locked
    admin = viewer(store, admin_id)
    assert [t.key for t in login_guard.throttled(store, admin, now)] == ["login:julien"]
    with pytest.raises(AccessDenied):
        login_guard.unlock(store, viewer(store, admin_id + 1), "julien")
    assert login_guard.unlock(store, admin, "JULIEN")
    assert _guess(store, "julien", GOOD, now + timedelta(minutes=5), address="") == "ok"


def test_an_address_is_throttled_across_logins_and_a_success_does_not_clear_it(store):
    create_user(store, "claire", GOOD, "admin")
    now = utcnow()
    free = login_guard.ADDRESS_FREE_FAILURES
    spray = [
        _guess(store, f"user{n}", "Printemps2026", now, address="10.9.9.9") for n in range(free + 2)
    ]
    assert spray == ["wrong"] * free + ["held"] * 2
    assert _guess(store, "claire", GOOD, now + timedelta(seconds=1), address="10.9.9.9") == "ok"
    # The address's count goes on: its next failure makes the next attempt wait 2 s.
    assert _guess(store, "user7", "x", now + timedelta(seconds=1), address="10.9.9.9") == "wrong"
    assert _guess(store, "user8", "x", now + timedelta(seconds=2), address="10.9.9.9") == "held"
    assert _guess(store, "claire", GOOD, now + timedelta(seconds=1), address="10.1.1.1") == "ok"


def test_an_unknown_login_costs_one_hash_like_a_known_one(store, monkeypatch):
    create_user(store, "claire", GOOD, "admin")
    log_in(store, "claire", GOOD)  # the dummy hash is made once, before counting
    with pytest.raises(AuthError):
        log_in(store, "nobody", "x")
    calls = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    with pytest.raises(AuthError) as unknown:
        log_in(store, "nobody-else", "Printemps2026", address="10.0.0.1")
    known = len(calls)
    with pytest.raises(AuthError) as wrong:
        log_in(store, "claire", "Printemps2026", address="10.0.0.2")
    assert known == 1 and len(calls) - known == 1
    assert str(unknown.value) == str(wrong.value)


def test_logins_and_refusals_are_in_the_audit_log(store):
    user_id = create_user(store, "claire", GOOD, "admin")
    now = utcnow()
    log_in(store, "claire", GOOD, now=now, address="10.0.0.7")
    for _ in range(4):
        _guess(store, "claire", "nope", now)
    _guess(store, "ghost", "nope", now, address="10.0.0.8")
    with Session(store) as session:
        lines = session.exec(
            select(AuditLog.action, AuditLog.user_id, AuditLog.details)
            .where(AuditLog.action.startswith("login"))
            .order_by(AuditLog.id)
        ).all()
    assert [a for a, _, _ in lines] == ["login"] + ["login.failed"] * 3 + [
        "login.held",
        "login.failed",
    ]
    assert lines[0][1] == user_id and lines[0][2] == {"address": "10.0.0.7"}
    assert lines[1][1] == user_id and lines[1][2]["login"] == "claire"
    assert lines[-1][1] is None and lines[-1][2] == {"login": "ghost", "address": "10.0.0.8"}


def test_an_idle_session_ends_and_a_used_one_lives_on(store):
    create_user(store, "claire", GOOD, "admin")
    now = utcnow()
    token = log_in(store, "claire", GOOD, now=now)
    assert signed_in(store, token, now=now + IDLE_TIMEOUT - timedelta(minutes=1))
    assert signed_in(store, token, now=now + 2 * IDLE_TIMEOUT - timedelta(minutes=2))
    assert signed_in(store, token, now=now + 3 * IDLE_TIMEOUT) is None


def test_changing_ones_password_ends_the_other_sessions_at_once(store):
    create_user(store, "claire", GOOD, "admin")
    here, there = log_in(store, "claire", GOOD), log_in(store, "claire", GOOD)
    with pytest.raises(AuthError, match="current"):
        change_password(store, here, "wrong", "Autre-Verger-Bleu-38")
    with pytest.raises(WeakPassword) as weak:
        change_password(store, here, GOOD, "password123")
    assert weak.value.code == "guessable"
    change_password(store, here, GOOD, "Autre-Verger-Bleu-38")
    assert signed_in(store, here) is not None and signed_in(store, there) is None
    assert _guess(store, "claire", "Autre-Verger-Bleu-38", utcnow(), address="") == "ok"


@pytest.mark.parametrize(
    "password",
    [
        "12345678",
        "password",
        "        ",
        "azerty123",
        "motdepasse",
        "Password1!",
        "claire2026",
        "claire.martin",
        "1234567890",
        "qwertyuiop",
        DEMO_PASSWORD,
        "src-dash-2026",
    ],
)
def test_common_guessable_and_published_passwords_are_refused(password):
    assert password_problem(password, login="claire", name="Claire Martin") is not None


def test_long_unusual_passwords_are_accepted():
    for password in (GOOD, "correct horse battery staple", "Brume sur le Vercors 1987"):
        assert password_problem(password, login="claire") is None


def test_on_a_public_address_the_published_password_must_be_changed(store, monkeypatch):
    create_user(store, "direction", DEMO_PASSWORD, "read_only")
    assert on_published_password(store) == ["direction"]
    monkeypatch.setenv("SRC_DASH_HOST", "127.0.0.1")
    assert log_in(store, "direction", DEMO_PASSWORD)
    monkeypatch.setenv("SRC_DASH_HOST", "0.0.0.0")
    with pytest.raises(PasswordChangeRequired):
        log_in(store, "direction", DEMO_PASSWORD)
    with pytest.raises(WeakPassword):
        log_in(store, "direction", DEMO_PASSWORD, new_password=DEMO_PASSWORD)
    with pytest.raises(AuthError):
        log_in(store, "direction", "not-it", new_password="Autre-Verger-Bleu-38")
    token = log_in(store, "direction", DEMO_PASSWORD, new_password="Autre-Verger-Bleu-38")
    assert signed_in(store, token).login == "direction"
    assert on_published_password(store) == []
    assert log_in(store, "direction", "Autre-Verger-Bleu-38", address="")
