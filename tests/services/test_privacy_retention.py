"""Retention (SQLite and PostgreSQL): rows generated a day either side of each limit; only what
is past its period is deleted or blanked, the dunning history line stays, a dry run changes
nothing, a second run finds nothing, one audit line per run; periods from the environment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from src_dash.services.privacy import RetentionSettings, apply_retention, preview_retention
from src_dash.store import (
    AuditLog,
    Company,
    Customer,
    InboundMail,
    Message,
    SpaceAttachment,
    SpaceEvent,
    SpaceLink,
)
from src_dash.store.locking import write_session

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
S = RetentionSettings()
DAY = timedelta(days=1)


def ago(days: int, shift: timedelta) -> datetime:
    """`days` before NOW, moved by `shift` (-DAY: past the limit; +DAY: still within)."""
    return NOW - timedelta(days=days) + shift


def seed(engine: Engine, folder: Path) -> None:
    """Per kind, one row a day past its limit ("old") and one a day within it ("young")."""
    with write_session(engine) as session:
        company = Company(code="RET", name="Rétention SA")
        session.add(company)
        session.flush()
        customer = Customer(company_id=company.id, number="C1", name="Client")
        session.add(customer)
        session.flush()
        link = SpaceLink(
            company_id=company.id, customer_id=customer.id, token_hash="h" * 64, expires_at=NOW
        )
        session.add(link)
        session.flush()
        for tag, shift in (("old", -DAY), ("young", DAY)):
            session.add(
                Message(
                    customer_id=customer.id,
                    subject=f"R1 {tag}",
                    body_text="Madame Durand,",
                    body_html="<p>Madame Durand,</p>",
                    recipients_to=[{"email": "durand@client.fr", "name": "Mme Durand"}],
                    status="sent",
                    idempotency_key=f"m-{tag}",
                    created_at=ago(S.messages_days, shift),
                    total=Decimal("99.90"),
                    level=1,
                )
            )
            session.add(
                InboundMail(
                    mailbox="box",
                    uid=1 if tag == "old" else 2,
                    from_address="durand@client.fr",
                    from_name="Mme Durand",
                    body_text="Je paierai lundi.",
                    suggestions=[{"kind": "promise", "quote": "lundi"}],
                    received_at=ago(S.replies_days, shift),
                )
            )
            for action in ("login", "login.failed"):
                at = ago(S.logins_days, shift)
                session.add(AuditLog(action=action, at=at, details={"address": "10.0.0.7"}))
            for action in ("customer.stop", "privacy.erase"):
                session.add(AuditLog(action=action, at=ago(S.audit_days, shift)))
            session.add(
                SpaceEvent(
                    link_id=link.id,
                    customer_id=customer.id,
                    kind="visit",
                    address="192.0.2.1",
                    at=ago(S.visits_days, shift),
                )
            )
            name = f"{tag}.pdf"
            (folder / name).write_bytes(b"%PDF")
            session.add(
                SpaceAttachment(
                    customer_id=customer.id,
                    stored_name=name,
                    content_type="application/pdf",
                    sha256="0" * 64,
                    uploaded_at=ago(S.attachments_days, shift),
                )
            )
        session.commit()


EXPECTED = {
    "messages": 1,
    "replies": 1,
    "login_lines": 2,
    "audit_lines": 1,
    "visits": 1,
    "space_events": 0,
    "space_audit_lines": 0,
    "attachments": 1,
    "attachment_files": 0,
}


def test_retention_removes_only_what_is_past_its_period(store: Engine, tmp_path: Path):
    seed(store, tmp_path)
    preview = preview_retention(store, NOW, settings=S)
    assert preview["counts"] == EXPECTED and preview["applied"] is False
    assert preview_retention(store, NOW, settings=S)["counts"] == EXPECTED  # nothing changed

    done = apply_retention(store, NOW, settings=S, attachments_dir=tmp_path)
    assert done["counts"] == EXPECTED and done["applied"] is True
    assert done["periods"]["messages_days"] == 3650

    m, im, a = Message.__table__, InboundMail.__table__, AuditLog.__table__
    e, att = SpaceEvent.__table__, SpaceAttachment.__table__
    with store.connect() as conn:
        messages = {r.idempotency_key: r for r in conn.execute(select(m)).all()}
        mails = {r.uid: r for r in conn.execute(select(im)).all()}
        actions = sorted(conn.execute(select(a.c.action)).scalars().all())
        addresses = sorted(conn.execute(select(e.c.address)).scalars().all())
        files = conn.execute(select(att.c.stored_name)).scalars().all()
    old, young = messages["m-old"], messages["m-young"]
    assert (old.body_text, old.body_html, old.recipients_to) == ("", "", [])
    assert (old.subject, old.total, old.level, old.status) == (
        "R1 old",
        Decimal("99.90"),
        1,
        "sent",
    )
    assert young.body_text == "Madame Durand," and young.recipients_to
    assert (mails[1].body_text, mails[1].from_name, mails[1].suggestions) == ("", "", [])
    assert mails[1].from_address == "durand@client.fr"  # the line stays: who answered
    assert mails[2].body_text == "Je paierai lundi." and mails[2].from_name == "Mme Durand"
    assert actions == sorted(
        ["login", "login.failed", "customer.stop", "privacy.erase", "privacy.erase"]
        + ["privacy.retention"]
    )
    assert addresses == ["", "192.0.2.1"]
    assert files == ["young.pdf"]
    assert not (tmp_path / "old.pdf").exists() and (tmp_path / "young.pdf").exists()

    again = apply_retention(store, NOW, settings=S, attachments_dir=tmp_path)
    assert set(again["counts"].values()) == {0}
    with store.connect() as conn:
        lines = conn.execute(
            select(a.c.user_id, a.c.details).where(a.c.action == "privacy.retention")
        ).all()
    assert len(lines) == 2 and lines[0].user_id is None
    assert lines[0].details["messages"] == 1 and lines[1].details["messages"] == 0


def test_a_period_of_zero_keeps_forever(store: Engine, tmp_path: Path):
    seed(store, tmp_path)
    keep = RetentionSettings(messages_days=0, logins_days=0)
    counts = apply_retention(store, NOW, settings=keep, attachments_dir=tmp_path)["counts"]
    assert counts == {**EXPECTED, "messages": 0, "login_lines": 0}
    with store.connect() as conn:
        logins = conn.execute(
            select(func.count()).where(AuditLog.__table__.c.action.like("login%"))
        ).scalar()
    assert logins == 4


def test_periods_come_from_the_environment():
    env = {"SRC_DASH_RETENTION_MESSAGES_DAYS": "30", "SRC_DASH_RETENTION_LOGINS_DAYS": " 180 "}
    s = RetentionSettings.from_env(env)
    assert (s.messages_days, s.logins_days, s.replies_days) == (30, 180, 1095)
    with pytest.raises(ValueError, match="SRC_DASH_RETENTION_AUDIT_DAYS"):
        RetentionSettings.from_env({"SRC_DASH_RETENTION_AUDIT_DAYS": "ten years"})
    with pytest.raises(ValueError, match="negative"):
        RetentionSettings.from_env({"SRC_DASH_RETENTION_VISITS_DAYS": "-1"})
