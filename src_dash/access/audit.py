"""The audit log: who did what, when, written in the caller's transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.engine import Connection

from src_dash.access.viewer import Viewer
from src_dash.clock import utcnow
from src_dash.store import AuditLog


def _json(value: object) -> object:
    """A value the audit log's JSON can hold (dates and amounts as text)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def audit(
    conn: Connection,
    who: Viewer | None,
    action: str,
    entity: str = "",
    entity_id: int | None = None,
    **details: object,
) -> None:
    """Write one line of the audit log (who, what, when) in the caller's transaction; details
    that are None are left out, dates and amounts are written as text."""
    conn.execute(
        AuditLog.__table__.insert().values(
            user_id=who.user_id if who else None,
            action=action,
            entity=entity,
            entity_id=entity_id,
            details={k: _json(v) for k, v in details.items() if v is not None},
            at=utcnow(),
        )
    )
