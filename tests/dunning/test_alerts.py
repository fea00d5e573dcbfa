"""Alerts: the scan raises each kind once while its cause lasts, and resolves it when it is gone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest
from sage_helpers import TODAY
from smtp_helpers import make_ledger
from sqlalchemy import delete, select, update

from src_dash.access import AccessDenied, viewer
from src_dash.analytics.scope import Scope
from src_dash.dunning.alerts import (
    AlertFacts,
    alert_facts,
    list_alerts,
    raise_alert,
    raise_alerts,
    resolve_alert,
)
from src_dash.store import Action, Alert, Contact, Customer, Promise


def _open(engine) -> dict[str, str]:
    a = Alert.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(a.c.key, a.c.kind).where(a.c.resolved_at.is_(None)))
        return dict(rows.all())


def test_the_scan_raises_each_kind_once_and_resolves_it_when_its_cause_is_gone(store):
    ids = make_ledger(store, 4)
    c0, c1, c2, c3 = ids["customers"]
    c, ct, a, p = Customer.__table__, Contact.__table__, Action.__table__, Promise.__table__
    with store.begin() as conn:
        # c0: not to be dunned while overdue; c1: no email anywhere.
        conn.execute(update(c).where(c.c.id == c0).values(do_not_dun=True))
        conn.execute(update(c).where(c.c.id == c1).values(email=""))
        conn.execute(delete(ct).where(ct.c.customer_id == c1))
        # c2: a call due yesterday, not done; a promise broken; a pending one past its day.
        action = conn.execute(
            a.insert()
            .values(
                company_id=ids["company"],
                customer_id=c2,
                kind="call",
                due_on=date(2026, 11, 21),
                created_at=datetime(2026, 11, 20),
            )  # fmt: skip
            .returning(a.c.id)
        ).scalar_one()
        broken, late = (
            conn.execute(
                p.insert()
                .values(
                    customer_id=c2,
                    amount=Decimal("100.00"),
                    promised_on=day,
                    status=status,
                    created_at=datetime(2026, 11, 1),
                )  # fmt: skip
                .returning(p.c.id)
            ).scalar_one()
            for day, status in ((date(2026, 11, 10), "broken"), (date(2026, 11, 20), "pending"))
        )
        # c3: fine (a call due today is not overdue, a pending promise not yet due).
        conn.execute(
            a.insert().values(
                company_id=ids["company"],
                customer_id=c3,
                kind="call",
                due_on=TODAY,
                created_at=datetime(2026, 11, 20),
            )  # fmt: skip
        )
    scan = raise_alerts(store, TODAY)
    expected = {
        f"do_not_dun:c{c0}": "do_not_dun",
        f"no_contact:c{c1}": "no_contact",
        f"action_overdue:a{action}": "action_overdue",
        f"promise_broken:p{broken}": "promise_broken",
        f"promise_broken:p{late}": "promise_broken",
    }
    assert _open(store) == expected
    assert scan.raised == {
        "do_not_dun": 1,
        "no_contact": 1,
        "action_overdue": 1,
        "promise_broken": 2,
    }
    # What each text says is read back for the UI's words (the table has no column for it).
    found = {x.key: x for x in list_alerts(store, viewer(store, ids["user"]))}
    assert {k: found[k].kind for k in expected} == expected
    do_not_dun = found[f"do_not_dun:c{c0}"].facts
    assert do_not_dun.form == "do_not_dun" and do_not_dun.count >= 1
    assert found[f"no_contact:c{c1}"].facts.form == "no_contact"
    assert found[f"action_overdue:a{action}"].facts == AlertFacts(
        "action_overdue", on=date(2026, 11, 21), code="call"
    )
    promise = found[f"promise_broken:p{broken}"]
    assert promise.facts == AlertFacts(
        "promise_broken", on=date(2026, 11, 10), amount=Decimal("100.00")
    )
    assert promise.currency == "EUR"

    # Idempotent.
    again = raise_alerts(store, TODAY)
    assert (again.raised, again.resolved, again.open) == ({}, {}, 5)

    # Causes go away: the call is made, the customer gets an address, the promise is kept.
    with store.begin() as conn:
        conn.execute(update(a).where(a.c.id == action).values(status="done"))
        conn.execute(update(c).where(c.c.id == c1).values(email="new@example.com"))
        conn.execute(update(p).where(p.c.id == late).values(status="kept"))
    scan = raise_alerts(store, TODAY)
    assert scan.resolved == {"action_overdue": 1, "no_contact": 1, "promise_broken": 1}
    assert set(_open(store)) == {f"do_not_dun:c{c0}", f"promise_broken:p{broken}"}


def test_alerts_of_the_dispatch_stay_until_a_user_resolves_them(store):
    ids = make_ledger(store, 2)
    with store.begin() as conn:
        first = raise_alert(
            conn, "email_failed", "email_failed:m1", "refused", customer_id=ids["customers"][0]
        )
        assert raise_alert(conn, "email_failed", "email_failed:m1", "refused again") is None
        other = raise_alert(
            conn, "email_failed", "email_failed:m2", "x", customer_id=ids["customers"][1]
        )
    raise_alerts(store, TODAY)  # the scan leaves them alone
    assert set(_open(store)) >= {"email_failed:m1", "email_failed:m2"}

    collector = viewer(store, ids["user"])
    limited = replace(collector, scope=Scope(customer_ids=frozenset({ids["customers"][0]})))
    assert [x.id for x in list_alerts(store, limited, kinds=("email_failed",))] == [first]
    with pytest.raises(AccessDenied):
        resolve_alert(store, limited, other)
    resolve_alert(store, limited, first)
    assert "email_failed:m1" not in _open(store)
    with pytest.raises(LookupError):
        resolve_alert(store, limited, first)
    with pytest.raises(AccessDenied):
        resolve_alert(store, replace(collector, role="read_only"), other)
    # Raised again after it was resolved: a new alert.
    with store.begin() as conn:
        assert raise_alert(conn, "email_failed", "email_failed:m1", "refused") is not None


@pytest.mark.parametrize(
    ("kind", "text", "facts"),
    [
        ("email_failed", "email refused: 550 5.1.1 no such user",
         AlertFacts("email_refused", note="550 5.1.1 no such user")),
        ("email_failed", "email not sent after 5 attempts: 451 try later",
         AlertFacts("email_attempts", count=5, note="451 try later")),
        ("email_bounced", "email bounced: 550 mailbox full",
         AlertFacts("email_bounced", note="550 mailbox full")),
        ("email_bounced", "some recipients refused: a@x.test: 550; b@x.test: 551",
         AlertFacts("some_refused", note="a@x.test: 550; b@x.test: 551")),
        ("email_uncertain", "the mail server may or may not have this email (lost (after DATA)); "
         "check its log, and send it again by hand if it is missing",
         AlertFacts("email_uncertain", note="lost (after DATA)")),
        ("smtp_unreachable", "the mail server cannot be reached: [Errno 111] refused",
         AlertFacts("smtp_unreachable", note="[Errno 111] refused")),
        ("no_recipient", "C1 Dupont: SA: an email step is due but nobody can receive it "
         "(Relance 2 (email): no contact to write to)",
         AlertFacts("no_recipient", note="Relance 2")),
        ("no_recipient", "C1 Dupont: an email step is due but nobody can receive it",
         AlertFacts("no_recipient")),
        ("promise_broken", "C1 A: promise of 1250.50 for 2026-11-10 not kept",
         AlertFacts("promise_broken", on=date(2026, 11, 10), amount=Decimal("1250.50"))),
        # Old, cut or foreign texts, and a text under another kind: shown as they are.
        ("promise_broken", "C1 A: promise of 1250.50 for 2026-13-40 not kept", None),
        ("do_not_dun", "C1 A: not to be dunned, 3 item(s) overdue (cut", None),
        ("email_failed", "the mail server cannot be reached: x", None),
        ("unknown_kind", "email refused: x", None),
    ],
)  # fmt: skip
def test_alert_facts_read_the_texts_the_app_writes(kind: str, text: str, facts) -> None:
    assert alert_facts(kind, text) == facts
