"""Retention of the customer space (issue 14, SQLite and PostgreSQL): its events with their
handled marks, the audit lines of the customers' side, the uploaded files and their rows, a day
either side of each limit; a dry run deletes nothing."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.services.privacy import RetentionSettings, apply_retention, preview_retention
from src_dash.store import AuditLog, Company, Customer, SpaceAttachment, SpaceEvent, SpaceLink
from src_dash.store.locking import write_session
from src_dash.store.space_handled import SpaceHandled

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
S = RetentionSettings()
DAY = timedelta(days=1)
OLD_FILE, YOUNG_FILE = "a" * 32 + ".pdf", "b" * 32 + ".png"
OLD_ORPHAN, YOUNG_ORPHAN = "c" * 32 + ".jpg", "d" * 32 + ".pdf"
OTHER_FILE = "store.db"  # not named as an upload: never touched


def ago(days: int, shift: timedelta) -> datetime:
    return NOW - timedelta(days=days) + shift


def _file(folder: Path, name: str, when: datetime) -> None:
    (folder / name).write_bytes(b"%PDF-1.4")
    os.utime(folder / name, (when.timestamp(), when.timestamp()))


def seed(engine: Engine, folder: Path) -> None:
    with write_session(engine) as session:
        company = Company(code="SPC", name="Espace SA")
        session.add(company)
        session.flush()
        customer = Customer(company_id=company.id, number="C1", name="Client")
        session.add(customer)
        session.flush()
        link = SpaceLink(
            company_id=company.id, customer_id=customer.id, token_hash="s" * 64, expires_at=NOW
        )
        session.add(link)
        session.flush()
        for shift in (-DAY, DAY):
            event = SpaceEvent(
                link_id=link.id,
                customer_id=customer.id,
                kind="promise",
                ref_id=None,
                address="",
                at=ago(S.space_events_days, shift),
            )
            session.add(event)
            session.flush()
            session.add(SpaceHandled(event_id=event.id, handled_at=event.at))
            at = ago(S.space_events_days, shift)
            details = {"link_id": link.id, "address": "192.0.2.9"}
            session.add(AuditLog(action="space.promise", at=at, details=details))
            session.add(AuditLog(action="space.access", at=at, details=details))
            session.add(AuditLog(action="space.issue", at=at, details={"link_id": link.id}))
        # A recent access (past the visits' period only): its address goes, the line stays.
        session.add(
            AuditLog(
                action="space.access",
                at=ago(S.visits_days, -DAY),
                details={"link_id": link.id, "address": "198.51.100.4"},
            )
        )
        for name, shift in ((OLD_FILE, -DAY), (YOUNG_FILE, DAY)):
            uploaded = ago(S.attachments_days, shift)
            _file(folder, name, uploaded)
            session.add(
                SpaceAttachment(
                    customer_id=customer.id,
                    stored_name=name,
                    content_type="application/pdf",
                    sha256="0" * 64,
                    uploaded_at=uploaded,
                )
            )
        session.commit()
    _file(folder, OLD_ORPHAN, ago(S.attachments_days, -DAY))
    _file(folder, YOUNG_ORPHAN, ago(S.attachments_days, DAY))
    _file(folder, OTHER_FILE, ago(S.attachments_days, -DAY * 30))


def _state(engine: Engine, folder: Path) -> dict:
    e, h, a = SpaceEvent.__table__, SpaceHandled.__table__, AuditLog.__table__
    att = SpaceAttachment.__table__
    with engine.connect() as conn:
        lines = conn.execute(
            select(a.c.action, a.c.at, a.c.details).where(a.c.action.like("space.%"))
        ).all()
        return {
            "events": len(conn.execute(select(e.c.id)).all()),
            "handled": len(conn.execute(select(h.c.event_id)).all()),
            "lines": sorted(r.action for r in lines),
            "addresses": sorted(r.details.get("address", "") for r in lines),
            "rows": sorted(conn.execute(select(att.c.stored_name)).scalars()),
            "files": sorted(p.name for p in folder.iterdir()),
        }


def test_the_space_is_kept_only_for_its_periods(store: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "space-attachments"
    folder.mkdir()
    seed(store, folder)
    before = _state(store, folder)
    assert before["events"] == 2 and len(before["files"]) == 5

    preview = preview_retention(store, NOW, settings=S, attachments_dir=folder)
    expected = {
        "space_events": 1,
        "space_audit_lines": 2,
        "attachments": 1,
        "attachment_files": 1,
    }
    assert {k: preview["counts"][k] for k in expected} == expected
    # Past the visits' period (1 year): the addresses of the four lines and of the recent access.
    assert preview["counts"]["visits"] == 5
    assert _state(store, folder) == before  # the dry run deletes nothing, rows or files

    done = apply_retention(store, NOW, settings=S, attachments_dir=folder)
    assert {k: done["counts"][k] for k in expected} == expected
    after = _state(store, folder)
    assert after["events"] == 1 and after["handled"] == 1
    # Young customer lines stay; the staff's space.issue lines stay (the audit's 10 years).
    assert after["lines"] == ["space.access", "space.access", "space.issue", "space.issue"] + [
        "space.promise"
    ]
    assert set(after["addresses"]) == {""}  # every line kept is past the visits' period
    assert after["rows"] == [YOUNG_FILE]
    assert after["files"] == sorted([YOUNG_FILE, YOUNG_ORPHAN, OTHER_FILE])

    again = apply_retention(store, NOW, settings=S, attachments_dir=folder)
    assert {k: again["counts"][k] for k in expected} == dict.fromkeys(expected, 0)


def test_the_space_events_period_comes_from_the_environment(store: Engine, tmp_path: Path):
    settings = RetentionSettings.from_env({"SRC_DASH_RETENTION_SPACE_EVENTS_DAYS": "0"})
    assert settings.space_events_days == 0
    folder = tmp_path / "space-attachments"
    folder.mkdir()
    seed(store, folder)
    counts = apply_retention(store, NOW, settings=settings, attachments_dir=folder)["counts"]
    assert (counts["space_events"], counts["space_audit_lines"]) == (0, 0)
    assert _state(store, folder)["events"] == 2
