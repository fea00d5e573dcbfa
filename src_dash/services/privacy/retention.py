"""Retention (durées de conservation): what is past its period is deleted or blanked.

Periods in days, from the environment, with defaults drawn from French practice:

- ``SRC_DASH_RETENTION_MESSAGES_DAYS`` (3650, 10 years): messages are commercial correspondence,
  kept 10 years (Code de commerce L123-22); then their bodies and recipients are blanked, the
  line (date, channel, level, total, status) stays as the history of the dunning.
- ``SRC_DASH_RETENTION_REPLIES_DAYS`` (1095, 3 years): replies read from the mailbox; CNIL's 3
  years for customer data; what they led to (promises, disputes) is kept as its own record.
  Their text, sender's name and quotes are blanked.
- ``SRC_DASH_RETENTION_LOGINS_DAYS`` (365, 1 year): login lines of the audit log (with the
  client's address); CNIL recommends 6 months to 1 year for access logs. Deleted.
- ``SRC_DASH_RETENTION_AUDIT_DAYS`` (3650, 10 years): the other audit lines (the trace of
  changes, as long as the records they explain); ``privacy.*`` lines, the proof that a right was
  honoured, are kept. Deleted.
- ``SRC_DASH_RETENTION_VISITS_DAYS`` (365): the client address of the customer space's events
  and of the audit lines its customers' side wrote (an access log). Blanked.
- ``SRC_DASH_RETENTION_ATTACHMENTS_DAYS`` (1095, 3 years): files customers sent from their
  space. The file and its row are deleted; so is a file of the attachments folder no row names
  any more, older than the period.
- ``SRC_DASH_RETENTION_SPACE_EVENTS_DAYS`` (1095, 3 years): what customers did in their space
  (visits, promises, reports...: ``space_event``, with a collector's "handled" mark) and the
  audit lines of the customers' side of the space (``space.access``, ``space.promise``...).
  Deleted; the promises, disputes and comments made there stay as their own records.
  See `space_retention`.

0 turns a period off (kept forever).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, delete, not_, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.access import audit
from src_dash.clock import utcnow
from src_dash.services.privacy import space_retention as space
from src_dash.store import AuditLog, InboundMail, Message

LOGIN_ACTIONS = ("login", "login.failed", "login.held")


@dataclass(frozen=True)
class RetentionSettings:
    """The retention periods, in days (0: kept forever)."""

    messages_days: int = 3650
    replies_days: int = 1095
    logins_days: int = 365
    audit_days: int = 3650
    visits_days: int = 365
    attachments_days: int = 1095
    space_events_days: int = 1095

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> RetentionSettings:
        """The periods from SRC_DASH_RETENTION_<NAME>_DAYS, else the defaults.

        Raises:
            ValueError: a value that is not a whole number of days, or negative (named).
        """
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            name = f"SRC_DASH_RETENTION_{f.name.removesuffix('_days').upper()}_DAYS"
            raw = env.get(name, "").strip()
            if not raw:
                continue
            try:
                days = int(raw)
            except ValueError:
                raise ValueError(f"{name}: not a number of days: {raw!r}") from None
            if days < 0:
                raise ValueError(f"{name}: a number of days may not be negative: {days}")
            values[f.name] = days
        return cls(**values)


def _limit(now: datetime, days: int) -> datetime | None:
    return now - timedelta(days=days) if days else None


def _messages(conn: Connection, limit: datetime | None, apply: bool) -> int:
    """Bodies and recipients of messages older than the limit blanked; the line stays."""
    if limit is None:
        return 0
    m = Message.__table__
    rows = conn.execute(
        select(m.c.id, m.c.body_html, m.c.body_text, m.c.recipients_to, m.c.recipients_cc)
        .where(m.c.created_at < limit)
        .where(m.c.status.notin_(("held", "queued", "sending", "handover")))
    ).all()
    done = [r.id for r in rows if r.body_html or r.body_text or r.recipients_to or r.recipients_cc]
    if apply:
        for start in range(0, len(done), 500):
            conn.execute(
                update(m)
                .where(m.c.id.in_(done[start : start + 500]))
                .values(
                    body_html="", body_text="", recipients_to=[], recipients_cc=[], server_answer=""
                )
            )
    return len(done)


def _replies(conn: Connection, limit: datetime | None, apply: bool) -> int:
    """Text, sender's name and quotes of mails read before the limit blanked."""
    if limit is None:
        return 0
    im = InboundMail.__table__
    rows = conn.execute(
        select(im.c.id, im.c.body_text, im.c.from_name, im.c.suggestions).where(
            im.c.received_at < limit
        )
    ).all()
    done = [r.id for r in rows if r.body_text or r.from_name or r.suggestions]
    if apply:
        for start in range(0, len(done), 500):
            conn.execute(
                update(im)
                .where(im.c.id.in_(done[start : start + 500]))
                .values(body_text="", from_name="", suggestions=[])
            )
    return len(done)


def _audit_lines(conn: Connection, where, apply: bool) -> int:  # noqa: ANN001
    a = AuditLog.__table__
    if apply:
        return conn.execute(delete(a).where(where)).rowcount
    return len(conn.execute(select(a.c.id).where(where)).all())


def _audit(conn: Connection, s: RetentionSettings, now: datetime, apply: bool) -> dict[str, int]:
    a = AuditLog.__table__
    out = {"login_lines": 0, "audit_lines": 0}
    logins = _limit(now, s.logins_days)
    if logins is not None:
        out["login_lines"] = _audit_lines(
            conn, and_(a.c.action.in_(LOGIN_ACTIONS), a.c.at < logins), apply
        )
    others = _limit(now, s.audit_days)
    if others is not None:
        where = and_(
            a.c.at < others,
            a.c.action.notin_(LOGIN_ACTIONS),
            not_(a.c.action.startswith("privacy.")),
        )
        out["audit_lines"] = _audit_lines(conn, where, apply)
    return out


def _run(
    engine: Engine,
    now: datetime | None,
    settings: RetentionSettings | None,
    apply: bool,
    attachments_dir: Path | None,
) -> dict[str, object]:
    now = now or utcnow()
    s = settings or RetentionSettings.from_env()
    with engine.begin() if apply else engine.connect() as conn:
        counts: dict[str, int] = {
            "messages": _messages(conn, _limit(now, s.messages_days), apply),
            "replies": _replies(conn, _limit(now, s.replies_days), apply),
            **_audit(conn, s, now, apply),
            "visits": space.blank_addresses(conn, _limit(now, s.visits_days), apply),
            **space.delete_events(conn, _limit(now, s.space_events_days), apply),
        }
        limit = _limit(now, s.attachments_days)
        orphans = space.orphan_files(conn, attachments_dir, limit)  # before rows go
        files = space.expired_attachments(conn, limit, apply)
        counts["attachments"] = len(files)
        counts["attachment_files"] = len(orphans)
        if apply:
            audit(conn, None, "privacy.retention", "", None, now=now, **counts)
    if apply:
        # After the commit: a file is never gone while its row still points at it.
        space.remove_files(attachments_dir, files + orphans)
    periods = {f.name: getattr(s, f.name) for f in fields(s)}
    return {"applied": apply, "now": now.isoformat(), "periods": periods, "counts": counts}


def apply_retention(
    engine: Engine,
    now: datetime | None = None,
    *,
    settings: RetentionSettings | None = None,
    attachments_dir: Path | None = None,
) -> dict[str, object]:
    """Delete or blank what is past its period, in one transaction; one ``privacy.retention``
    audit line with the counts. Idempotent: a second run at the same time finds nothing.

    Args:
        now: the time the periods are counted back from (default: now).
        settings: the periods (default: from the environment).
        attachments_dir: where the space's attachment files are (None: rows only).

    Returns:
        ``applied``, ``now``, ``periods`` (days) and ``counts`` of rows changed per kind.
    """
    return _run(engine, now, settings, True, attachments_dir)


def preview_retention(
    engine: Engine,
    now: datetime | None = None,
    *,
    settings: RetentionSettings | None = None,
    attachments_dir: Path | None = None,
) -> dict[str, object]:
    """What `apply_retention` would change (the same counts), changing nothing (no row, no
    file; `attachments_dir` only to count its files no row names)."""
    return _run(engine, now, settings, False, attachments_dir)


__all__ = ["RetentionSettings", "apply_retention", "preview_retention"]
