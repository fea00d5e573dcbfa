"""RGPD services on the demo store (SQLite and PostgreSQL): the register, a person's export,
their erasure (no trace left in any text column, the accounting untouched, idempotent, audited,
admins only), and a Sage contact erased staying erased across a full sync."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sage_helpers import TODAY
from services.demo_helpers import Demo
from sqlalchemy import JSON, String, Text, func, select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from src_dash.access import AccessDenied
from src_dash.services.customer_edit import add_contact
from src_dash.services.privacy import (
    PROCESSING,
    RetentionSettings,
    erase_person,
    export_person,
    privacy_overview,
    register_rows,
)
from src_dash.store import (
    AuditLog,
    Comment,
    Contact,
    Customer,
    Entry,
    InboundMail,
    Message,
    Promise,
)
from src_dash.store.space import SpaceLink, SpaceRequest
from src_dash.sync import sync_company

EMAIL = "z.quennec@exemple-rgpd.fr"
OTHER = "autre.personne@exemple-rgpd.fr"
SENT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_the_register_covers_every_processing_and_names_real_tables():
    rows = register_rows()
    assert len(rows) == len(PROCESSING) >= 6
    tables = set(SQLModel.metadata.tables)
    for row in rows:
        assert row["purpose"] and row["legal_basis"] and row["retention"] and row["at_end"]
        named = {t.split(" ")[0] for t in row["tables"]}
        assert named <= tables, named - tables
    json.dumps(rows)


def test_the_overview_is_for_admins_with_periods_and_what_is_due(demo: Demo):
    keep = RetentionSettings(logins_days=0)
    seen = privacy_overview(demo.engine, demo.users["admin"], settings=keep)
    assert seen.processing == PROCESSING and seen.periods["logins_days"] == 0
    assert seen.periods["messages_days"] == 3650 and set(seen.due.values()) == {0}
    with pytest.raises(AccessDenied):
        privacy_overview(demo.engine, demo.users["direction"])


def _customers(engine: Engine) -> tuple[int, int]:
    c = Customer.__table__
    with engine.connect() as conn:
        ids = conn.execute(select(c.c.id).order_by(c.c.id).limit(2)).scalars().all()
    return ids[0], ids[1]


def _message(conn, customer_id: int, key: str, to: list, cc: list, body: str, status="sent"):
    conn.execute(
        Message.__table__.insert().values(
            customer_id=customer_id,
            channel="email",
            subject=f"Relance {key}",
            body_text=body,
            body_html=f"<p>{body}</p>",
            recipients_to=[{"email": e, "name": n, "source": "contact"} for e, n in to],
            recipients_cc=[{"email": e, "name": n, "source": "contact"} for e, n in cc],
            status=status,
            idempotency_key=key,
            created_at=SENT,
            total=Decimal("120.50"),
        )
    )


def seed_person(demo: Demo) -> dict[str, int]:
    """A contact typed in by hand, the mail to and from them, notes naming them; and another
    contact of the same customer, whose data must stay."""
    engine, admin = demo.engine, demo.users["admin"]
    mine, theirs = _customers(engine)
    target = add_contact(
        engine,
        admin,
        mine,
        last_name="Quennec",
        first_name="Zéphyrine",
        civility="Mme",
        email=EMAIL,
        phone="01 23 45 67 89",
        mobile="06 98 76 54 32",
    )
    other = add_contact(engine, admin, mine, last_name="Bertrand", first_name="Paul", email=OTHER)
    greeting = "Madame Quennec, merci de régler. Rappel au 01 23 45 67 89."
    with engine.begin() as conn:
        _message(conn, mine, "k-to", [(EMAIL, "Zéphyrine Quennec")], [], greeting)
        _message(conn, mine, "k-queued", [(EMAIL, "Zéphyrine Quennec")], [], greeting, "queued")
        _message(conn, mine, "k-cc", [(OTHER, "Paul Bertrand")], [(EMAIL, "Z Q")], "Monsieur.")
        _message(conn, mine, "k-other", [(OTHER, "Paul Bertrand")], [], "Monsieur Bertrand,")
        _message(conn, theirs, "k-theirs", [("x@ailleurs.fr", "X")], [], "Bonjour,")
        old_address = [("zq@ancien-domaine.fr", "Zéphyrine Quennec")]
        _message(conn, theirs, "k-old-address", old_address, [], "Bonjour,")
        im = InboundMail.__table__
        senders = (
            (1, EMAIL.upper(), "Zéphyrine Quennec", "06 98 76 54 32"),
            (2, OTHER, "Paul", "01 99 99 99 99"),
        )
        for uid, sender, name, phone in senders:
            conn.execute(
                im.insert().values(
                    mailbox="box",
                    uid=uid,
                    customer_id=mine,
                    from_address=sender,
                    from_name=name,
                    subject="Re: relance",
                    body_text=f"Cordialement, {name} ({phone})",
                    suggestions=[{"kind": "promise", "quote": f"signé {name}"}],
                )
            )
        conn.execute(
            Comment.__table__.insert().values(
                customer_id=mine, body="Appelé Zéphyrine Quennec : paiera vendredi."
            )
        )
        conn.execute(Comment.__table__.insert().values(customer_id=mine, body="Relance faite."))
        conn.execute(
            Promise.__table__.insert().values(
                customer_id=mine,
                amount=Decimal("100.00"),
                promised_on=TODAY,
                note="Promis par Mme Quennec au téléphone",
            )
        )
        # From the customer's space: a call back to her mobile, and her as the billing contact.
        company = conn.execute(
            select(Customer.__table__.c.company_id).where(Customer.__table__.c.id == mine)
        ).scalar_one()
        link = conn.execute(
            SpaceLink.__table__.insert().values(
                company_id=company, customer_id=mine, token_hash="0" * 64, expires_at=SENT
            )
        ).inserted_primary_key[0]
        for kind, fields in (
            ("callback", {"phone": "06 98 76 54 32", "moment": "le matin", "note": "Mme Quennec"}),
            ("contact", {"contact_name": "Zéphyrine Quennec", "contact_email": EMAIL}),
        ):
            conn.execute(
                SpaceRequest.__table__.insert().values(
                    company_id=company,
                    customer_id=mine,
                    link_id=link,
                    kind=kind,
                    status="pending",
                    created_at=SENT,
                    **fields,
                )  # fmt: skip
            )
    return {"target": target, "other": other, "customer": mine}


def test_export_finds_every_message_to_the_address_and_nothing_of_another(demo: Demo):
    seeded = seed_person(demo)
    admin = demo.users["admin"]
    data = export_person(demo.engine, admin, contact_id=seeded["target"])
    json.dumps(data)
    assert [c["id"] for c in data["contacts"]] == [seeded["target"]]
    assert data["contacts"][0]["email"] == EMAIL
    assert set(data["contacts"][0]["customer"]) == {"number", "name"}
    assert {m["subject"] for m in data["messages"]} == {
        "Relance k-to",
        "Relance k-queued",
        "Relance k-cc",
    }
    assert all(isinstance(m["total"], str) for m in data["messages"])
    assert [m["from_name"] for m in data["inbound_mails"]] == ["Zéphyrine Quennec"]
    assert [c["body"] for c in data["comments"]] == ["Appelé Zéphyrine Quennec : paiera vendredi."]
    assert [a["action"] for a in data["audit"]] == ["contact.add"]
    assert [(r["kind"], r["contact_email"]) for r in data["space_requests"]] == [
        ("callback", ""),
        ("contact", EMAIL),
    ]
    assert "Bertrand" not in json.dumps(data, ensure_ascii=False)

    by_email = export_person(demo.engine, admin, email=EMAIL.upper())
    assert [m["subject"] for m in by_email["messages"]] == [m["subject"] for m in data["messages"]]

    a = AuditLog.__table__
    with demo.engine.connect() as conn:
        lines = conn.execute(select(a).where(a.c.action == "privacy.export")).all()
    assert len(lines) == 2 and lines[0].user_id == admin.user_id
    assert EMAIL not in json.dumps(lines[0].details)


@pytest.mark.parametrize("login", ["recouvrement", "commercial", "direction"])
def test_only_admins_export_and_erase(demo: Demo, login: str):
    seeded = seed_person(demo)
    with pytest.raises(AccessDenied):
        export_person(demo.engine, demo.users[login], contact_id=seeded["target"])
    with pytest.raises(AccessDenied):
        erase_person(demo.engine, demo.users[login], contact_id=seeded["target"])
    with pytest.raises(AccessDenied):
        erase_person(demo.engine, None, email=EMAIL)
    with demo.engine.connect() as conn:
        assert (
            conn.execute(
                select(Contact.__table__.c.email).where(Contact.__table__.c.id == seeded["target"])
            ).scalar()
            == EMAIL
        )


def test_a_person_is_one_contact_or_one_address(demo: Demo):
    admin = demo.users["admin"]
    with pytest.raises(ValueError):
        export_person(demo.engine, admin)
    with pytest.raises(ValueError):
        erase_person(demo.engine, admin, contact_id=1, email=EMAIL)
    with pytest.raises(LookupError):
        erase_person(demo.engine, admin, contact_id=999_999)


TRACES = (
    "quennec",
    "zéphyrine",
    "z\\u00e9phyrine",
    EMAIL,
    "0123456789",
    "01 23 45 67 89",
    "06 98 76 54 32",
    "0698765432",
)


def traces(engine: Engine) -> list[str]:
    """Every text or JSON cell of the store that holds one of the person's values."""
    found = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            cols = [c for c in table.c if isinstance(c.type, String | Text | JSON)]
            if not cols:
                continue
            for row in conn.execute(select(*cols)).all():
                for col, value in zip(cols, row, strict=True):
                    text = json.dumps(value) if not isinstance(value, str) else value
                    text = text.lower()
                    text_plain = text.replace(" ", "").replace(".", "")
                    for t in TRACES:
                        if t in text or t.replace(" ", "") in text_plain:
                            found.append(f"{table.name}.{col.name}: {t}")
    return found


def figures(engine: Engine) -> tuple:
    e, m = Entry.__table__, Message.__table__
    with engine.connect() as conn:
        return (
            conn.execute(select(func.count(), func.sum(e.c.amount), func.sum(e.c.residual))).one(),
            conn.execute(select(func.count(), func.sum(m.c.total))).one(),
            conn.execute(select(func.count()).select_from(Customer.__table__)).scalar(),
        )


def test_erase_leaves_no_trace_keeps_the_books_and_is_idempotent(demo: Demo):
    seeded = seed_person(demo)
    engine, admin = demo.engine, demo.users["admin"]
    export_person(engine, admin, contact_id=seeded["target"])
    assert traces(engine)
    before = figures(engine)

    report = erase_person(engine, admin, contact_id=seeded["target"])
    assert report.contacts == [seeded["target"]]
    assert report.changed["contact"] == 1 and report.changed["message"] == 4
    assert report.changed["inbound_mail"] == 1 and report.cancelled_messages == 1
    assert traces(engine) == []
    assert figures(engine) == before

    ct, m, im = Contact.__table__, Message.__table__, InboundMail.__table__
    with engine.connect() as conn:
        erased = conn.execute(select(ct).where(ct.c.id == seeded["target"])).one()
        other = conn.execute(select(ct).where(ct.c.id == seeded["other"])).one()
        statuses = dict(conn.execute(select(m.c.idempotency_key, m.c.status)).all())
        bodies = dict(conn.execute(select(m.c.idempotency_key, m.c.body_text)).all())
        kept_mail = conn.execute(select(im).where(im.c.uid == 2)).one()
    assert (erased.last_name, erased.first_name, erased.email) == ("Contact effacé", "", "")
    assert (erased.phone, erased.mobile, erased.dunning_role) == ("", "", "never")
    assert (other.last_name, other.email) == ("Bertrand", OTHER)
    assert statuses == {
        "k-to": "sent",
        "k-queued": "cancelled",
        "k-cc": "sent",
        "k-other": "sent",
        "k-theirs": "sent",
        "k-old-address": "sent",
    }
    assert bodies["k-to"] == "Contact effacé, merci de régler. Rappel au [effacé]."
    assert bodies["k-other"] == "Monsieur Bertrand,"
    assert kept_mail.from_address == OTHER and kept_mail.body_text.startswith("Cordialement, Paul")

    again = erase_person(engine, admin, contact_id=seeded["target"])
    assert again.changed == {} and again.cancelled_messages == 0
    by_email = erase_person(engine, admin, email=EMAIL)
    assert by_email.changed == {} and by_email.contacts == []
    a = AuditLog.__table__
    with engine.connect() as conn:
        lines = conn.execute(select(a).where(a.c.action == "privacy.erase").order_by(a.c.id)).all()
        export_line = conn.execute(select(a).where(a.c.action == "privacy.export")).one()
    assert len(lines) == 3 and {line.user_id for line in lines} == {admin.user_id}
    assert lines[0].details["changed"]["contact"] == 1 and lines[1].details["changed"] == {}
    assert export_line.user_id == admin.user_id  # the audit trail is kept


def test_a_sage_contact_erased_stays_erased_across_a_full_sync(demo: Demo):
    engine, admin = demo.engine, demo.users["admin"]
    ct = Contact.__table__
    with engine.connect() as conn:
        row = conn.execute(
            select(ct).where(ct.c.origin == "sage", ct.c.email != "").order_by(ct.c.id).limit(1)
        ).one()
    report = erase_person(engine, admin, contact_id=row.id)
    assert report.changed["contact"] == 1
    # As if the contact were then edited in Sage: its stored hash no longer matches.
    with engine.begin() as conn:
        conn.execute(ct.update().where(ct.c.id == row.id).values(row_hash=0))
    assert sync_company(engine, "DEMO1", full=True, as_of=TODAY).status == "ok"
    with engine.connect() as conn:
        after = conn.execute(select(ct).where(ct.c.id == row.id)).one()
        same_key = conn.execute(
            select(func.count()).where(ct.c.source_key == row.source_key)
        ).scalar()
    assert (after.last_name, after.email, after.phone) == ("Contact effacé", "", "")
    assert after.origin == "sage" and same_key == 1 and after.erased_at is not None
