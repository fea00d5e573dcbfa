"""Who may see and do what: the server-side rule every service applies before it reads or writes.

Roles: admin (everything), collector (works the customers of their portfolio, or all of them when
`sees_all_customers` is set), sales_rep (reads their Sage sales rep's customers, may comment and
flag them), read_only (reads everything, changes nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Select, Table, exists, or_, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access.scope import Scope, scope_for_user
from src_dash.store import Company, Customer, Entry, PortfolioAssignment, User

# What each role may do beyond reading its scope.
WORK = frozenset({"admin", "collector"})  # dun, promise, dispute, stop, call, campaigns
NOTE = frozenset({"admin", "collector", "sales_rep"})  # comment, flag
ADMIN = frozenset({"admin"})  # settings, users, scenarios, templates


class AccessDenied(PermissionError):
    """The viewer may not see or do this; the message is safe to show."""


@dataclass(frozen=True)
class Viewer:
    """A signed-in user and the customers they may see."""

    user_id: int
    login: str
    name: str
    role: str
    language: str = "fr"
    timezone: str = "Europe/Paris"
    scope: Scope = field(default_factory=Scope)

    @property
    def can_work(self) -> bool:
        """Whether the viewer may dun, record promises and disputes, stop, call."""
        return self.role in WORK

    @property
    def can_note(self) -> bool:
        """Whether the viewer may comment and flag."""
        return self.role in NOTE

    @property
    def is_admin(self) -> bool:
        """Whether the viewer may change the settings."""
        return self.role in ADMIN


def identity(user: Any) -> dict[str, Any]:
    """What a signed-in user is known by, from their `user` row (never the password hash): the
    fields `Viewer` and the UI's `SignedIn` share."""
    return {
        "user_id": user.id,
        "login": user.login,
        "name": user.name,
        "role": user.role,
        "language": user.language,
        "timezone": user.timezone,
    }


def viewer(engine: Engine, user_id: int) -> Viewer:
    """The viewer for a user id.

    Raises:
        AccessDenied: when the user is unknown or inactive.
    """
    table = User.__table__
    with engine.connect() as conn:
        user = conn.execute(select(table).where(table.c.id == user_id)).first()
    if user is None or not user.active:
        raise AccessDenied("unknown or inactive user")
    return Viewer(**identity(user), scope=scope_for_user(engine, user.id))


def require(who: Viewer | None, allowed: Iterable[str]) -> Viewer:
    """Check that there is a viewer and that their role is among `allowed`.

    Raises:
        AccessDenied: when nobody is signed in or the role may not do this.
    """
    if who is None:
        raise AccessDenied("not signed in")
    if who.role not in frozenset(allowed):
        raise AccessDenied(f"the role {who.role!r} may not do this")
    return who


def scope_clause(scope: Scope):  # noqa: ANN201  (a SQLAlchemy boolean clause)
    """A WHERE clause on `customer` that keeps only the customers of a scope.

    The customers of a company switched off in the settings are in no scope, as in the
    analytics (`Ledger.customer_ids`): every figure and list leaves them out alike.
    """
    c = Customer.__table__
    co = Company.__table__
    clauses = [c.c.company_id.in_(select(co.c.id).where(co.c.active.is_(True)))]
    if scope.customer_ids is not None:
        clauses.append(c.c.id.in_(sorted(scope.customer_ids)))
    if scope.company_ids is not None:
        clauses.append(c.c.company_id.in_(sorted(scope.company_ids)))
    if scope.sales_rep_ids is not None:
        clauses.append(c.c.sales_rep_id.in_(sorted(scope.sales_rep_ids)))
    if scope.collector_ids is not None:
        p = PortfolioAssignment.__table__
        ids = sorted(scope.collector_ids)
        clauses.append(
            or_(
                c.c.collector_id.in_(ids),
                exists().where(p.c.customer_id == c.c.id, p.c.user_id.in_(ids)),
            )
        )
    clause = clauses[0]
    for more in clauses[1:]:
        clause = clause & more
    return clause


def check_customers(conn: Connection, who: Viewer, customer_ids: Iterable[int]) -> None:
    """Check that every customer is in the viewer's scope.

    Raises:
        AccessDenied: when one is not (or does not exist); the message does not say which
            exists, so nothing leaks.
    """
    wanted = set(customer_ids)
    if not wanted:
        return
    c = Customer.__table__
    found = set(
        conn.execute(select(c.c.id).where(c.c.id.in_(sorted(wanted)), scope_clause(who.scope)))
        .scalars()
        .all()
    )
    if found != wanted:
        raise AccessDenied("customer not found")


def owned_row(
    conn: Connection, who: Viewer, table: Table, row_id: object, what: str, lock: bool = False
) -> Row:
    """The row of `table` (a promise, a dispute, an action...) with this id, once checked that
    its customer (`customer_id`) is in the viewer's scope.

    Args:
        lock: select it FOR UPDATE (PostgreSQL), for a change that depends on its status.

    Raises:
        AccessDenied: "<what> not found", for an unknown id or a customer out of scope alike.
    """
    query = select(table).where(table.c.id == row_id)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise AccessDenied(f"{what} not found")
    check_customers(conn, who, [row.customer_id])
    return row


def row_in_scope(conn: Connection, who: Viewer, query: Select, what: str) -> Row:
    """The first row of `query` (which selects its `customer_id`), once checked that this
    customer is in the viewer's scope.

    Raises:
        AccessDenied: "<what> not found", for no row or a customer out of scope alike.
    """
    row = conn.execute(query).first()
    if row is None:
        raise AccessDenied(f"{what} not found")
    try:
        check_customers(conn, who, [row.customer_id])
    except AccessDenied:
        raise AccessDenied(f"{what} not found") from None
    return row


def customers_of_entries(conn: Connection, who: Viewer, entry_ids: Iterable[int]) -> dict[int, int]:
    """The customer of each entry, once checked that all are in the viewer's scope.

    Raises:
        AccessDenied: when an entry is unknown or belongs to a customer out of scope.
    """
    wanted = sorted(set(entry_ids))
    if not wanted:
        return {}
    e = Entry.__table__
    owners = dict(conn.execute(select(e.c.id, e.c.customer_id).where(e.c.id.in_(wanted))).all())
    if len(owners) != len(wanted):
        raise AccessDenied("item not found")
    check_customers(conn, who, owners.values())
    return owners
