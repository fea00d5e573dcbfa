"""Accepting the suggestions of a customer's reply in one click: the promise, the dispute or the
"déjà payé" hold goes through the follow-up services; the reply and its worklist action close."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from dunning.smtp_helpers import make_ledger, proposal
from sqlalchemy import insert, select, update

from src_dash.access import AccessDenied, viewer
from src_dash.analytics.ledger import clear_cache
from src_dash.dunning.inbox_store import store_batch
from src_dash.dunning.mail_parse import parse_mail
from src_dash.dunning.runs import create_run
from src_dash.services.dispute_reasons import seed_default_dispute_reasons
from src_dash.services.followup import InvalidInput
from src_dash.services.replies import (
    PAID_HOLD_DAYS,
    accept_suggestion,
    customer_replies,
    dismiss_reply,
    open_replies,
)
from src_dash.services.worklist import worklist
from src_dash.store import (
    Action,
    Dispute,
    DisputeItem,
    DisputeReason,
    InboundMail,
    ItemState,
    Message,
    Promise,
    PromiseItem,
    User,
)

TODAY = date(2026, 11, 22)
D = Decimal
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def ledger(store):
    """Two customers (invoices of 1 200,00 and 350,50 € each) dunned by a sent email each,
    the default dispute reasons, and a collector who sees every customer."""
    clear_cache()
    ids = make_ledger(store, 2)
    seed_default_dispute_reasons(store)
    create_run(store, [proposal(store, ids, n) for n in range(2)])
    m = Message.__table__
    with store.begin() as conn:
        for mid in conn.execute(select(m.c.id)).scalars().all():
            conn.execute(
                update(m)
                .where(m.c.id == mid)
                .values(status="sent", sent_at=NOW, smtp_message_id=f"<run.{mid}@atelier-dumas.fr>")
            )
        ids["messages"] = dict(conn.execute(select(m.c.customer_id, m.c.id)).all())
    ids["who"] = viewer(store, ids["user"])
    yield ids
    clear_cache()


def receive(store, ids, body: str, n: int = 0, today: date = TODAY) -> int:
    """A reply of customer n to its dunning email, stored as the IMAP pass stores it."""
    msg = EmailMessage()
    msg["From"] = f"compta{n}@example.com"
    msg["To"] = "relances@atelier-dumas.fr"
    msg["Subject"] = "RE: Relance"
    msg["Date"] = format_datetime(NOW)
    msg["Message-ID"] = make_msgid(domain="example.com")
    msg["In-Reply-To"] = f"<run.{ids['messages'][ids['customers'][n]]}@atelier-dumas.fr>"
    msg.set_content(body)
    im = InboundMail.__table__
    with store.begin() as conn:
        uid = (conn.execute(select(im.c.uid).order_by(im.c.uid.desc())).scalar() or 0) + 1
        store_batch(conn, "test", 1, [(uid, parse_mail(bytes(msg)))], today)
        return conn.execute(select(im.c.id).where(im.c.uid == uid)).scalar_one()


def reply_row(store, reply_id: int):
    im = InboundMail.__table__
    with store.connect() as conn:
        return conn.execute(select(im).where(im.c.id == reply_id)).one()


def action_of(store, reply_id: int):
    a = Action.__table__
    with store.connect() as conn:
        return conn.execute(select(a).where(a.c.id == reply_row(store, reply_id).action_id)).one()


def test_a_promise_is_accepted_in_one_click_with_its_date_and_amount(store, ledger):
    reply_id = receive(store, ledger, "Bonjour,\n\nNous réglerons 1 000,00 € le 15/01.\n")
    (view,) = customer_replies(store, ledger["who"], ledger["customers"][0])
    (s,) = view.suggestions
    assert (s.kind, s.on, s.amount, s.quote, s.accepted) == (
        "promise", date(2027, 1, 15), D("1000.00"), "Nous réglerons 1 000,00 € le 15/01.", False
    )  # fmt: skip
    done = accept_suggestion(store, ledger["who"], reply_id, 0, today=TODAY)
    assert (done.kind, done.on, done.amount) == ("promise", date(2027, 1, 15), D("1000.00"))
    p, pi = Promise.__table__, PromiseItem.__table__
    with store.connect() as conn:
        promise = conn.execute(select(p).where(p.c.id == done.promise_id)).one()
        covered = conn.execute(
            select(pi.c.entry_id, pi.c.amount).where(pi.c.promise_id == promise.id)
        ).all()
    assert (promise.customer_id, promise.amount, promise.promised_on, promise.status) == (
        ledger["customers"][0], D("1000.00"), date(2027, 1, 15), "pending"
    )  # fmt: skip
    assert "« Nous réglerons 1 000,00 € le 15/01. »" in promise.note
    first, _second = ledger["entries"][ledger["customers"][0]]
    assert covered == [(first, D("1000.00"))]  # the oldest item of the message first
    row = reply_row(store, reply_id)
    assert (row.status, row.outcome, row.handled_by) == (
        "handled", f"0=promise:{promise.id}", ledger["user"]
    )  # fmt: skip
    action = action_of(store, reply_id)
    assert (action.status, action.outcome, action.done_by) == ("done", "promise", ledger["user"])
    # Out of the worklist, and not accepted twice.
    work = worklist(store, ledger["who"], today=TODAY)
    assert all(g.kind != "reply" for g in work.groups)
    with pytest.raises(InvalidInput, match="accepted already"):
        accept_suggestion(store, ledger["who"], reply_id, 0, today=TODAY)
    (view,) = customer_replies(store, ledger["who"], ledger["customers"][0])
    assert view.suggestions[0].accepted and view.status == "handled"


def test_a_promise_without_amount_covers_what_is_open_and_never_more(store, ledger):
    no_amount = receive(store, ledger, "We will pay on 15 January.")
    done = accept_suggestion(store, ledger["who"], no_amount, 0, today=TODAY)
    assert done.amount == D("1550.50")
    too_much = receive(store, ledger, "Paiement prévu le 20/12 pour 9 999,00 €.", n=1)
    done = accept_suggestion(store, ledger["who"], too_much, 0, today=TODAY)
    assert done.amount == D("1550.50")


def test_a_promised_day_now_past_is_refused_and_nothing_changes(store, ledger):
    reply_id = receive(store, ledger, "Nous réglerons le 25/11.")
    later = TODAY + timedelta(days=5)
    with pytest.raises(InvalidInput, match="in the past"):
        accept_suggestion(store, ledger["who"], reply_id, 0, today=later)
    with store.connect() as conn:
        assert conn.execute(select(Promise.__table__.c.id)).all() == []
    assert reply_row(store, reply_id).status == "new"
    assert action_of(store, reply_id).status == "approved"


def test_a_dispute_is_opened_with_the_reason_of_the_list_that_matches(store, ledger):
    reply_id = receive(
        store, ledger, "Nous n'avons pas reçu la marchandise. Par ailleurs, facture contestée."
    )
    (view,) = customer_replies(store, ledger["who"], ledger["customers"][0])
    assert [(s.kind, s.reason, s.reason_label) for s in view.suggestions] == [
        ("dispute", "not_received", "Livraison incomplète"),
        ("dispute", "contested", "Autre"),
    ]
    done = accept_suggestion(store, ledger["who"], reply_id, 0, today=TODAY)
    d, di, r = Dispute.__table__, DisputeItem.__table__, DisputeReason.__table__
    with store.connect() as conn:
        dispute = conn.execute(
            select(d, r.c.label).join(r, r.c.id == d.c.reason_id).where(d.c.id == done.dispute_id)
        ).one()
        items = conn.execute(select(di.c.entry_id).where(di.c.dispute_id == dispute.id)).all()
    assert (dispute.label, dispute.status) == ("Livraison incomplète", "open")
    assert sorted(i for (i,) in items) == sorted(ledger["entries"][ledger["customers"][0]])
    # The second suggestion finds every item disputed already.
    with pytest.raises(InvalidInput, match="disputed already"):
        accept_suggestion(store, ledger["who"], reply_id, 1, today=TODAY)


def test_already_paid_holds_the_items_with_the_reference(store, ledger):
    reply_id = receive(
        store, ledger, "La facture a déjà été payée, virement effectué le 10/11 réf VIR-2026-1187."
    )
    done = accept_suggestion(store, ledger["who"], reply_id, 0, today=TODAY)
    assert done.kind == "paid"
    s = ItemState.__table__
    entries = ledger["entries"][ledger["customers"][0]]
    with store.connect() as conn:
        states = conn.execute(
            select(s.c.entry_id, s.c.stop_reason, s.c.stop_until).where(s.c.entry_id.in_(entries))
        ).all()
    until = TODAY + timedelta(days=PAID_HOLD_DAYS)
    assert sorted(states) == [
        (e, "Déjà payé (réf. VIR-2026-1187, 10/11/2026)", until) for e in sorted(entries)
    ]
    assert reply_row(store, reply_id).outcome == "0=paid"


def test_a_reply_set_aside_leaves_the_worklist(store, ledger):
    reply_id = receive(store, ledger, "Merci pour votre message.")
    work = worklist(store, ledger["who"], today=TODAY)
    assert [g.kind for g in work.groups][0] == "reply"
    assert [r.id for r in open_replies(store, ledger["who"])] == [reply_id]
    dismiss_reply(store, ledger["who"], reply_id, "rien à faire")
    assert reply_row(store, reply_id).status == "dismissed"
    assert action_of(store, reply_id).status == "skipped"
    assert open_replies(store, ledger["who"]) == []
    with pytest.raises(InvalidInput, match="not waiting"):
        dismiss_reply(store, ledger["who"], reply_id)


def test_only_who_may_work_the_customer_accepts(store, ledger):
    reply_id = receive(store, ledger, "Nous réglerons le 15/01.")
    u = User.__table__
    with store.begin() as conn:
        reader, outsider = (
            conn.execute(
                insert(u)
                .values(login=login, name=login, role=role, sees_all_customers=False,
                        created_at=NOW)
                .returning(u.c.id)
            ).scalar_one()
            for login, role in (("lecteur", "read_only"), ("autre", "collector"))
        )  # fmt: skip
    with pytest.raises(AccessDenied):
        accept_suggestion(store, viewer(store, reader), reply_id, 0, today=TODAY)
    with pytest.raises(AccessDenied):
        accept_suggestion(store, viewer(store, outsider), reply_id, 0, today=TODAY)
    with pytest.raises(AccessDenied):
        customer_replies(store, viewer(store, outsider), ledger["customers"][0])
    with pytest.raises(InvalidInput, match="no suggestion 3"):
        accept_suggestion(store, ledger["who"], reply_id, 3, today=TODAY)
    assert reply_row(store, reply_id).status == "new"
