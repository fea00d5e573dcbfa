"""The collection mailbox read back over IMAP, against a real Dovecot started by the tests and a
real SMTP server (aiosmtpd): replies tied to their dunning message (plus-address token,
In-Reply-To / References, sender), on the timeline and in the worklist with their suggestions;
delivery status notifications marking the message bounced with its alert; every mail once."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from imap_helpers import Dovecot
from smtp_helpers import SmtpServer, make_ledger, proposal
from sqlalchemy import insert, select

from src_dash.access import viewer
from src_dash.analytics.ledger import clear_cache
from src_dash.analytics.timeline import timeline
from src_dash.config import load_settings
from src_dash.dunning.dispatch import dispatch
from src_dash.dunning.inbox import ImapConfig, MailboxUnavailable, read_mailbox
from src_dash.dunning.reply_address import reply_to
from src_dash.dunning.runs import create_run
from src_dash.scheduler import inbox_jobs, run_pending
from src_dash.services.worklist import worklist
from src_dash.store import Action, Alert, CompanyMessaging, InboundMail, Message

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
SECRET = "0123456789abcdef0123456789abcdef"


pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture(scope="module")
def dovecot():
    server = Dovecot().start()
    yield server
    server.stop()


class Folder:
    """A fresh folder of the Dovecot mailbox, for one test."""

    def __init__(self, server: Dovecot) -> None:
        self.server = server
        self.folder = f"T{uuid.uuid4().hex[:10]}"
        with server.client() as imap:
            assert imap.create(self.folder)[0] == "OK"

    def deliver(self, *mails: bytes) -> None:
        self.server.deliver(*mails, folder=self.folder)

    def env(self) -> dict[str, str]:
        return self.server.env() | {"SRC_DASH_IMAP_FOLDER": self.folder}


@pytest.fixture
def mailbox(dovecot):
    """(a fresh folder, its settings)."""
    box = Folder(dovecot)
    return box, dovecot.config(folder=box.folder)


@pytest.fixture
def smtp():
    srv = SmtpServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def sent(store, smtp):
    """Two customers dunned by email through the real SMTP server; their company has a reply
    secret. Returns (ids, {customer id: (message id, the email received)})."""
    clear_cache()
    ids = make_ledger(store, 2)
    with store.begin() as conn:
        conn.execute(
            insert(CompanyMessaging.__table__).values(
                company_id=ids["company"], reply_secret=SECRET, updated_at=NOW
            )
        )
    create_run(store, [proposal(store, ids, n) for n in range(2)])
    result = dispatch(store, smtp.settings(), now=NOW, sent_by=ids["user"])
    assert result.sent == 2
    m = Message.__table__
    with store.connect() as conn:
        rows = conn.execute(select(m.c.id, m.c.customer_id, m.c.smtp_message_id)).all()
    by_id = {r.message_id: r for r in smtp.received}
    yield ids, {r.customer_id: (r.id, by_id[r.smtp_message_id]) for r in rows}
    clear_cache()


def reply(
    body: str,
    *,
    sender: str = "compta0@example.com",
    to: str = "relances@atelier-dumas.fr",
    in_reply_to: str = "",
    references: str = "",
    subject: str = "RE: Relance",
    headers: dict[str, str] | None = None,
    html: str = "",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Marie Compta <{sender}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 22, 8, 30, tzinfo=UTC))
    msg["Message-ID"] = make_msgid(domain="example.com")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    return bytes(msg)


def dsn(original: bytes, recipient: str, action: str = "failed", status: str = "5.1.1") -> bytes:
    """A delivery status notification (RFC 3464) as Postfix writes one."""
    status_text = (
        "Reporting-MTA: dns; mx.example.com\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Original-Recipient: rfc822;{recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected\r\n"
    )
    headers_only = original.split(b"\r\n\r\n", 1)[0] + b"\r\n"
    outer = (
        "From: MAILER-DAEMON@mx.example.com\r\n"
        "To: relances@atelier-dumas.fr\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {format_datetime(datetime(2026, 11, 22, 9, 5, tzinfo=UTC))}\r\n"
        f"Message-ID: {make_msgid(domain='mx.example.com')}\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="BOUND"\r\n'
        "\r\n"
        "--BOUND\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        "Your message could not be delivered to one or more recipients.\r\n\r\n"
        "--BOUND\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        f"{status_text}\r\n"
        "--BOUND\r\n"
        "Content-Type: text/rfc822-headers\r\n\r\n"
    ).encode()
    return outer + headers_only + b"\r\n--BOUND--\r\n"


def rows(engine) -> list:
    im = InboundMail.__table__
    with engine.connect() as conn:
        return conn.execute(select(im).order_by(im.c.uid)).all()


def test_a_reply_lands_on_the_timeline_and_the_worklist_in_one_scheduler_pass(
    store, store_url, sent, mailbox, monkeypatch
):
    ids, messages = sent
    server, config = mailbox
    customer = ids["customers"][0]
    message_id, email = messages[customer]
    answer_to = str(email.message["Reply-To"] or "relances@atelier-dumas.fr")
    body = (
        "Bonjour,\n\nNous réglerons le 15/01.\n\nCordialement,\nMarie Compta\n\n"
        "Le 22 nov. 2026 à 09:00, relances@atelier-dumas.fr a écrit :\n"
        + "".join(f"> {line}\n" for line in email.body("plain").splitlines())
    )
    server.deliver(reply(body, to=answer_to, in_reply_to=email.message_id))
    # The scheduler's job, from the environment, as the app runs it.
    env = server.env() | {"DATABASE_URL": store_url}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    jobs = inbox_jobs(load_settings())
    assert [j.name for j in jobs] == ["inbox"]
    assert run_pending(jobs, now=0.0) == ["inbox"]
    assert jobs[0].last_error == ""

    (row,) = rows(store)
    assert (row.kind, row.customer_id, row.message_id) == ("reply", customer, message_id)
    assert row.matched_by in ("token", "thread")
    assert row.body_text.startswith("Bonjour,\n\nNous réglerons le 15/01.")
    assert "a écrit" not in row.body_text  # the quoted history is cut
    assert row.suggestions == [
        {
            "kind": "promise",
            "quote": "Nous réglerons le 15/01.",
            "on": "2027-01-15",
            "amount": None,
            "reference": "",
            "reason": "",
        }
    ]
    clear_cache()
    events = [e for e in timeline(store, customer, as_of=TODAY) if e.kind == "reply"]
    assert [(e.title, e.ref) for e in events] == [("RE: Relance", row.id)]
    assert "Nous réglerons le 15/01." in events[0].detail
    # In the collector's worklist as a reply to handle, on the items of the message.
    work = worklist(store, viewer(store, ids["user"]), today=TODAY)
    assert work.groups[0].kind == "reply"
    (item,) = work.groups[0].due_today
    assert (item.customer_id, item.action_id, item.items) == (customer, row.action_id, 2)
    a = Action.__table__
    with store.connect() as conn:
        action = conn.execute(select(a).where(a.c.id == row.action_id)).one()
    assert (action.kind, action.assigned_to, action.origin) == ("reply", ids["user"], "mailbox")

    # A second pass reads nothing again.
    assert run_pending(jobs, now=10_000.0) == ["inbox"]
    assert len(rows(store)) == 1


def test_replies_are_tied_by_token_then_thread_then_sender(store, sent, mailbox):
    ids, messages = sent
    server, config = mailbox
    first, second = ids["customers"]
    m1, email1 = messages[first]
    m2, _ = messages[second]
    tagged = reply_to("relances@atelier-dumas.fr", m2, SECRET)
    forged = re.sub(r"-[0-9a-f]{8}@", "-ffffffff@", tagged)
    assert forged != tagged
    server.deliver(
        # The token names customer 2's message though customer 1's address sent it.
        reply("Paiement prévu le 15 janvier pour 350,50 €.", to=f"Relances <{tagged}>"),
        # No token, an old client keeping only References.
        reply("Facture contestée.", references=f"<x@y> {email1.message_id}", sender="z@z.z"),
        # A forged token and nothing else: tied by the sender only.
        reply("Already paid, ref TRX884512.", to=forged, sender="Compta1@Example.com"),
        # Nobody we know.
        reply("Hello?", sender="stranger@nowhere.test"),
    )
    result = read_mailbox(store, config, today=TODAY)
    assert (result.fetched, result.replies, result.unmatched) == (4, 3, 1)
    got = [(r.matched_by, r.customer_id, r.message_id, r.kind, r.status) for r in rows(store)]
    assert got == [
        ("token", second, m2, "reply", "new"),
        ("thread", first, m1, "reply", "new"),
        ("sender", second, m2, "reply", "new"),  # the customer's last email
        ("", None, None, "unmatched", "new"),
    ]
    kinds = [[s["kind"] for s in r.suggestions] for r in rows(store)]
    assert kinds == [["promise"], ["dispute"], ["paid"], []]


def test_a_delivery_status_notification_marks_the_message_bounced_with_its_alert(
    store, sent, mailbox
):
    ids, messages = sent
    server, config = mailbox
    customer = ids["customers"][0]
    message_id, email = messages[customer]
    other_id, other_email = messages[ids["customers"][1]]
    report = dsn(email.content, "compta0@example.com")
    server.deliver(
        report,
        # A delay changes nothing.
        dsn(other_email.content, "compta1@example.com", action="delayed", status="4.4.1"),
    )
    result = read_mailbox(store, config, today=TODAY)
    assert (result.fetched, result.bounces, result.replies) == (2, 1, 0)
    m, al = Message.__table__, Alert.__table__
    with store.connect() as conn:
        status = dict(conn.execute(select(m.c.id, m.c.status)).all())
        alerts = conn.execute(select(al).where(al.c.resolved_at.is_(None))).all()
    assert status == {message_id: "bounced", other_id: "sent"}
    (alert,) = [a for a in alerts if a.kind == "email_bounced"]
    assert (alert.message_id, alert.customer_id) == (message_id, customer)
    assert alert.key == f"email_bounced:m{message_id}"
    assert "compta0@example.com" in alert.text and "5.1.1" in alert.text
    assert [r.kind for r in rows(store)] == ["bounce", "dsn"]
    # The message shows as failed on the customer's timeline.
    clear_cache()
    kinds = [e.kind for e in timeline(store, customer, as_of=TODAY)]
    assert "message_failed" in kinds
    # The same DSN delivered again (a new UID, the same Message-ID) is not read twice; another
    # one on the same message changes nothing more.
    server.deliver(report, dsn(email.content, "compta0@example.com"))
    again = read_mailbox(store, config, today=TODAY)
    assert (again.fetched, again.skipped, again.bounces) == (2, 1, 0)
    assert [r.kind for r in rows(store)] == ["bounce", "dsn", "bounce"]
    with store.connect() as conn:
        assert conn.execute(select(al.c.id).where(al.c.kind == "email_bounced")).all() == [
            (alert.id,)
        ]


def test_a_bounce_of_the_copy_only_names_it_and_keeps_the_message_sent(store, sent, mailbox):
    ids, messages = sent
    server, config = mailbox
    message_id, email = messages[ids["customers"][0]]
    server.deliver(dsn(email.content, "commercial@atelier-dumas.fr"))
    assert read_mailbox(store, config, today=TODAY).bounces == 0
    m, al = Message.__table__, Alert.__table__
    with store.connect() as conn:
        assert conn.execute(select(m.c.status).where(m.c.id == message_id)).scalar() == "sent"
        text = conn.execute(select(al.c.text).where(al.c.message_id == message_id)).scalar()
    assert text.startswith("some recipients refused: commercial@atelier-dumas.fr")


def test_every_mail_is_read_once_across_passes_and_batches(store, sent, mailbox):
    ids, messages = sent
    server, config = mailbox
    _, email = messages[ids["customers"][0]]
    server.deliver(*[reply(f"Nous réglerons le {n + 1}/12.", in_reply_to=email.message_id)
                     for n in range(7)])  # fmt: skip
    first = read_mailbox(store, config, today=TODAY, batch=3)
    assert (first.fetched, first.replies, first.suggestions) == (7, 7, 7)
    assert read_mailbox(store, config, today=TODAY).fetched == 0
    server.deliver(reply("Nous réglerons le 20/12.", in_reply_to=email.message_id))
    assert read_mailbox(store, config, today=TODAY).fetched == 1
    got = rows(store)
    assert [r.uid for r in got] == list(range(1, 9))
    assert [r.suggestions[0]["on"] for r in got] == [f"2026-12-{d:02d}" for d in (*range(1, 8), 20)]


def test_automatic_answers_and_html_replies(store, sent, mailbox):
    ids, messages = sent
    server, config = mailbox
    _, email = messages[ids["customers"][0]]
    server.deliver(
        reply(
            "Je suis absente jusqu'au 30/11. Nous réglerons le 15/01.",
            in_reply_to=email.message_id,
            subject="Réponse automatique : Relance",
            headers={"Auto-Submitted": "auto-replied"},
        ),
        reply(
            "",
            in_reply_to=email.message_id,
            html="<p>Bonjour,</p><p>Nous n&#39;avons pas re&ccedil;u la marchandise.</p>",
        ),
    )
    result = read_mailbox(store, config, today=TODAY)
    assert (result.auto_replies, result.replies) == (1, 1)
    auto, answer = rows(store)
    assert (auto.kind, auto.status, auto.action_id, auto.suggestions) == (
        "auto_reply",
        "none",
        None,
        [],
    )
    assert answer.suggestions[0]["kind"] == "dispute"
    assert answer.suggestions[0]["quote"] == "Nous n'avons pas reçu la marchandise."


def test_a_wrong_password_or_folder_says_so_without_the_password(store, mailbox):
    server, config = mailbox
    # The wrong folder first: after a failed login the server may slow this address down.
    with pytest.raises(MailboxUnavailable, match="folder 'Nope' cannot be opened"):
        read_mailbox(store, ImapConfig(**{**config.__dict__, "folder": "Nope"}))
    bad = ImapConfig(**{**config.__dict__, "password": "not-the-password"})
    with pytest.raises(MailboxUnavailable) as caught:
        read_mailbox(store, bad)
    assert "refused the login" in str(caught.value)
    assert "not-the-password" not in str(caught.value) and "not-the-password" not in repr(bad)
    closed = ImapConfig(**{**config.__dict__, "port": 1})
    with pytest.raises(MailboxUnavailable, match="cannot be reached"):
        read_mailbox(store, closed)
    assert rows(store) == []


def test_the_settings_come_from_the_environment():
    assert ImapConfig.from_env({}) is None
    config = ImapConfig.from_env(
        {"SRC_DASH_IMAP_HOST": "imap.x.fr", "SRC_DASH_IMAP_TLS": "tls", "SRC_DASH_IMAP_USER": "u"}
    )
    assert (config.host, config.port, config.tls, config.folder) == (
        "imap.x.fr",
        993,
        "tls",
        "INBOX",
    )
    with pytest.raises(ValueError, match="SRC_DASH_IMAP_TLS"):
        ImapConfig.from_env({"SRC_DASH_IMAP_HOST": "h", "SRC_DASH_IMAP_TLS": "ssl"})
