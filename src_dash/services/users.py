"""Users and portfolios, as the admin manages them: create a user, switch it on or off, reset its
password, change its role (a sales rep is linked to a Sage sales rep), and the customers of a
collector's portfolio.

Every change is admin-only, made in one transaction with its audit line and a bump of the data
version. Bad input raises InvalidInput (a ValueError naming the field) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.access import Viewer, audit
from src_dash.clock import utcnow
from src_dash.services.admin import require_admin as _admin
from src_dash.services.auth import ROLES, hash_password
from src_dash.services.inputs import InvalidInput, check_one_of, email_field, text_field
from src_dash.services.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from src_dash.services.rows import row_by_id
from src_dash.store import (
    Customer,
    PortfolioAssignment,
    SalesRep,
    User,
    UserSession,
)
from src_dash.store.versions import bump_data_version

MIN_PASSWORD, MAX_PASSWORD = MIN_LENGTH, MAX_LENGTH


@dataclass(frozen=True)
class UserView:
    """A user as the admin sees it (never the password hash)."""

    id: int
    login: str
    name: str
    email: str
    role: str
    sales_rep_id: int | None
    sees_all_customers: bool
    language: str
    active: bool
    created_at: datetime
    portfolio_size: int
    second_factor: bool = False  # TOTP on (the admin may reset it)


def _user(conn: Connection, user_id: int):  # noqa: ANN202
    return row_by_id(conn, User.__table__, user_id, InvalidInput("user", f"no user {user_id}"))


def _user_view(conn: Connection, user_id: int) -> UserView:
    row = _user(conn, user_id)
    p = PortfolioAssignment.__table__
    size = conn.execute(select(func.count()).where(p.c.user_id == user_id)).scalar_one()
    return UserView(
        row.id, row.login, row.name, row.email, row.role, row.sales_rep_id,
        row.sees_all_customers, row.language, row.active, row.created_at, int(size),
        row.totp_enabled_at is not None,
    )  # fmt: skip


def list_users(engine: Engine, who: Viewer) -> list[UserView]:
    """Every user, by login.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    u = User.__table__
    with engine.connect() as conn:
        ids = conn.execute(select(u.c.id).order_by(u.c.login)).scalars().all()
        return [_user_view(conn, i) for i in ids]


# What the settings say of a refused password (the service's own words, the field named).
_POLICY_WORDS = {
    "short": f"must have at least {MIN_PASSWORD} characters",
    "long": f"must have {MAX_PASSWORD} characters at most",
    "published": "is published: choose your own",
    "guessable": "is too easy to guess (a common word, a sequence, a name)",
}


def _password(password: str, login: str = "", name: str = "", email: str = "") -> str:
    """The hash of a password the policy accepts (see `services.passwords`).

    Raises:
        InvalidInput: too short or long, published, or too easy to guess for this user.
    """
    if not isinstance(password, str):
        raise InvalidInput("password", _POLICY_WORDS["short"])
    problem = password_problem(password, login=login, name=name, email=email)
    if problem is not None:
        raise InvalidInput("password", _POLICY_WORDS[problem.code])
    return hash_password(password)


def _role_and_rep(conn: Connection, role: str, sales_rep_id: int | None) -> None:
    check_one_of("role", [role], ROLES)
    if role == "sales_rep":
        if sales_rep_id is None:
            raise InvalidInput("sales_rep", "a sales rep user needs the Sage sales rep they are")
        s = SalesRep.__table__
        if conn.execute(select(s.c.id).where(s.c.id == sales_rep_id)).first() is None:
            raise InvalidInput("sales_rep", f"no sales rep {sales_rep_id}")


def create_user(
    engine: Engine,
    who: Viewer,
    login: str,
    password: str,
    role: str,
    name: str = "",
    email: str = "",
    sales_rep_id: int | None = None,
    sees_all_customers: bool = False,
    language: str = "fr",
) -> UserView:
    """Create a user with a role (admin, collector, sales_rep, read_only).

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an empty or taken login, a password under 8 characters, an unknown
            role, or a sales rep user without a known Sage sales rep.
    """
    _admin(who)
    login = text_field(login, "login", 80, required=True)
    name = text_field(name, "name", 120) or login
    email = email_field(email)
    if language not in ("fr", "en"):
        raise InvalidInput("language", f"{language!r} is not fr or en")
    password_hash = _password(password, login, name, email)
    u = User.__table__
    with engine.begin() as conn:
        _role_and_rep(conn, role, sales_rep_id)
        if conn.execute(select(u.c.id).where(u.c.login == login)).first() is not None:
            raise InvalidInput("login", f"{login!r} is taken")
        user_id = conn.execute(
            u.insert().values(
                login=login,
                name=name,
                email=email,
                password_hash=password_hash,
                role=role,
                sales_rep_id=sales_rep_id if role == "sales_rep" else None,
                sees_all_customers=bool(sees_all_customers) and role == "collector",
                language=language,
                active=True,
                created_at=utcnow(),
            )
        ).inserted_primary_key[0]
        audit(conn, who, "user.create", "user", user_id, login=login, role=role)
        bump_data_version(conn)
        return _user_view(conn, user_id)


def set_user_active(engine: Engine, who: Viewer, user_id: int, active: bool) -> UserView:
    """Deactivate a user (their sessions end at once) or activate them again.

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an unknown user, or an admin deactivating themselves.
    """
    _admin(who)
    u, s = User.__table__, UserSession.__table__
    with engine.begin() as conn:
        row = _user(conn, user_id)
        if not active and row.id == who.user_id:
            raise InvalidInput("user", "you cannot deactivate yourself")
        conn.execute(update(u).where(u.c.id == row.id).values(active=bool(active)))
        if not active:
            conn.execute(delete(s).where(s.c.user_id == row.id))
        action = "user.activate" if active else "user.deactivate"
        audit(conn, who, action, "user", row.id, login=row.login)
        bump_data_version(conn)
        return _user_view(conn, row.id)


def reset_password(engine: Engine, who: Viewer, user_id: int, password: str) -> None:
    """Give a user a new password (their sessions end at once).

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an unknown user or a password the policy refuses.
    """
    _admin(who)
    u, s = User.__table__, UserSession.__table__
    with engine.connect() as conn:
        found = _user(conn, user_id)
    password_hash = _password(password, found.login, found.name, found.email)
    with engine.begin() as conn:
        row = _user(conn, user_id)
        conn.execute(update(u).where(u.c.id == row.id).values(password_hash=password_hash))
        conn.execute(delete(s).where(s.c.user_id == row.id))
        audit(conn, who, "user.reset_password", "user", row.id, login=row.login)
        bump_data_version(conn)


def set_user_role(
    engine: Engine, who: Viewer, user_id: int, role: str, sales_rep_id: int | None = None
) -> UserView:
    """Change a user's role (a sales rep user needs their Sage sales rep).

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an unknown user or role, a sales rep without a sales rep, or an admin
            taking away their own admin role.
    """
    _admin(who)
    u = User.__table__
    with engine.begin() as conn:
        row = _user(conn, user_id)
        _role_and_rep(conn, role, sales_rep_id)
        if row.id == who.user_id and role != "admin":
            raise InvalidInput("role", "you cannot take away your own admin role")
        conn.execute(
            update(u)
            .where(u.c.id == row.id)
            .values(
                role=role,
                sales_rep_id=sales_rep_id if role == "sales_rep" else None,
                sees_all_customers=row.sees_all_customers and role == "collector",
            )
        )
        audit(conn, who, "user.role", "user", row.id, old=row.role, role=role)
        bump_data_version(conn)
        return _user_view(conn, row.id)


def set_sees_all_customers(engine: Engine, who: Viewer, user_id: int, value: bool) -> UserView:
    """Let a collector see every customer (no portfolio), or only their portfolio.

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an unknown user or one who is not a collector.
    """
    _admin(who)
    u = User.__table__
    with engine.begin() as conn:
        row = _user(conn, user_id)
        if row.role != "collector":
            raise InvalidInput("user", f"{row.login} is not a collector")
        conn.execute(update(u).where(u.c.id == row.id).values(sees_all_customers=bool(value)))
        audit(conn, who, "user.sees_all", "user", row.id, value=bool(value))
        bump_data_version(conn)
        return _user_view(conn, row.id)


def _collector(conn: Connection, user_id: int):  # noqa: ANN202
    row = _user(conn, user_id)
    if row.role != "collector":
        raise InvalidInput("user", f"{row.login} is not a collector")
    return row


def _customer_ids(conn: Connection, customer_ids: Iterable[object]) -> list[int]:
    try:
        ids = sorted({int(i) for i in customer_ids})  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise InvalidInput("customers", "give customer ids") from exc
    if not ids:
        raise InvalidInput("customers", "choose at least one customer")
    c = Customer.__table__
    found = set(conn.execute(select(c.c.id).where(c.c.id.in_(ids))).scalars())
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise InvalidInput("customers", f"no customer {unknown[0]}")
    return ids


def _add_to_portfolio(conn: Connection, user_id: int, ids: list[int]) -> list[int]:
    """Add the customers not yet in the user's portfolio; return those added."""
    p = PortfolioAssignment.__table__
    have = set(
        conn.execute(
            select(p.c.customer_id).where(p.c.user_id == user_id, p.c.customer_id.in_(ids))
        ).scalars()
    )
    new = [i for i in ids if i not in have]
    if new:
        conn.execute(p.insert(), [{"user_id": user_id, "customer_id": i} for i in new])
    return new


def _take_from_portfolio(conn: Connection, user_id: int, ids: list[int]) -> list[int]:
    """Take the customers out of the user's portfolio; return them all."""
    p = PortfolioAssignment.__table__
    conn.execute(delete(p).where(p.c.user_id == user_id, p.c.customer_id.in_(ids)))
    return ids


def _change_portfolio(
    engine: Engine,
    who: Viewer,
    user_id: int,
    customer_ids: Sequence[int],
    action: str,
    change: Callable[[Connection, int, list[int]], list[int]],
) -> UserView:
    """Check the admin, the collector and the customers, apply `change`, audit what it did."""
    _admin(who)
    with engine.begin() as conn:
        row = _collector(conn, user_id)
        ids = _customer_ids(conn, customer_ids)
        changed = change(conn, row.id, ids)
        audit(conn, who, action, "user", row.id, customers=changed)
        bump_data_version(conn)
        return _user_view(conn, row.id)


def assign_customers(
    engine: Engine, who: Viewer, user_id: int, customer_ids: Sequence[int]
) -> UserView:
    """Add customers to a collector's portfolio (those already in it are left as they are).

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for a user who is not a collector, or an unknown customer.
    """
    return _change_portfolio(
        engine, who, user_id, customer_ids, "portfolio.assign", _add_to_portfolio
    )


def unassign_customers(
    engine: Engine, who: Viewer, user_id: int, customer_ids: Sequence[int]
) -> UserView:
    """Take customers out of a collector's portfolio.

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for a user who is not a collector, or an unknown customer.
    """
    return _change_portfolio(
        engine, who, user_id, customer_ids, "portfolio.unassign", _take_from_portfolio
    )


def portfolio(engine: Engine, who: Viewer, user_id: int) -> list[int]:
    """The ids of the customers assigned to a collector's portfolio.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    p = PortfolioAssignment.__table__
    with engine.connect() as conn:
        _user(conn, user_id)
        return list(
            conn.execute(
                select(p.c.customer_id).where(p.c.user_id == user_id).order_by(p.c.customer_id)
            ).scalars()
        )
