"""The TOTP second factor of admins and collectors: enrolment, login with a code or a recovery
code, replays refused, wrong codes throttled like wrong passwords, turning it off, the admin's
reset, the audit log (SQLite and PostgreSQL). Codes are computed by pyotp at injected times."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select
from sqlmodel import Session

from src_dash.access import AccessDenied, viewer
from src_dash.clock import utcnow
from src_dash.services import login_guard, second_factor
from src_dash.services.auth import (
    AuthError,
    LoginHeld,
    SecondFactorRequired,
    WrongCode,
    create_user,
    log_in,
    signed_in,
)
from src_dash.services.second_factor import SecondFactorError
from src_dash.services.users import list_users
from src_dash.store import AuditLog, LoginThrottle, UserSession

GOOD = "Verger-Quatre-Saisons-71"


def _code(secret, when):
    return pyotp.TOTP(secret).at(when)


def _enrol(store, login, role="collector", now=None):
    """A user with the second factor on: (their viewer, the secret, the recovery codes)."""
    user_id = create_user(store, login, GOOD, role)
    who = viewer(store, user_id)
    now = now or utcnow()
    enrolment = second_factor.start(store, who)
    codes = second_factor.confirm(store, who, _code(enrolment.secret, now), now=now)
    return who, enrolment.secret, codes


def _actions(store, prefix):
    with Session(store) as session:
        rows = session.execute(
            select(AuditLog.action, AuditLog.details)
            .where(AuditLog.action.startswith(prefix))
            .order_by(AuditLog.id)
        ).all()
    return [tuple(r) for r in rows]


def _sessions(store):
    with Session(store) as session:
        return len(session.execute(select(UserSession.id)).all())


def test_enrolment_needs_a_right_code_and_gives_ten_single_use_recovery_codes(store):
    now = utcnow()
    user_id = create_user(store, "julien", GOOD, "collector")
    who = viewer(store, user_id)
    enrolment = second_factor.start(store, who)
    assert enrolment.uri.startswith("otpauth://totp/src_dash:julien?secret=")
    assert enrolment.secret in enrolment.uri and enrolment.qr.startswith("data:image/svg+xml")
    # Not on yet: the password alone still signs in.
    assert signed_in(store, log_in(store, "julien", GOOD, now=now))
    right = _code(enrolment.secret, now)
    wrong_code = f"{(int(right) + 1) % 10**6:06d}"
    with pytest.raises(SecondFactorError) as wrong:
        second_factor.confirm(store, who, wrong_code, now=now)
    assert wrong.value.code == "wrong"
    codes = second_factor.confirm(store, who, _code(enrolment.secret, now), now=now)
    assert len(codes) == len(set(codes)) == 10
    assert all(len(c) == 19 and c.count("-") == 3 for c in codes)
    state = second_factor.status(store, who)
    assert (state.allowed, state.enabled, state.recovery_left) == (True, True, 10)
    with Session(store) as session:
        stored = session.execute(select(second_factor.RecoveryCode.code_hash)).scalars().all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    with pytest.raises(SecondFactorError):
        second_factor.start(store, who)
    assert [a for a, _ in _actions(store, "user.second_factor")] == ["user.second_factor_on"]


def test_only_admins_and_collectors_may_turn_it_on(store):
    reader = viewer(store, create_user(store, "marc", GOOD, "read_only"))
    with pytest.raises(AccessDenied):
        second_factor.start(store, reader)
    assert not second_factor.status(store, reader).allowed
    admin = viewer(store, create_user(store, "claire", GOOD, "admin"))
    assert second_factor.status(store, admin).allowed
    assert second_factor.start(store, admin).secret


def test_login_needs_the_code_after_the_password_and_a_code_works_once(store):
    start = utcnow()
    who, secret, _ = _enrol(store, "julien", now=start)
    later = start + timedelta(minutes=2)
    with pytest.raises(SecondFactorRequired):
        log_in(store, "julien", GOOD, now=later, address="10.0.0.7")
    assert _sessions(store) == 0
    code = _code(secret, later)
    token = log_in(store, "julien", GOOD, now=later, address="10.0.0.7", code=code)
    assert signed_in(store, token, now=later).user_id == who.user_id
    # The same code again, in its window or the next step's, or the code of the step before
    # the one used (no going back): refused, no session.
    attempts = [(later, code), (later, _code(secret, later - timedelta(seconds=30)))]
    attempts.append((later + timedelta(seconds=25), code))
    for when, again in attempts:
        with pytest.raises(WrongCode):
            log_in(store, "julien", GOOD, now=when, address="10.0.0.7", code=again)
    assert _sessions(store) == 1
    # The next step's code works.
    nxt = later + timedelta(seconds=30)
    spaced = f" {_code(secret, nxt)[:3]} {_code(secret, nxt)[3:]}"
    assert log_in(store, "julien", GOOD, now=nxt, code=spaced)
    # A wrong password with a right code is a wrong password.
    far = later + timedelta(minutes=5)
    with pytest.raises(AuthError) as wrong:
        log_in(store, "julien", "nope-nope", now=far, code=_code(secret, far))
    assert not isinstance(wrong.value, WrongCode)
    logins = [d.get("second_factor") for a, d in _actions(store, "login") if a == "login"]
    assert logins == ["totp", "totp"]
    assert [a for a, _ in _actions(store, "login.code_failed")] == ["login.code_failed"] * 3


def test_a_recovery_code_works_once_and_is_counted(store):
    now = utcnow()
    who, _, codes = _enrol(store, "claire", role="admin", now=now)
    token = log_in(store, "claire", GOOD, now=now, code=codes[3].upper())
    assert signed_in(store, token, now=now)
    with pytest.raises(WrongCode):
        log_in(store, "claire", GOOD, now=now, code=codes[3])
    assert log_in(store, "claire", GOOD, now=now, code=codes[4].replace("-", ""))
    assert second_factor.status(store, who).recovery_left == 8
    with pytest.raises(WrongCode):
        log_in(store, "claire", GOOD, now=now, code="abcd-efgh-jkmn-pqrs")
    recoveries = [d.get("second_factor") for a, d in _actions(store, "login") if a == "login"]
    assert recoveries == ["recovery", "recovery"]


def test_wrong_codes_are_throttled_per_login_and_per_address_like_wrong_passwords(store):
    now = utcnow()
    _, secret, _ = _enrol(store, "julien", now=now)
    with pytest.raises(LoginHeld):
        for _ in range(login_guard.FREE_FAILURES + 1):
            try:
                log_in(store, "julien", GOOD, now=now, address="10.0.0.9", code="000001")
            except WrongCode:
                continue
    keys = {"login:julien", "addr:10.0.0.9"}
    with Session(store) as session:
        counts = dict(session.execute(select(LoginThrottle.key, LoginThrottle.failures)).all())
    assert counts == {k: login_guard.FREE_FAILURES for k in keys}
    # Held: even a right code is not looked at until the wait is over (the enrolment's step
    # is used, the next one is good).
    later = now + timedelta(seconds=30)
    with pytest.raises(LoginHeld):
        log_in(store, "julien", GOOD, now=now, address="10.0.0.9", code=_code(secret, later))
    assert log_in(store, "julien", GOOD, now=later, address="10.0.0.9", code=_code(secret, later))
    with Session(store) as session:
        left = dict(session.execute(select(LoginThrottle.key, LoginThrottle.failures)).all())
    assert left == {"addr:10.0.0.9": login_guard.FREE_FAILURES}  # the address keeps its count
    failed = [d for a, d in _actions(store, "login.code_failed")]
    assert failed == [{"login": "julien", "address": "10.0.0.9"}] * login_guard.FREE_FAILURES


def test_a_refused_login_is_one_write_transaction(store, monkeypatch):
    from src_dash.services import auth

    create_user(store, "claire", GOOD, "admin")
    opened = []
    real = auth.write_session

    def counting(engine):
        opened.append(1)
        return real(engine)

    monkeypatch.setattr(auth, "write_session", counting)
    with pytest.raises(AuthError):
        log_in(store, "claire", "nope-nope", address="10.0.0.1")
    with pytest.raises(AuthError):
        log_in(store, "ghost", "nope-nope", address="10.0.0.1")
    assert len(opened) == 2
    assert [a for a, _ in _actions(store, "login.failed")] == ["login.failed"] * 2


def test_turning_it_off_needs_a_current_code_or_the_password(store):
    now = utcnow()
    who, secret, _ = _enrol(store, "julien", now=now)
    later = now + timedelta(minutes=1)
    with pytest.raises(SecondFactorError) as wrong:
        second_factor.turn_off(store, who, "not-my-password", now=later)
    assert wrong.value.code == "wrong" and second_factor.status(store, who).enabled
    second_factor.turn_off(store, who, _code(secret, later), now=later)
    assert second_factor.status(store, who) == second_factor.SecondFactor(True, False, 0)
    assert log_in(store, "julien", GOOD, now=later)
    again = second_factor.start(store, who)
    assert again.secret != secret
    second_factor.confirm(store, who, _code(again.secret, later), now=later)
    second_factor.turn_off(store, who, GOOD, now=later)
    assert not second_factor.status(store, who).enabled
    actions = [(a, d.get("by")) for a, d in _actions(store, "user.second_factor")]
    assert actions == [
        ("user.second_factor_on", None),
        ("user.second_factor_refused", None),
        ("user.second_factor_off", "totp"),
        ("user.second_factor_on", None),
        ("user.second_factor_off", "password"),
    ]


def test_an_admin_resets_a_users_second_factor_and_it_is_audited(store):
    now = utcnow()
    admin = viewer(store, create_user(store, "claire", GOOD, "admin"))
    julien, _, codes = _enrol(store, "julien", now=now)
    [row] = [u for u in list_users(store, admin) if u.login == "julien"]
    assert row.second_factor
    with pytest.raises(AccessDenied):
        second_factor.reset(store, julien, julien.user_id)
    assert second_factor.reset(store, admin, julien.user_id) is True
    assert not [u for u in list_users(store, admin) if u.login == "julien"][0].second_factor
    assert log_in(store, "julien", GOOD, now=now)  # the password alone again
    with pytest.raises(SecondFactorError):
        second_factor.turn_off(store, julien, codes[0], now=now)
    resets = [(a, d) for a, d in _actions(store, "user.second_factor_reset")]
    assert resets == [("user.second_factor_reset", {"login": "julien"})]


def test_on_a_public_address_the_new_password_waits_for_the_code(store, monkeypatch):
    from src_dash.services.auth import DEMO_PASSWORD, PasswordChangeRequired

    now = utcnow()
    monkeypatch.setenv("SRC_DASH_HOST", "127.0.0.1")
    user_id = create_user(store, "julien", DEMO_PASSWORD, "collector")
    who = viewer(store, user_id)
    secret = second_factor.start(store, who).secret
    second_factor.confirm(store, who, _code(secret, now), now=now)
    monkeypatch.setenv("SRC_DASH_HOST", "0.0.0.0")
    later = now + timedelta(seconds=30)
    with pytest.raises(PasswordChangeRequired):
        log_in(store, "julien", DEMO_PASSWORD, now=later)
    with pytest.raises(SecondFactorRequired):
        log_in(store, "julien", DEMO_PASSWORD, now=later, new_password=GOOD)
    with pytest.raises(PasswordChangeRequired):  # not changed without the code
        log_in(store, "julien", DEMO_PASSWORD, now=later)
    code = _code(secret, later)
    assert log_in(store, "julien", DEMO_PASSWORD, now=later, new_password=GOOD, code=code)
    later = later + timedelta(seconds=30)
    assert log_in(store, "julien", GOOD, now=later, code=_code(secret, later))
