"""The dispute reasons (the list the dispute form offers): seeded with defaults, added, renamed,
switched off by an admin; read by every signed-in user.

Every change is admin-only, made in one transaction with its audit line and a bump of the data
version. Bad input raises InvalidInput (a ValueError naming the field) and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.access import Viewer, audit
from src_dash.access import require as require_role
from src_dash.services.admin import require_admin as _admin
from src_dash.services.admin import switch_active
from src_dash.services.auth import ROLES
from src_dash.services.inputs import InvalidInput, text_field
from src_dash.services.rows import row_by_id
from src_dash.store import (
    DisputeReason,
)
from src_dash.store.versions import bump_data_version

DEFAULT_DISPUTE_REASONS = (
    "Marchandise non conforme",
    "Livraison incomplète",
    "Erreur de prix",
    "Facture non reçue",
    "Avoir attendu",
    "Autre",
)


@dataclass(frozen=True)
class DisputeReasonView:
    """A reason of the dispute list."""

    id: int
    label: str
    active: bool


def _label(value: object) -> str:
    return text_field(value, "label", 80, required=True)


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
    missing = InvalidInput("reason", f"no dispute reason {reason_id}")
    return row_by_id(conn, DisputeReason.__table__, reason_id, missing)


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
        switch_active(conn, who, r, row.id, active, "dispute_reason", label=row.label)
    return DisputeReasonView(row.id, row.label, bool(active))
