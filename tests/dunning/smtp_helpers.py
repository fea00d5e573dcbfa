"""A real SMTP server (aiosmtpd) on localhost for the delivery tests, recording what it accepts.

Import it from a test as ``from dunning.smtp_helpers import SmtpServer`` (tests/ is on the path).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

from src_dash.config import load_settings
from src_dash.dunning.smtp import SmtpConfig


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        """The parsed message."""
        return message_from_bytes(self.content, policy=default_policy)

    @property
    def subject(self) -> str:
        """The decoded subject."""
        return str(self.message["Subject"])

    @property
    def message_id(self) -> str:
        """The Message-ID header."""
        return str(self.message["Message-ID"])

    def body(self, subtype: str = "plain") -> str:
        """The text (or html) body."""
        part = self.message.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: ANN001, ANN201
        self.server.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201
        self.server.rcpt_count += 1
        if self.server.on_rcpt is not None:
            answer = self.server.on_rcpt(address)
            if answer:
                return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
        content = envelope.original_content or envelope.content
        if self.server.on_data is not None:
            answer = self.server.on_data(envelope)
            if answer:
                return answer
        with self.server.lock:
            self.server.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(content))
            )
        return "250 OK queued"


class SmtpServer:
    """aiosmtpd in a thread on a fixed localhost port; `stop()` and `start()` take it down and up.

    Attributes:
        received: every message accepted, in order.
        on_rcpt: optional hook(address) -> an SMTP answer to refuse the recipient, or None.
        on_data: optional hook(envelope) -> an SMTP answer to refuse the message, or None
            (it runs before the message is counted, so it may kill the client first).
    """

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.on_rcpt: Callable[[str], str | None] | None = None
        self.on_data: Callable[[object], str | None] | None = None
        self.rcpt_count = 0
        self.sessions = 0  # EHLOs: the connections that sent something
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        """Listen (again) on the same port."""
        deadline = time.monotonic() + 10
        while True:
            controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
            try:
                controller.start()
                break
            except (OSError, RuntimeError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.controller = controller
        return self

    def stop(self) -> None:
        """Stop listening (connections are refused)."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def config(self, connections: int | None = None) -> SmtpConfig:
        """The SMTP settings that point at this server."""
        return SmtpConfig(host="127.0.0.1", port=self.port, sender="relances@atelier-dumas.fr")

    def settings(self, **changes: object):  # noqa: ANN201
        """Settings pointing at this server (and any other change, e.g. smtp_connections=2)."""
        from dataclasses import replace

        env = {
            **os.environ,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.port),
            "SMTP_FROM": "relances@atelier-dumas.fr",
            "SMTP_TLS": "none",
        }
        base = load_settings(env)
        return replace(base, **changes)

    def ids(self) -> list[str]:
        """The Message-ID of every message received."""
        with self.lock:
            return [r.message_id for r in self.received]


# ---- a small hand-made ledger and proposals, for the tests that do not need the planner

SUBJECT = "Relance niveau {{ level }} - {{ customer.name }}"
HTML = """<p>Madame, Monsieur,</p>
<p>Sauf erreur de notre part, les factures suivantes restent impayées :</p>
<table>{% for i in items %}<tr><td>{{ i.piece }}</td><td>{{ i.level }}</td>
<td>{{ i.residual|money }}</td></tr>{% endfor %}</table>
<p>Total dû : {{ totals.net|money }}</p>
<p>Nous vous prions d'agréer nos salutations distinguées.</p>"""
TEXT = """Madame, Monsieur,
{% for i in items %}- {{ i.piece }} niveau {{ i.level }} : {{ i.residual|money }}
{% endfor %}Total dû : {{ totals.net|money }}
"""


def make_ledger(engine, customers: int = 3, as_of=None):  # noqa: ANN001, ANN201
    """A company, `customers` customers with two overdue invoices and a contact each, a
    collector, and the template R1; returns a dict of ids."""
    from datetime import date, datetime, timedelta
    from decimal import Decimal

    from sqlalchemy import insert

    from src_dash.store import (
        Company,
        Contact,
        ContactService,
        Customer,
        Entry,
        MessageTemplate,
        User,
    )

    as_of = as_of or date(2026, 11, 22)
    ids: dict = {"customers": [], "entries": {}}
    with engine.begin() as conn:
        ids["company"] = conn.execute(
            insert(Company.__table__)
            .values(
                code="DEMO1",
                name="Atelier Dumas SAS",
                currency="EUR",
                address="12 rue de la République",
                postal_code="69002",
                city="Lyon",
                siret="12345678900012",
                email="compta@atelier-dumas.fr",
                created_at=datetime(2026, 1, 1),
            )
            .returning(Company.__table__.c.id)
        ).scalar_one()
        service = conn.execute(
            insert(ContactService.__table__)
            .values(company_id=ids["company"], code=1, name="Comptabilité", dunning_role="to")
            .returning(ContactService.__table__.c.id)
        ).scalar_one()
        ids["user"] = conn.execute(
            insert(User.__table__)
            .values(login="claire", name="Claire Recouvre", email="claire@atelier-dumas.fr",
                    role="collector", sees_all_customers=True, created_at=datetime(2026, 1, 1))
            .returning(User.__table__.c.id)
        ).scalar_one()  # fmt: skip
        ids["admin"] = conn.execute(
            insert(User.__table__)
            .values(
                login="admin",
                name="Alain Admin",
                email="admin@atelier-dumas.fr",
                role="admin",
                created_at=datetime(2026, 1, 1),
            )
            .returning(User.__table__.c.id)
        ).scalar_one()
        for n in range(customers):
            cid = conn.execute(
                insert(Customer.__table__)
                .values(
                    company_id=ids["company"],
                    number=f"C{n:04d}",
                    name=f"Client {n} SARL",
                    address=f"{n + 1} rue des Lilas",
                    postal_code="75011",
                    city="Paris",
                    email=f"client{n}@example.com",
                    phone="01 23 45 67 89",
                    free_fields={},
                )
                .returning(Customer.__table__.c.id)
            ).scalar_one()
            ids["customers"].append(cid)
            conn.execute(
                insert(Contact.__table__).values(
                    company_id=ids["company"], customer_id=cid, origin="app",
                    first_name="Marie", last_name=f"Compta{n}", service_id=service,
                    email=f"compta{n}@example.com", phone="06 00 00 00 0" + str(n % 10),
                    created_at=datetime(2026, 1, 1),
                )
            )  # fmt: skip
            entries = []
            for k, (days, amount) in enumerate(((40, "1200.00"), (12, "350.50"))):
                due = as_of - timedelta(days=days)
                entries.append(
                    conn.execute(
                        insert(Entry.__table__)
                        .values(
                            company_id=ids["company"],
                            customer_id=cid,
                            source_key=n * 10 + k + 1,
                            journal="VTE",
                            posting_date=due - timedelta(days=30),
                            piece=f"FA{n:03d}{k}",
                            reference=f"F-{n}-{k}",
                            account="411000",
                            amount=Decimal(amount),
                            residual=Decimal(amount),
                            due_date=due,
                        )  # fmt: skip
                        .returning(Entry.__table__.c.id)
                    ).scalar_one()
                )
            ids["entries"][cid] = entries
        conn.execute(
            insert(MessageTemplate.__table__).values(
                code="R1", language="fr", name="Relance", subject=SUBJECT, body_html=HTML,
                body_text=TEXT, updated_at=datetime(2026, 1, 1),
            )
        )  # fmt: skip
    return ids


def proposal(
    engine,
    ids: dict,
    n: int = 0,
    *,
    channel: str = "email",
    level: int = 1,
    as_of=None,
    needs_approval: bool = False,
    key: str | None = None,
):  # noqa: ANN001, ANN201, E501
    """A proposal for the n-th customer of `make_ledger`, both its invoices at `level`."""
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import select

    from src_dash.dunning.model import PlannedItem, Proposal, Recipient
    from src_dash.store import Entry

    as_of = as_of or date(2026, 11, 22)
    cid = ids["customers"][n]
    e = Entry.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(e).where(e.c.customer_id == cid).order_by(e.c.id)).all()
    items = tuple(
        PlannedItem(
            entry_id=r.id,
            piece=r.piece,
            reference=r.reference,
            journal=r.journal,
            posting_date=r.posting_date,
            due_date=r.due_date,
            days_late=(as_of - r.due_date).days,
            amount=r.amount,
            residual=r.residual,
            currency="",
            residual_currency=None,
            level=level + (1 if i == 0 else 0),
            previous_level=level - 1 + (1 if i == 0 else 0),
        )  # fmt: skip
        for i, r in enumerate(rows)
    )
    return Proposal(
        key=key or f"{as_of.isoformat()}/{cid}/1/L{level}/{channel}",
        as_of=as_of,
        company_id=ids["company"],
        customer_id=cid,
        customer_number=f"C{n:04d}",
        customer_name=f"Client {n} SARL",
        scenario_id=0,
        scenario_name="PME",
        step_id=None,
        phase="relance",
        level=max(i.level for i in items),
        channel=channel,
        template_code="R1",
        language="fr",
        items=items,
        total=sum((i.residual for i in items), Decimal("0.00")),
        to=(Recipient(f"compta{n}@example.com", f"Marie Compta{n}", "contact", "Comptabilité"),),
        cc=(Recipient("commercial@atelier-dumas.fr", "Paul Girard", "sales_rep"),),
        needs_approval=needs_approval,
        assigned_to=ids["user"],
    )
