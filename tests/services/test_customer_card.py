"""The customer card on a synced demo base (SQLite and PostgreSQL): what it shows equals the Sage
base and the store's rows, and it never shows a customer outside the viewer's portfolio."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sage_helpers import TODAY, open_period, sage_source_truth
from services.demo_helpers import Demo
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from src_dash.access import AccessDenied
from src_dash.services.customer_card import (
    customer_card,
    message_detail,
    message_pdf,
)
from src_dash.services.customers import CustomerQuery, list_customers
from src_dash.store import (
    Comment,
    ContactService,
    Customer,
    Dispute,
    DisputeItem,
    DisputeReason,
    Entry,
    Flag,
    Message,
    Promise,
    PromiseItem,
    User,
)
from src_dash.store.versions import bump_data_version


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def customer_ids_by_rep(engine: Engine) -> tuple[set[int], set[int]]:
    """The demo sales rep user's customers, and the others."""
    c, u = Customer.__table__, User.__table__
    with engine.connect() as conn:
        rep = conn.execute(select(u.c.sales_rep_id).where(u.c.login == "commercial")).scalar()
        rows = conn.execute(select(c.c.id, c.c.sales_rep_id)).all()
    theirs = {r.id for r in rows if r.sales_rep_id == rep}
    return theirs, {r.id for r in rows} - theirs


def test_the_card_shows_the_customer_as_the_sage_base_has_it(demo: Demo):
    admin = demo.users["admin"]
    first = list_customers(demo.engine, admin, CustomerQuery(sort="open_items"), as_of=TODAY)
    customer_id = first.rows[0].customer_id
    card = customer_card(demo.engine, admin, customer_id, as_of=TODAY)
    ident = card.identity

    base = sqlite3.connect(demo.base)
    start, end = open_period(base)
    sage = base.execute(
        'SELECT CT_Intitule, CT_Siret, CT_Ville, CT_EMail, CT_Telephone, "Segment" '
        "FROM F_COMPTET WHERE CT_Num = ?",
        (ident.number,),
    ).fetchone()
    contacts = base.execute(
        "SELECT CT_Nom, CT_EMail, N_Service FROM F_CONTACTT WHERE CT_Num = ?", (ident.number,)
    ).fetchall()
    open_lines = base.execute(
        "SELECT COUNT(*) FROM F_ECRITUREC WHERE CT_Num = ? AND EC_Lettre = 0 "
        "AND EC_Montant <> EC_MontantRegle AND substr(JM_Date, 1, 10) BETWEEN ? AND ?",
        (ident.number, start, end),
    ).fetchone()[0]
    invoices = {
        r[0]
        for r in base.execute(
            "SELECT EC_Piece FROM F_ECRITUREC WHERE CT_Num = ? AND EC_Sens = 0 "
            "AND substr(JM_Date, 1, 10) BETWEEN ? AND ?",
            (ident.number, start, end),
        )
    }
    base.close()

    assert (ident.name, ident.siret, ident.email, ident.phone) == (
        sage[0].strip(),
        sage[1].strip(),
        sage[3].strip(),
        sage[4].strip(),
    )
    assert sage[2].strip() in " ".join(ident.address)
    assert ident.company == "DEMO1" and ident.currency == "EUR"
    if sage[5].strip():
        assert ("Segment", sage[5].strip()) in ident.free_fields

    # Contacts, grouped by service, each with its service's role.
    shown = [c for group in card.contacts for c in group.contacts]
    assert sorted(c.email for c in shown) == sorted((r[1] or "").strip() for r in contacts)
    with demo.engine.connect() as conn:
        roles = {
            r.name: r.dunning_role for r in conn.execute(select(ContactService.__table__)).all()
        }
    for group in card.contacts:
        assert group.service_role == roles.get(group.service, "")
        for contact in group.contacts:
            assert contact.role == (contact.own_role or group.service_role)
            assert contact.origin == "sage"

    # Balance and aging equal the base's open lines.
    truth = sage_source_truth(demo.base)["balances"]
    balance = card.balance
    assert balance.outstanding == truth[ident.number]
    assert balance.open_items == open_lines == len(card.open_items)
    assert sum(a for _, a in balance.aging) + balance.credits == balance.outstanding
    assert balance.overdue + balance.not_due + balance.credits == balance.outstanding
    assert sum(i.residual for i in card.open_items) == balance.outstanding
    dues = [(i.due_date or i.posting_date) for i in card.open_items]
    assert dues == sorted(dues)
    for item in card.open_items:
        expected_days = max(0, (TODAY - (item.due_date or item.posting_date)).days)
        assert item.days_overdue == expected_days and item.piece

    # The score and its parts.
    assert card.score is not None and 0 <= card.score.score <= 100
    weights = sum(p.weight for p in card.score.parts)
    assert abs(weights - 1) <= Decimal("0.01")

    # The timeline: newest first, with the invoices of the base.
    assert card.timeline and card.timeline_total >= len(card.timeline)
    days = [e.on for e in card.timeline]
    assert days == sorted(days, reverse=True)
    titles = " ".join(e.title for e in card.timeline if e.kind == "invoice")
    latest = sorted(invoices)[-3:]
    assert all(piece in titles for piece in latest)
    assert card.can_work and card.can_note


@pytest.fixture
def followed(demo: Demo) -> tuple[Demo, int, dict[str, int]]:
    """A customer of the sales rep with a comment, a promise, a dispute, a message and a flag."""
    theirs, _ = customer_ids_by_rep(demo.engine)
    pdf = demo.base.parent / "letter-R1.pdf"
    pdf.write_bytes(b"%PDF-1.4 test letter")
    with Session(demo.engine) as s:
        item = s.exec(
            select(Entry)
            .where(
                Entry.customer_id.in_(sorted(theirs)),
                ~Entry.lettered,
                Entry.residual > 0,
                Entry.posting_date >= date(2026, 1, 1),
            )
            .order_by(Entry.id)
        ).first()[0]
        customer_id = item.customer_id
        reason = DisputeReason(label="Prix contesté")
        s.add(reason)
        s.flush()
        comment = Comment(customer_id=customer_id, body="Rappeler lundi", created_at=_at(TODAY))
        promise = Promise(
            customer_id=customer_id,
            amount=Decimal("150.00"),
            promised_on=date(2026, 11, 30),
            note="virement",
            created_at=_at(date(2026, 11, 20)),
        )
        dispute = Dispute(
            customer_id=customer_id,
            reason_id=reason.id,
            note="quantités",
            opened_at=_at(date(2026, 11, 19)),
        )
        message = Message(
            customer_id=customer_id,
            channel="email",
            subject="Relance facture",
            body_html="<p>Bonjour, <b>merci</b> de régler.</p>",
            body_text="Bonjour, merci de régler.",
            recipients_to=["compta@client.test"],
            recipients_cc=[{"email": "boss@client.test", "name": "Boss"}],
            pdf_path=str(pdf),
            status="sent",
            idempotency_key="test-1",
            created_at=_at(date(2026, 11, 18)),
            sent_at=_at(date(2026, 11, 18), 11),
        )
        flag = Flag(customer_id=customer_id, kind="watch", label="à suivre", created_at=_at(TODAY))
        s.add_all([comment, promise, dispute, message, flag])
        s.flush()
        s.add(PromiseItem(promise_id=promise.id, entry_id=item.id, piece=item.piece, amount=1))
        s.add(DisputeItem(dispute_id=dispute.id, entry_id=item.id, piece=item.piece, amount=2))
        s.commit()
        ids = {
            "comment": comment.id,
            "promise": promise.id,
            "dispute": dispute.id,
            "message": message.id,
            "flag": flag.id,
            "entry": item.id,
        }
    with demo.engine.begin() as conn:
        bump_data_version(conn)
    return demo, customer_id, ids


def test_the_card_shows_comments_promises_disputes_messages_and_flags(followed):
    demo, customer_id, ids = followed
    card = customer_card(demo.engine, demo.users["commercial"], customer_id, as_of=TODAY)
    assert [c.body for c in card.comments] == ["Rappeler lundi"]
    (promise,) = card.promises
    assert (promise.promise_id, promise.amount, promise.status) == (
        ids["promise"],
        Decimal("150.00"),
        "pending",
    )
    (dispute,) = card.disputes
    assert (dispute.reason, dispute.status, dispute.amount) == ("Prix contesté", "open", 2)
    assert dispute.pieces == promise.pieces and promise.pieces
    (message,) = card.messages
    assert message.subject == "Relance facture" and message.has_pdf
    assert message.to == ("compta@client.test",) and message.cc == ("Boss <boss@client.test>",)
    assert [f.label for f in card.flags] == ["à suivre"]
    item = next(i for i in card.open_items if i.entry_id == ids["entry"])
    assert item.promised and item.disputed
    kinds = {e.kind for e in card.timeline}
    assert {"comment", "promise", "dispute_opened", "flag"} <= kinds
    # A sales rep reads and notes, but does not work the account.
    assert card.can_note and not card.can_work


def test_messages_open_with_their_body_and_pdf(followed):
    demo, _, ids = followed
    rep = demo.users["commercial"]
    detail = message_detail(demo.engine, rep, ids["message"])
    assert detail.body_html.startswith("<p>Bonjour") and detail.subject == "Relance facture"
    pdf = message_pdf(demo.engine, rep, ids["message"])
    assert pdf.filename == "letter-R1.pdf" and pdf.data.startswith(b"%PDF")


def test_a_sales_rep_gets_nothing_of_another_reps_customer(followed):
    demo, _, ids = followed
    rep = demo.users["commercial"]
    _, others = customer_ids_by_rep(demo.engine)
    other = min(others)
    with pytest.raises(AccessDenied) as refused:
        customer_card(demo.engine, rep, other, as_of=TODAY)
    with pytest.raises(AccessDenied) as missing:
        customer_card(demo.engine, rep, 999_999, as_of=TODAY)
    # The same answer whether the customer exists or not: nothing leaks.
    assert str(refused.value) == str(missing.value)
    # The same customer is open to the admin.
    assert customer_card(demo.engine, demo.users["admin"], other, as_of=TODAY).identity.name
    # Messages of another rep's customer are refused too.
    with Session(demo.engine) as s:
        message = Message(customer_id=other, subject="x", idempotency_key="other-1")
        s.add(message)
        s.commit()
        other_message = message.id
    with pytest.raises(AccessDenied):
        message_detail(demo.engine, rep, other_message)
    with pytest.raises(AccessDenied):
        message_pdf(demo.engine, rep, other_message)
    with pytest.raises(AccessDenied):
        customer_card(demo.engine, None, other, as_of=TODAY)  # type: ignore[arg-type]


def test_a_message_without_its_pdf_file_says_so(followed):
    demo, _, ids = followed
    (demo.base.parent / "letter-R1.pdf").unlink()
    with pytest.raises(FileNotFoundError, match=f"message {ids['message']}"):
        message_pdf(demo.engine, demo.users["admin"], ids["message"])
