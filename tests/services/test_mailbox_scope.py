"""/courriels scoped like the rest of the app (issue 14): a collector or a sales rep reads only the
mails of their portfolio's customers; a forged event asking another portfolio's mail gets the
answer of a mail that does not exist, and nothing of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from services.demo_helpers import Demo, who
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.dunning.mailsink import SinkHandler
from src_dash.dunning.smtp import message_id_for
from src_dash.services.auth import create_user
from src_dash.services.mailbox import open_mail, visible_mails
from src_dash.store import Customer, Message

DOMAIN = "relances.test"


def _send(engine: Engine, sink: SinkHandler, customer_id: int, subject: str) -> str:
    """A message row of the customer and the mail the sink kept of it; the mail's file name."""
    with engine.begin() as conn:
        key = f"test-{customer_id}-{subject}"
        row_id = conn.execute(
            insert(Message.__table__)
            .values(
                customer_id=customer_id,
                idempotency_key=key,
                subject=subject,
                status="sent",
                recipients_to=[f"client{customer_id}@example.test"],
                recipients_cc=[],
            )
            .returning(Message.__table__.c.id)
        ).scalar_one()
        smtp_id = message_id_for(key, row_id, DOMAIN)
        conn.execute(
            update(Message.__table__)
            .where(Message.__table__.c.id == row_id)
            .values(smtp_message_id=smtp_id)
        )
    content = (
        f"From: relances@{DOMAIN}\r\nTo: client{customer_id}@example.test\r\n"
        f"Subject: {subject}\r\nMessage-ID: {smtp_id}\r\n\r\nSecret of {subject}\r\n"
    ).encode()
    return sink.store(f"relances@{DOMAIN}", [f"client{customer_id}@example.test"], content).name


@pytest.fixture
def outbox(demo: Demo, tmp_path: Path) -> dict:
    """Two customers of the demo base, one in a new collector's portfolio, a mail to each and a
    daily report that names no customer."""
    engine = demo.engine
    c = Customer.__table__
    with engine.connect() as conn:
        rep_id = demo.users["commercial"].scope.sales_rep_ids
        rows = conn.execute(select(c.c.id, c.c.sales_rep_id).order_by(c.c.id)).all()
    of_rep = next(r.id for r in rows if r.sales_rep_id in rep_id)
    other = next(r.id for r in rows if r.sales_rep_id not in rep_id)
    collector_id = create_user(
        engine, "portefeuille", "Portefeuille-Tres-Long-2026!", "collector", "Porte Feuille"
    )
    with engine.begin() as conn:
        conn.execute(update(c).where(c.c.id == of_rep).values(collector_id=collector_id))
        conn.execute(update(c).where(c.c.id == other).values(collector_id=None))
    sink = SinkHandler(tmp_path / "sink")
    mine = _send(engine, sink, of_rep, "Relance A")
    theirs = _send(engine, sink, other, "Relance B")
    report = sink.store(
        f"relances@{DOMAIN}",
        ["daf@example.test"],
        b"From: x@relances.test\r\nSubject: Rapport du jour\r\nMessage-ID: <r.1@x>\r\n\r\nall\r\n",
    ).name
    return {
        "engine": engine,
        "folder": tmp_path / "sink",
        "mine": mine,
        "theirs": theirs,
        "report": report,
        "collector": who(engine, "portefeuille"),
        "users": demo.users,
    }


def _names(outbox: dict, viewer: Viewer) -> set[str] | None:
    mails = visible_mails(outbox["engine"], viewer, folder=outbox["folder"])
    return None if mails is None else {Path(m.path).name for m in mails}


def test_each_viewer_lists_the_mails_of_their_scope(outbox: dict) -> None:
    everything = {outbox["mine"], outbox["theirs"], outbox["report"]}
    assert _names(outbox, outbox["users"]["admin"]) == everything
    assert _names(outbox, outbox["users"]["recouvrement"]) == everything  # sees all customers
    assert _names(outbox, outbox["collector"]) == {outbox["mine"]}
    assert _names(outbox, outbox["users"]["commercial"]) == {outbox["mine"]}
    assert _names(outbox, outbox["users"]["direction"]) is None  # read-only: no outbox


def test_a_forged_event_for_another_portfolio_gets_nothing(outbox: dict) -> None:
    engine, folder = outbox["engine"], outbox["folder"]
    attempts = refused = 0
    for viewer in (outbox["collector"], outbox["users"]["commercial"]):
        opened = open_mail(engine, viewer, outbox["mine"], folder)
        assert "Secret of Relance A" in opened.text
        for name in (outbox["theirs"], outbox["report"], "absent.eml", "../store.db", ".x.eml"):
            attempts += 1
            with pytest.raises(FileNotFoundError) as caught:
                open_mail(engine, viewer, name, folder)
            assert "Relance B" not in str(caught.value)
            assert str(caught.value) == name  # the answer of a mail that does not exist
            refused += 1
    for name in (outbox["mine"], outbox["theirs"]):
        attempts += 1
        with pytest.raises(FileNotFoundError):
            open_mail(engine, outbox["users"]["direction"], name, folder)
        refused += 1
    assert (attempts, refused) == (12, 12)
    admin = outbox["users"]["admin"]
    assert "Secret of Relance B" in open_mail(engine, admin, outbox["theirs"], folder).text


def test_a_mail_whose_message_id_names_another_row_is_not_given(outbox: dict) -> None:
    """A Message-ID that names a row of the portfolio but not the one sent stays out of scope."""
    engine, folder = outbox["engine"], outbox["folder"]
    m = Message.__table__
    with engine.connect() as conn:
        mine_id = conn.execute(select(m.c.id).where(m.c.subject == "Relance A")).scalar_one()
    sink = SinkHandler(folder)
    forged = sink.store(
        f"relances@{DOMAIN}",
        ["x@example.test"],
        f"Subject: Copie\r\nMessage-ID: <other.{mine_id}@{DOMAIN}>\r\n\r\nx\r\n".encode(),
    ).name
    with pytest.raises(FileNotFoundError):
        open_mail(engine, outbox["collector"], forged, folder)
    assert forged not in _names(outbox, outbox["collector"])
