"""Retention of the customer space (issue 14): its events, the audit lines the customers' own
doings wrote, and the files they sent. Called by `retention._run`, in its transaction.

- events (``space_event``, with the ``space_handled`` mark a collector put on one) older than
  the space events' period are deleted, and so are the audit lines written by the customers'
  side of the space (``space.access``, ``space.refused``, ``space.promise``...): the promises,
  disputes and comments they made stay as their own records;
- before that, past the visits' period, the client address is blanked in both;
- attachments past their period: their rows are deleted, then their files (after the commit);
  a file of the attachments folder that no row names any more, older than the period, goes too.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_, delete, select, update
from sqlalchemy.engine import Connection

from src_dash.store import AuditLog, SpaceAttachment, SpaceEvent
from src_dash.store.space_handled import SpaceHandled

# What the customer's side of the space logs (no user): the visits and what they did there.
EVENT_KINDS = (
    "visit", "statement", "promise", "dispute", "paid", "message", "copy", "callback", "contact",
)  # fmt: skip
CUSTOMER_ACTIONS = ("space.access", "space.refused", *(f"space.{k}" for k in EVENT_KINDS))
_CHUNK = 500
# The names `customer_space.uploads.store_upload` gives: only such files are ever removed as
# orphans (a folder set wrong loses nothing else).
STORED_NAME = re.compile(r"[0-9a-f]{32}\.(pdf|png|jpg)")


def _customer_lines(limit: datetime):  # noqa: ANN202  (a SQLAlchemy clause)
    a = AuditLog.__table__
    return and_(a.c.action.in_(CUSTOMER_ACTIONS), a.c.user_id.is_(None), a.c.at < limit)


def blank_addresses(conn: Connection, limit: datetime | None, apply: bool) -> int:
    """The client address of space events, and of the customers' audit lines, older than the
    limit blanked; how many rows."""
    if limit is None:
        return 0
    e, a = SpaceEvent.__table__, AuditLog.__table__
    where = and_(e.c.at < limit, e.c.address != "")
    if apply:
        count = conn.execute(update(e).where(where).values(address="")).rowcount
    else:
        count = len(conn.execute(select(e.c.id).where(where)).all())
    lines = conn.execute(select(a.c.id, a.c.details).where(_customer_lines(limit))).all()
    with_address = [r for r in lines if isinstance(r.details, dict) and r.details.get("address")]
    if apply:
        for row in with_address:
            details = {k: v for k, v in row.details.items() if k != "address"}
            conn.execute(update(a).where(a.c.id == row.id).values(details=details))
    return count + len(with_address)


def delete_events(conn: Connection, limit: datetime | None, apply: bool) -> dict[str, int]:
    """Space events older than the limit (with their handled marks) and the customers' audit
    lines of the space deleted; how many of each."""
    if limit is None:
        return {"space_events": 0, "space_audit_lines": 0}
    e, h, a = SpaceEvent.__table__, SpaceHandled.__table__, AuditLog.__table__
    ids = list(conn.execute(select(e.c.id).where(e.c.at < limit)).scalars())
    lines = _customer_lines(limit)
    if not apply:
        count = len(conn.execute(select(a.c.id).where(lines)).all())
        return {"space_events": len(ids), "space_audit_lines": count}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        conn.execute(delete(h).where(h.c.event_id.in_(chunk)))
        conn.execute(delete(e).where(e.c.id.in_(chunk)))
    count = conn.execute(delete(a).where(lines)).rowcount
    return {"space_events": len(ids), "space_audit_lines": count}


def expired_attachments(conn: Connection, limit: datetime | None, apply: bool) -> list[str]:
    """The attachments uploaded before the limit: their rows deleted (when applied), their
    stored names returned (the files go after the commit, see `remove_files`)."""
    if limit is None:
        return []
    t = SpaceAttachment.__table__
    rows = conn.execute(select(t.c.id, t.c.stored_name).where(t.c.uploaded_at < limit)).all()
    if apply:
        ids = [r.id for r in rows]
        for start in range(0, len(ids), _CHUNK):
            conn.execute(delete(t).where(t.c.id.in_(ids[start : start + _CHUNK])))
    return [r.stored_name for r in rows]


def orphan_files(conn: Connection, folder: Path | None, limit: datetime | None) -> list[str]:
    """Files of the attachments folder, named as uploads are, that no row names, last changed
    before the limit."""
    if folder is None or limit is None or not folder.is_dir():
        return []
    t = SpaceAttachment.__table__
    named = set(conn.execute(select(t.c.stored_name)).scalars())
    stamp = limit.timestamp()
    out = []
    for path in folder.iterdir():
        if not STORED_NAME.fullmatch(path.name) or path.name in named:
            continue
        if path.is_file() and path.stat().st_mtime < stamp:
            out.append(path.name)
    return sorted(out)


def remove_files(folder: Path | None, names: list[str]) -> int:
    """Delete the named files of the attachments folder (plain names only); how many were
    there."""
    if folder is None:
        return 0
    gone = 0
    for name in names:
        if not name or Path(name).name != name:
            continue
        path = folder / name
        if path.is_file():
            path.unlink(missing_ok=True)
            gone += 1
    return gone
