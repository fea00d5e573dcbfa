"""The staff side of the customer's space on the hand ledger (SQLite and PostgreSQL): the card's
activity, revoking and sending the link, answering a customer's message (shown in the space and
emailed through the outbox to the local SMTP sink), the customer's files, and the dashboard's
count of customers active in their space; each refused outside the viewer's role or portfolio.

GAMMA: sales rep R1, in u1's portfolio, one contact without email. BETA: sales rep R2, collector
u1. The sales rep "rep" sees R1's customers; "col2" sees none of these; "ro" reads everything.
"""

from __future__ import annotations

import os
import re
import socket
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from test_followup import World, audit_lines

from src_dash.access import AccessDenied
from src_dash.analytics.scope import Scope
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.config import load_settings
from src_dash.dunning.mailsink import read_mail, received, start_sink
from src_dash.services.customer_space.actions import (
    log_event,
    promise,
    report_problem,
    write_message,
)
from src_dash.services.customer_space.links import issue_link, resolve
from src_dash.services.customer_space.staff import attachment_file, space_activity
from src_dash.services.customer_space.staff_mail import (
    NoRecipient,
    answer_message,
    revoke_links,
    send_link,
    send_now,
)
from src_dash.services.customer_space.uploads import check_upload, store_upload
from src_dash.services.customer_space.view import space_view
from src_dash.services.dashboard import space_customers
from src_dash.services.followup import add_comment
from src_dash.services.inputs import InvalidInput
from src_dash.store import Contact, Customer, Dispute, Message
from src_dash.store.space import SpaceAttachment, SpaceEvent, SpaceLink

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _open(world: World, number: str, address: str = "203.0.113.7"):  # noqa: ANN202
    issued = issue_link(world.engine, world.users["u1"], world.customer(number))
    access = resolve(world.engine, issued.token, address).access
    assert access is not None
    return issued, access


def _give_email(world: World, number: str, email: str) -> None:
    c = Customer.__table__
    with world.engine.begin() as conn:
        company = conn.execute(
            select(c.c.company_id).where(c.c.id == world.customer(number))
        ).scalar()
        conn.execute(
            Contact.__table__.insert().values(
                company_id=company,
                customer_id=world.customer(number),
                origin="app",
                last_name="Compta",
                email=email,
                dunning_role="to",
            )
        )


@pytest.fixture
def sink(tmp_path, monkeypatch):  # noqa: ANN201
    """The local SMTP sink on a free port, and the settings that send to it."""
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path / "data"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tmp_path / "sink"
    server = start_sink(folder, port=port)
    settings = load_settings(
        {**os.environ, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_FROM": "r@hand.fr"}
    )
    yield settings, folder
    server.stop()


def test_revoking_from_the_card_makes_every_token_refused(world: World):
    first, _ = _open(world, "GAMMA")
    second = issue_link(world.engine, world.users["u1"], world.customer("GAMMA"))
    before = space_activity(world.engine, world.users["u1"], world.customer("GAMMA"))
    assert before.link.live == 2 and before.link.expires_at == second.expires_at
    assert before.link.last_used_at is not None and before.link.revoked_at is None
    assert revoke_links(world.engine, world.users["u1"], world.customer("GAMMA")) == 2
    for token in (first.token, second.token):
        assert resolve(world.engine, token, "198.51.100.1").refusal == "revoked"
    after = space_activity(world.engine, world.users["u1"], world.customer("GAMMA"))
    assert after.link.live == 0 and after.link.revoked_at is not None
    [line] = audit_lines(world.engine, "space.revoke")
    assert line.user_id == world.users["u1"].user_id and line.details == {"links": 2}


@pytest.mark.parametrize("user", ["ro", "rep", "col2"])
def test_only_a_worker_of_the_customer_may_revoke_or_send(world: World, user: str):
    issued, _ = _open(world, "GAMMA")
    _give_email(world, "GAMMA", "ap@gamma.test")
    who = world.users[user]
    with pytest.raises(AccessDenied):
        revoke_links(world.engine, who, world.customer("GAMMA"))
    with pytest.raises(AccessDenied):
        send_link(world.engine, who, world.customer("GAMMA"))
    assert resolve(world.engine, issued.token, "198.51.100.1").refusal == ""
    with world.engine.connect() as conn:
        assert conn.execute(select(Message.__table__.c.id)).first() is None
    activity_of = {"ro": True, "rep": True, "col2": False}[user]
    if activity_of:
        seen = space_activity(world.engine, who, world.customer("GAMMA"))
        assert (seen.can_work, seen.link.live) == (False, 1)
    else:
        with pytest.raises(AccessDenied):
            space_activity(world.engine, who, world.customer("GAMMA"))


def test_sending_the_link_needs_an_email_address(world: World):
    with pytest.raises(NoRecipient):
        send_link(world.engine, world.users["u1"], world.customer("GAMMA"))
    with world.engine.connect() as conn:
        assert conn.execute(select(SpaceLink.__table__.c.id)).first() is None


def test_the_link_sent_reaches_the_sink_and_opens_the_space(world: World, sink):
    settings, folder = sink
    _give_email(world, "GAMMA", "ap@gamma.test")
    sent = send_link(world.engine, world.users["u1"], world.customer("GAMMA"))
    assert sent.to == ("ap@gamma.test",) and sent.emailed
    done = send_now(world.engine, world.users["u1"], settings)
    assert done.sent == 1
    [mail] = received(5, folder)
    assert mail.to == ("ap@gamma.test",) and "espace client" in mail.subject
    token = re.search(r"/espace/([A-Za-z0-9_-]{32,64})", read_mail(mail.path).text).group(1)
    access = resolve(world.engine, token, "198.51.100.9").access
    assert access is not None and access.customer_id == world.customer("GAMMA")
    [message] = world_messages(world)
    assert (message.status, message.template_code, message.approved_by) == (
        "sent",
        "space_link",
        world.users["u1"].user_id,
    )


def world_messages(world: World) -> list:
    m = Message.__table__
    with world.engine.connect() as conn:
        return conn.execute(select(m).order_by(m.c.id)).all()


def test_the_card_shows_the_spaces_activity_newest_first(world: World, tmp_path):
    _, access = _open(world, "GAMMA")
    log_event(world.engine, access, "visit")
    promise(world.engine, access, "250.00", date(2026, 12, 5), [world.entry("e13")])
    report_problem(
        world.engine,
        access,
        world.reasons["Erreur de prix"],
        [world.entry("e13")],
        "prix faux",
        ("bon.pdf", PDF),
        tmp_path,
    )
    write_message(world.engine, access, "Pouvez-vous me rappeler ?")
    activity = space_activity(world.engine, world.users["u1"], world.customer("GAMMA"))
    assert [x.kind for x in activity.lines] == ["message", "dispute", "promise", "visit"]
    message, dispute, promised, _visit = activity.lines
    assert (message.text, message.answered) == ("Pouvez-vous me rappeler ?", False)
    assert (promised.amount, promised.on, promised.currency) == (
        D("250.00"),
        date(2026, 12, 5),
        "EUR",
    )
    assert dispute.text == "Erreur de prix — prix faux"
    [file] = dispute.attachments
    assert (file.name, file.content_type, file.size) == ("bon.pdf", "application/pdf", len(PDF))
    for user in ("u1", "ro", "rep", "admin"):
        got = attachment_file(world.engine, world.users[user], file.id, tmp_path)
        assert (got.filename, got.data, got.mime_type) == ("bon.pdf", PDF, "application/pdf")
    with pytest.raises(AccessDenied):
        attachment_file(world.engine, world.users["col2"], file.id, tmp_path)
    assert len(space_activity(world.engine, world.users["u1"], world.customer("GAMMA"), 2).lines)


def test_another_reps_customers_files_and_messages_are_out_of_reach(world: World, tmp_path):
    _, access = _open(world, "BETA")
    # BETA's invoice is under a dispute already: its file is kept as a report's would be.
    upload = check_upload("preuve.pdf", PDF)
    with world.engine.begin() as conn:
        dispute = conn.execute(select(Dispute.__table__.c.id)).scalar()
        conn.execute(
            SpaceAttachment.__table__.insert().values(
                customer_id=world.customer("BETA"),
                dispute_id=dispute,
                stored_name=store_upload(upload, tmp_path),
                original_name="preuve.pdf",
                content_type=upload.content_type,
                size=len(PDF),
                sha256=upload.sha256,
            )
        )
        conn.execute(
            SpaceEvent.__table__.insert().values(
                link_id=access.link_id,
                customer_id=world.customer("BETA"),
                kind="dispute",
                ref_id=dispute,
                at=utcnow(),
            )
        )
    asked = write_message(world.engine, access, "Merci de me rappeler")
    [file] = (
        space_activity(world.engine, world.users["u1"], world.customer("BETA")).lines[1].attachments
    )
    rep = world.users["rep"]
    with pytest.raises(AccessDenied):
        attachment_file(world.engine, rep, file.id, tmp_path)
    with pytest.raises(AccessDenied):
        answer_message(world.engine, rep, asked.ref_id, "Bonjour")
    with pytest.raises(AccessDenied):
        space_activity(world.engine, rep, world.customer("BETA"))
    with pytest.raises(AccessDenied):
        answer_message(world.engine, world.users["ro"], asked.ref_id, "Bonjour")
    assert world_messages(world) == []


def test_the_answer_shows_in_the_space_and_goes_by_email(world: World, sink):
    settings, folder = sink
    _give_email(world, "GAMMA", "ap@gamma.test")
    issued, access = _open(world, "GAMMA")
    asked = write_message(world.engine, access, "Ma facture P-e13 est-elle juste ?")
    with pytest.raises(InvalidInput):
        answer_message(world.engine, world.users["u1"], asked.ref_id, "   ")
    sent = answer_message(
        world.engine, world.users["u1"], asked.ref_id, "Oui, elle est juste. <b>Merci</b>"
    )
    assert sent.emailed and sent.to == ("ap@gamma.test",)
    # In the space at once, before the dispatcher's pass, marked as the company's answer.
    [shown] = [m for m in space_view(world.engine, access).messages if m.answer]
    assert shown.body_text.startswith("Oui, elle est juste. <b>Merci</b>")
    assert "Ma facture P-e13 est-elle juste ?" in shown.body_text and shown.sent_at is not None
    activity = space_activity(world.engine, world.users["u1"], world.customer("GAMMA"))
    answer, message = activity.lines[:2]
    assert (answer.kind, answer.text, answer.by, answer.status) == (
        "answer",
        "Oui, elle est juste. <b>Merci</b>",
        "Collector One",
        "queued",
    )
    assert (message.kind, message.answered) == ("message", True)
    assert send_now(world.engine, world.users["u1"], settings).sent == 1
    [mail] = received(5, folder)
    full = read_mail(mail.path)
    assert mail.to == ("ap@gamma.test",) and "réponse à votre message" in mail.subject
    assert "Oui, elle est juste." in full.text and "&lt;b&gt;Merci" in full.html
    assert "/espace/" in full.text  # a fresh link, as the customer had a live one
    assert [m.answer for m in space_view(world.engine, access).messages] == [True]
    [line] = audit_lines(world.engine, "space.answer")
    assert line.details["comment_id"] == asked.ref_id and line.details["emailed"] is True
    assert resolve(world.engine, issued.token, "198.51.100.1").refusal == ""


def test_an_answer_without_email_stays_in_the_space_without_a_link(world: World):
    _, access = _open(world, "GAMMA")
    asked = write_message(world.engine, access, "Bonjour ?")
    revoke_links(world.engine, world.users["u1"], world.customer("GAMMA"))
    sent = answer_message(world.engine, world.users["rep"], asked.ref_id, "Bonjour !")
    assert not sent.emailed and sent.to == ()
    [message] = world_messages(world)
    assert (message.channel, message.status, message.recipients_to) == ("space", "sent", [])
    assert "/espace/" not in message.body_text
    with world.engine.connect() as conn:
        live = conn.execute(
            select(SpaceLink.__table__.c.id).where(SpaceLink.__table__.c.revoked_at.is_(None))
        ).first()
    assert live is None  # answering never gives back a revoked access


def test_only_a_customers_own_space_messages_can_be_answered(world: World):
    comment = add_comment(world.engine, world.users["u1"], world.customer("GAMMA"), "note interne")
    with pytest.raises(AccessDenied):
        answer_message(world.engine, world.users["u1"], comment.id, "Bonjour")


def test_the_dashboard_counts_the_customers_active_in_their_space(world: World):
    _, gamma = _open(world, "GAMMA")
    _, beta = _open(world, "BETA")
    log_event(world.engine, gamma, "visit")
    log_event(world.engine, gamma, "statement")
    log_event(world.engine, beta, "visit")
    today = clock_today()
    with world.engine.connect() as conn:
        assert space_customers(conn, Scope(), today) == 2
        assert space_customers(conn, world.users["rep"].scope, today) == 1
        assert space_customers(conn, world.users["col2"].scope, today) == 0
        assert space_customers(conn, Scope(), today + timedelta(days=30)) == 0
        assert space_customers(conn, Scope(), today - timedelta(days=1)) == 0
        assert space_customers(conn, Scope(), today + timedelta(days=29)) == 2
