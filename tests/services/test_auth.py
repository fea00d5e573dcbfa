"""Users, passwords and sessions on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sage_helpers import TODAY, register
from sqlmodel import Session, select

from src_dash.analytics.balances import balances
from src_dash.analytics.scope import scope_for_user
from src_dash.clock import utcnow
from src_dash.services.auth import (
    DEMO_PASSWORD,
    SESSION_LIFETIME,
    AuthError,
    check_password,
    create_user,
    hash_password,
    log_in,
    log_out,
    purge_expired_sessions,
    seed_demo_users,
    signed_in,
)
from src_dash.store import Customer, SalesRep, User, UserSession
from src_dash.sync import sync_company


def test_passwords_are_salted_hashes_checked_in_constant_time():
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second and first.startswith("scrypt$")
    assert "correct horse" not in first
    assert check_password("correct horse", first) and check_password("correct horse", second)
    assert not check_password("wrong horse", first)
    assert not check_password("correct horse", "plain-text")


def test_log_in_gives_a_token_that_the_store_keeps_only_hashed(store):
    user_id = create_user(store, "claire", "s3cret-pass", "admin", name="Claire")
    token = log_in(store, "claire", "s3cret-pass")
    who = signed_in(store, token)
    assert who is not None and (who.user_id, who.role, who.name) == (user_id, "admin", "Claire")
    with Session(store) as session:
        stored = session.exec(select(UserSession.token_hash)).one()
    assert token not in stored and len(stored) == 64
    log_out(store, token)
    assert signed_in(store, token) is None


def test_wrong_login_or_password_get_the_same_answer(store):
    create_user(store, "claire", "s3cret-pass", "admin")
    with pytest.raises(AuthError) as wrong_password:
        log_in(store, "claire", "nope-nope")
    with pytest.raises(AuthError) as wrong_login:
        log_in(store, "nobody", "s3cret-pass")
    assert str(wrong_password.value) == str(wrong_login.value) == "unknown login or wrong password"


def test_sessions_expire_and_disabled_users_are_out(store):
    create_user(store, "julien", "s3cret-pass", "collector")
    now = utcnow()
    token = log_in(store, "julien", "s3cret-pass", now=now)
    # Used every half hour, it lives its whole lifetime (the idle timeout never comes).
    step = timedelta(minutes=30)
    for n in range(1, int((SESSION_LIFETIME - timedelta(minutes=1)) / step) + 1):
        assert signed_in(store, token, now=now + n * step)
    assert signed_in(store, token, now=now + SESSION_LIFETIME - timedelta(minutes=1))
    assert signed_in(store, token, now=now + SESSION_LIFETIME) is None
    assert purge_expired_sessions(store, now=now + SESSION_LIFETIME) == 1
    token = log_in(store, "julien", "s3cret-pass")
    with Session(store) as session:
        user = session.exec(select(User).where(User.login == "julien")).one()
        user.active = False
        session.add(user)
        session.commit()
    assert signed_in(store, token) is None
    with pytest.raises(AuthError):
        log_in(store, "julien", "s3cret-pass")


def test_users_are_checked_when_created(store):
    with pytest.raises(AuthError, match="role"):
        create_user(store, "x", "long-enough", "superuser")
    with pytest.raises(AuthError, match="8 characters"):
        create_user(store, "x", "short", "admin")
    with pytest.raises(AuthError, match="sales rep"):
        create_user(store, "x", "long-enough", "sales_rep")
    create_user(store, "x", "long-enough", "admin")
    with pytest.raises(AuthError, match="taken"):
        create_user(store, "x", "long-enough", "read_only")


def test_demo_users_one_per_role_and_the_sales_rep_sees_only_their_customers(store, demo_base):
    register(store, demo_base)
    assert sync_company(store, "DEMO1", full=True, as_of=TODAY).status == "ok"
    created = seed_demo_users(store)
    assert created == [
        ("admin", "admin"),
        ("recouvrement", "collector"),
        ("commercial", "sales_rep"),
        ("direction", "read_only"),
    ]
    assert seed_demo_users(store) == []  # a second run creates nothing
    for login, role in created:
        assert signed_in(store, log_in(store, login, DEMO_PASSWORD)).role == role
    with Session(store) as session:
        rep_user = session.exec(select(User).where(User.login == "commercial")).one()
        rep = session.get(SalesRep, rep_user.sales_rep_id)
        own = set(
            session.exec(select(Customer.number).where(Customer.sales_rep_id == rep.id)).all()
        )
        everyone = set(session.exec(select(Customer.number)).all())
    assert own and own < everyone
    # The demo sales rep is that Sage sales rep, by name too (not someone else's portfolio).
    assert rep_user.name == f"{rep.first_name} {rep.last_name}".strip()
    seen = {b.key for b in balances(store, scope_for_user(store, rep_user.id), TODAY)}
    assert seen and seen <= own
