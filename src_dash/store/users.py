"""Users of the app, their sessions, portfolios and cash objectives."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Field, SQLModel, UniqueConstraint

from src_dash.clock import utcnow
from src_dash.store.types import Money, UTCDateTime


class User(SQLModel, table=True):
    """A user with a role: admin, collector, sales_rep or read_only."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=80, unique=True, index=True)
    name: str = Field(default="", max_length=120)
    email: str = Field(default="", max_length=120)
    password_hash: str = Field(default="", max_length=200)
    role: str = Field(default="read_only", max_length=12)
    sales_rep_id: int | None = Field(default=None, foreign_key="sales_rep.id")
    sees_all_customers: bool = False  # a collector with no assigned portfolio
    language: str = Field(default="fr", max_length=5)
    timezone: str = Field(default="Europe/Paris", max_length=40)
    # Display settings: "symbol" (12 345,67 €), "code" (12 345,67 EUR) or "accounting";
    # "default" (the language's date style), "short", "medium", "long" or "iso".
    currency_format: str = Field(default="symbol", max_length=12)
    date_format: str = Field(default="default", max_length=12)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The TOTP second factor (admins and collectors, optional): its base32 secret (set at
    # enrolment, on once `totp_enabled_at` is set) and the last time step whose code was used
    # (a code is never accepted twice).
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    totp_last_step: int | None = None


class RecoveryCode(SQLModel, table=True):
    """A single-use recovery code of a user's second factor: only its SHA-256 is kept."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UserSession(SQLModel, table=True):
    """A login session: the browser keeps an opaque token, the store keeps its hash."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    # When the session was last used (at most a minute late): an idle session ends.
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    """Failed logins in a row for a login or a client address ("login:claire", "addr:10.0.0.7"):
    each one past the first few makes the next attempt wait longer, then the key is locked for a
    while (an admin can unlock a login)."""

    __tablename__ = "login_throttle"

    key: str = Field(max_length=200, primary_key=True)
    failures: int = 0
    last_failure_at: datetime = Field(sa_type=UTCDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PortfolioAssignment(SQLModel, table=True):
    """A customer assigned by the admin to a collector's portfolio."""

    __tablename__ = "portfolio_assignment"
    __table_args__ = (UniqueConstraint("user_id", "customer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    customer_id: int = Field(foreign_key="customer.id", index=True, ondelete="CASCADE")


class CashObjective(SQLModel, table=True):
    """A target of cash-in for a month, for a company (or all) and a collector (or all)."""

    __tablename__ = "cash_objective"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int | None = Field(default=None, foreign_key="company.id")
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    month: date  # first day of the month
    amount: Decimal = Field(sa_type=Money)
