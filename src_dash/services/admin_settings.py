"""Settings the admin keeps: dispute reasons, cash objectives, users and portfolios, and how each
contact service is dunned (To, Cc or never).

Every change is admin-only, checked on the server, made in one transaction with its audit line
and a bump of the data version. Bad input raises InvalidInput (a ValueError naming the field) and
changes nothing. Reading the dispute reasons is open to every signed-in user (the dispute form
lists them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.clock import utcnow
from src_dash.services.access import ADMIN, AccessDenied, Viewer, audit
from src_dash.services.access import require as require_role
from src_dash.services.auth import ROLES, hash_password
from src_dash.services.followup import (
    InvalidInput,
    amount_field,
    date_field,
    text_field,
)
from src_dash.store import (
    CashObjective,
    Company,
    ContactService,
    Customer,
    DisputeReason,
    PortfolioAssignment,
    SalesRep,
    User,
    UserSession,
)
from src_dash.sync import bump_data_version

DEFAULT_DISPUTE_REASONS = (
    "Marchandise non conforme",
    "Livraison incomplète",
    "Erreur de prix",
    "Facture non reçue",
    "Avoir attendu",
    "Autre",
)
DUNNING_ROLES = ("to", "cc", "never")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class DisputeReasonView:
    """A reason of the dispute list."""

    id: int
    label: str
    active: bool


@dataclass(frozen=True)
class CashObjectiveView:
    """A target of cash-in for a month, for a company (or all) and a collector (or all)."""

    id: int
    month: date
    amount: Decimal
    company_id: int | None
    company_code: str
    user_id: int | None
    user_name: str


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


@dataclass(frozen=True)
class ContactServiceView:
    """A contact service of a company and how dunning treats it."""

    id: int
    company_id: int
    company_code: str
    code: int
    name: str
    dunning_role: str


def _admin(who: Viewer | None) -> Viewer:
    return require_role(who, ADMIN)


def _label(value: object) -> str:
    return text_field(value, "label", 80, required=True)


# ---------------------------------------------------------------------------------------------
# Dispute reasons


def seed_default_dispute_reasons(engine: Engine) -> int:
    """Add the default French dispute reasons that are missing; return how many were added.

    Idempotent: a reason already there (even renamed away, or deactivated) is left as it is.
    """
    r = DisputeReason.__table__
    with engine.begin() as conn:
        existing = {str(v).casefold() for v in conn.execute(select(r.c.label)).scalars()}
        missing = [label for label in DEFAULT_DISPUTE_REASONS if label.casefold() not in existing]
        if missing:
            conn.execute(r.insert(), [{"label": label, "active": True} for label in missing])
            bump_data_version(conn)
    return len(missing)


def list_dispute_reasons(
    engine: Engine, who: Viewer, include_inactive: bool = False
) -> list[DisputeReasonView]:
    """The dispute reasons, by label (active ones only unless asked, for an admin).

    Raises:
        AccessDenied: when nobody is signed in, or a non-admin asks for the inactive ones.
    """
    require_role(who, ROLES)
    if include_inactive:
        _admin(who)
    r = DisputeReason.__table__
    query = select(r).order_by(r.c.label)
    if not include_inactive:
        query = query.where(r.c.active.is_(True))
    with engine.connect() as conn:
        return [DisputeReasonView(x.id, x.label, x.active) for x in conn.execute(query)]


def _reason(conn: Connection, reason_id: int):  # noqa: ANN202
    r = DisputeReason.__table__
    row = conn.execute(select(r).where(r.c.id == reason_id)).first()
    if row is None:
        raise InvalidInput("reason", f"no dispute reason {reason_id}")
    return row


def _label_free(conn: Connection, label: str, but: int | None = None) -> None:
    r = DisputeReason.__table__
    query = select(r.c.id).where(func.lower(r.c.label) == label.lower())
    if but is not None:
        query = query.where(r.c.id != but)
    if conn.execute(query).first() is not None:
        raise InvalidInput("label", f"{label!r} is already in the list")


def add_dispute_reason(engine: Engine, who: Viewer, label: str) -> DisputeReasonView:
    """Add a reason to the dispute list.

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an empty or too long label, or one already in the list.
    """
    _admin(who)
    label = _label(label)
    r = DisputeReason.__table__
    with engine.begin() as conn:
        _label_free(conn, label)
        reason_id = conn.execute(r.insert().values(label=label, active=True)).inserted_primary_key[
            0
        ]
        audit(conn, who, "dispute_reason.add", "dispute_reason", reason_id, label=label)
        bump_data_version(conn)
    return DisputeReasonView(reason_id, label, True)


def rename_dispute_reason(
    engine: Engine, who: Viewer, reason_id: int, label: str
) -> DisputeReasonView:
    """Rename a dispute reason (disputes already opened show the new label).

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an unknown reason, an empty label or one already in the list.
    """
    _admin(who)
    label = _label(label)
    r = DisputeReason.__table__
    with engine.begin() as conn:
        row = _reason(conn, reason_id)
        _label_free(conn, label, but=row.id)
        conn.execute(update(r).where(r.c.id == row.id).values(label=label))
        audit(
            conn, who, "dispute_reason.rename", "dispute_reason", row.id, old=row.label, label=label
        )
        bump_data_version(conn)
    return DisputeReasonView(row.id, label, row.active)


def set_dispute_reason_active(
    engine: Engine, who: Viewer, reason_id: int, active: bool
) -> DisputeReasonView:
    """Deactivate a reason (no new dispute may use it; old ones keep it) or activate it again.

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an unknown reason.
    """
    _admin(who)
    r = DisputeReason.__table__
    with engine.begin() as conn:
        row = _reason(conn, reason_id)
        conn.execute(update(r).where(r.c.id == row.id).values(active=bool(active)))
        action = "dispute_reason.activate" if active else "dispute_reason.deactivate"
        audit(conn, who, action, "dispute_reason", row.id, label=row.label)
        bump_data_version(conn)
    return DisputeReasonView(row.id, row.label, bool(active))


# ---------------------------------------------------------------------------------------------
# Cash objectives


def _objective_view(conn: Connection, objective_id: int) -> CashObjectiveView:
    o, co, u = CashObjective.__table__, Company.__table__, User.__table__
    row = conn.execute(
        select(o, co.c.code, u.c.name.label("user_name"))
        .select_from(o.outerjoin(co, co.c.id == o.c.company_id).outerjoin(u, u.c.id == o.c.user_id))
        .where(o.c.id == objective_id)
    ).one()
    return CashObjectiveView(
        row.id, row.month, row.amount, row.company_id, row.code or "", row.user_id,
        row.user_name or "",
    )  # fmt: skip


def list_cash_objectives(
    engine: Engine, who: Viewer, year: int | None = None
) -> list[CashObjectiveView]:
    """The cash objectives (of one year), by month, company and collector.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    o = CashObjective.__table__
    query = select(o.c.id).order_by(o.c.month, o.c.company_id, o.c.user_id, o.c.id)
    if year is not None:
        query = query.where(o.c.month >= date(year, 1, 1), o.c.month <= date(year, 12, 31))
    with engine.connect() as conn:
        return [_objective_view(conn, i) for i in conn.execute(query).scalars().all()]


def set_cash_objective(
    engine: Engine,
    who: Viewer,
    month: date | str,
    amount: Decimal | str | int,
    company_id: int | None = None,
    user_id: int | None = None,
) -> CashObjectiveView:
    """Set the objective of a month (any day of it), for a company and/or a collector (None:
    all); replaces the one already set for the same month, company and collector.

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an amount not above 0, an unknown company, or a user who is not an
            active collector or admin.
    """
    _admin(who)
    month = date_field(month, "month").replace(day=1)
    amount = amount_field(amount)
    o, co, u = CashObjective.__table__, Company.__table__, User.__table__
    with engine.begin() as conn:
        if company_id is not None and (
            conn.execute(select(co.c.id).where(co.c.id == company_id)).first() is None
        ):
            raise InvalidInput("company", f"no company {company_id}")
        if user_id is not None:
            user = conn.execute(select(u.c.role, u.c.active).where(u.c.id == user_id)).first()
            if user is None or not user.active or user.role not in ("collector", "admin"):
                raise InvalidInput("user", f"user {user_id} is not an active collector")
        same = select(o.c.id).where(
            o.c.month == month,
            o.c.company_id.is_(None) if company_id is None else o.c.company_id == company_id,
            o.c.user_id.is_(None) if user_id is None else o.c.user_id == user_id,
        )
        found = conn.execute(same).scalar()
        if found is None:
            found = conn.execute(
                o.insert().values(
                    month=month, amount=amount, company_id=company_id, user_id=user_id
                )
            ).inserted_primary_key[0]
        else:
            conn.execute(update(o).where(o.c.id == found).values(amount=amount))
        audit(
            conn,
            who,
            "cash_objective.set",
            "cash_objective",
            found,
            month=month,
            amount=amount,
            company_id=company_id,
            user_id=user_id,
        )
        bump_data_version(conn)
        return _objective_view(conn, found)


def delete_cash_objective(engine: Engine, who: Viewer, objective_id: int) -> None:
    """Remove a cash objective.

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an unknown objective.
    """
    _admin(who)
    o = CashObjective.__table__
    with engine.begin() as conn:
        row = conn.execute(select(o).where(o.c.id == objective_id)).first()
        if row is None:
            raise InvalidInput("objective", f"no cash objective {objective_id}")
        conn.execute(delete(o).where(o.c.id == row.id))
        audit(
            conn,
            who,
            "cash_objective.delete",
            "cash_objective",
            row.id,
            month=row.month,
            amount=row.amount,
            company_id=row.company_id,
            user_id=row.user_id,
        )
        bump_data_version(conn)


# ---------------------------------------------------------------------------------------------
# Users and portfolios


def _user(conn: Connection, user_id: int):  # noqa: ANN202
    u = User.__table__
    row = conn.execute(select(u).where(u.c.id == user_id)).first()
    if row is None:
        raise InvalidInput("user", f"no user {user_id}")
    return row


def _user_view(conn: Connection, user_id: int) -> UserView:
    row = _user(conn, user_id)
    p = PortfolioAssignment.__table__
    size = conn.execute(select(func.count()).where(p.c.user_id == user_id)).scalar_one()
    return UserView(
        row.id, row.login, row.name, row.email, row.role, row.sales_rep_id,
        row.sees_all_customers, row.language, row.active, row.created_at, int(size),
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


def _password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"must have at least {MIN_PASSWORD} characters")
    return hash_password(password)


def _role_and_rep(conn: Connection, role: str, sales_rep_id: int | None) -> None:
    if role not in ROLES:
        raise InvalidInput("role", f"{role!r} is not one of {', '.join(ROLES)}")
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
    email = text_field(email, "email", 120)
    if language not in ("fr", "en"):
        raise InvalidInput("language", f"{language!r} is not fr or en")
    password_hash = _password(password)
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
        InvalidInput: for an unknown user or a password under 8 characters.
    """
    _admin(who)
    password_hash = _password(password)
    u, s = User.__table__, UserSession.__table__
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


def assign_customers(
    engine: Engine, who: Viewer, user_id: int, customer_ids: Sequence[int]
) -> UserView:
    """Add customers to a collector's portfolio (those already in it are left as they are).

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for a user who is not a collector, or an unknown customer.
    """
    _admin(who)
    p = PortfolioAssignment.__table__
    with engine.begin() as conn:
        row = _collector(conn, user_id)
        ids = _customer_ids(conn, customer_ids)
        have = set(
            conn.execute(
                select(p.c.customer_id).where(p.c.user_id == row.id, p.c.customer_id.in_(ids))
            ).scalars()
        )
        new = [i for i in ids if i not in have]
        if new:
            conn.execute(p.insert(), [{"user_id": row.id, "customer_id": i} for i in new])
        audit(conn, who, "portfolio.assign", "user", row.id, customers=new)
        bump_data_version(conn)
        return _user_view(conn, row.id)


def unassign_customers(
    engine: Engine, who: Viewer, user_id: int, customer_ids: Sequence[int]
) -> UserView:
    """Take customers out of a collector's portfolio.

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for a user who is not a collector, or an unknown customer.
    """
    _admin(who)
    p = PortfolioAssignment.__table__
    with engine.begin() as conn:
        row = _collector(conn, user_id)
        ids = _customer_ids(conn, customer_ids)
        conn.execute(delete(p).where(p.c.user_id == row.id, p.c.customer_id.in_(ids)))
        audit(conn, who, "portfolio.unassign", "user", row.id, customers=ids)
        bump_data_version(conn)
        return _user_view(conn, row.id)


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


# ---------------------------------------------------------------------------------------------
# Contact services


def list_contact_services(
    engine: Engine, who: Viewer, company_id: int | None = None
) -> list[ContactServiceView]:
    """The contact services (of a company), by company and code.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    s, co = ContactService.__table__, Company.__table__
    query = (
        select(s, co.c.code.label("company_code"))
        .select_from(s.join(co, co.c.id == s.c.company_id))
        .order_by(co.c.code, s.c.code)
    )
    if company_id is not None:
        query = query.where(s.c.company_id == company_id)
    with engine.connect() as conn:
        return [
            ContactServiceView(r.id, r.company_id, r.company_code, r.code, r.name, r.dunning_role)
            for r in conn.execute(query)
        ]


def set_contact_service_role(
    engine: Engine, who: Viewer, service_id: int, role: str
) -> ContactServiceView:
    """Say how dunning treats a contact service: "to" (main recipient), "cc" or "never".

    The sync keeps this choice.

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an unknown service or role.
    """
    _admin(who)
    if role not in DUNNING_ROLES:
        raise InvalidInput("role", f"{role!r} is not one of {', '.join(DUNNING_ROLES)}")
    s, co = ContactService.__table__, Company.__table__
    with engine.begin() as conn:
        row = conn.execute(
            select(s, co.c.code.label("company_code"))
            .select_from(s.join(co, co.c.id == s.c.company_id))
            .where(s.c.id == service_id)
        ).first()
        if row is None:
            raise InvalidInput("service", f"no contact service {service_id}")
        conn.execute(update(s).where(s.c.id == row.id).values(dunning_role=role))
        audit(
            conn,
            who,
            "contact_service.role",
            "contact_service",
            row.id,
            name=row.name,
            old=row.dunning_role,
            role=role,
        )
        bump_data_version(conn)
    return ContactServiceView(row.id, row.company_id, row.company_code, row.code, row.name, role)


__all__ = [
    "DEFAULT_DISPUTE_REASONS",
    "DUNNING_ROLES",
    "AccessDenied",
    "CashObjectiveView",
    "ContactServiceView",
    "DisputeReasonView",
    "InvalidInput",
    "UserView",
    "add_dispute_reason",
    "assign_customers",
    "create_user",
    "delete_cash_objective",
    "list_cash_objectives",
    "list_contact_services",
    "list_dispute_reasons",
    "list_users",
    "portfolio",
    "rename_dispute_reason",
    "reset_password",
    "seed_default_dispute_reasons",
    "set_cash_objective",
    "set_contact_service_role",
    "set_dispute_reason_active",
    "set_sees_all_customers",
    "set_user_active",
    "set_user_role",
    "unassign_customers",
]
