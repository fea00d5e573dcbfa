"""The customer's space under attack (SQLite and PostgreSQL): expired, revoked, tampered and
random tokens are refused; a valid link reaches nothing of another customer whatever ids are
passed; bad uploads are refused and change nothing; script is kept as text; every access, granted
or refused, is in the audit log with the client's address.

The hand ledger: see test_followup.py. The link is GAMMA's (e12, e13); ALPHA's e3a, e3b and
BETA's e10 are the other customers' items a forged call tries to reach.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from test_followup import TODAY, World, audit_lines, snapshot

from src_dash.access import AccessDenied
from src_dash.services.customer_card import customer_card
from src_dash.services.customer_space.actions import (
    already_paid,
    promise,
    report_problem,
    write_message,
)
from src_dash.services.customer_space.links import (
    ADDRESS_FAILURES,
    TOKEN_HITS,
    VALID_FOR,
    checked,
    issue_link,
    resolve,
    revoke_links,
    space_viewer,
)
from src_dash.services.customer_space.uploads import MAX_BYTES
from src_dash.services.customer_space.view import space_view
from src_dash.services.inputs import InvalidInput
from src_dash.store import Comment, Dispute, Promise
from src_dash.store.space import SpaceAttachment

RANDOM_TOKENS = 1000
PDF = b"%PDF-1.7\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _gamma(world: World, address: str = "203.0.113.7"):  # noqa: ANN202
    issued = issue_link(world.engine, world.users["u1"], world.customer("GAMMA"))
    return issued, checked(resolve(world.engine, issued.token, address))


def test_expired_revoked_and_tampered_tokens_are_refused(world: World):
    issued, _ = _gamma(world)
    later = issued.expires_at + timedelta(seconds=1)
    assert resolve(world.engine, issued.token, "198.51.100.2", now=later).refusal == "expired"
    almost = issued.expires_at - timedelta(seconds=1)
    assert resolve(world.engine, issued.token, "198.51.100.2", now=almost).refusal == ""
    token = issued.token
    flipped = ("A" if token[5] != "A" else "B").join((token[:5], token[6:]))
    tampered = [flipped, token[:-1], token + "x", token.upper(), f"{token}/../1", "", " " + token]
    tampered += [None, 12345, token.encode(), "x" * 10_000]
    refusals = [resolve(world.engine, t, f"198.51.100.{i}").refusal for i, t in enumerate(tampered)]
    assert refusals == ["unknown"] * len(tampered)
    revoke_links(world.engine, world.users["u1"], world.customer("GAMMA"))
    assert resolve(world.engine, token, "198.51.100.99").refusal == "revoked"
    with pytest.raises(AccessDenied):
        checked(resolve(world.engine, token, "198.51.100.99"))
    assert timedelta(days=90) == VALID_FOR


def test_a_thousand_random_tokens_are_all_refused(world: World):
    _gamma(world)
    refused = 0
    for i in range(RANDOM_TOKENS):
        token = secrets.token_urlsafe(24)
        resolution = resolve(world.engine, token, f"10.{i // 250}.{i % 250}.1")
        refused += resolution.access is None and resolution.refusal == "unknown"
    assert refused == RANDOM_TOKENS
    assert len(audit_lines(world.engine, "space.refused")) == RANDOM_TOKENS


def test_guessing_from_one_address_is_throttled_and_a_token_has_a_ceiling(world: World):
    issued, _ = _gamma(world, "192.0.2.50")
    for _ in range(ADDRESS_FAILURES):
        assert resolve(world.engine, secrets.token_urlsafe(24), "192.0.2.66").refusal == "unknown"
    # Even the right token is refused from there now; elsewhere it still works.
    assert resolve(world.engine, issued.token, "192.0.2.66").refusal == "throttled"
    assert resolve(world.engine, issued.token, "192.0.2.67").refusal == ""
    used = 2  # _gamma's and the one from .67 (a refused call by the throttle counts no use)
    for i in range(TOKEN_HITS - used):
        assert resolve(world.engine, issued.token, f"192.0.3.{i % 200}").refusal == ""
    assert resolve(world.engine, issued.token, "192.0.4.1").refusal == "throttled"


def test_a_valid_link_reaches_no_record_of_another_customer(world: World, tmp_path):
    _, access = _gamma(world)
    before = snapshot(world.engine)
    others = [world.entry("e3a"), world.entry("e3b"), world.entry("e10")]
    reason = world.reasons["Autre"]
    attempts = [
        lambda ids: promise(world.engine, access, "10.00", date(2026, 12, 9), ids),
        lambda ids: report_problem(world.engine, access, reason, ids, "x", None, tmp_path),
        lambda ids: already_paid(world.engine, access, TODAY, "10.00", "r", ids),
    ]
    forged = [[o] for o in others] + [[world.entry("e13"), o] for o in others]
    forged += [["1 OR 1=1"], [-1], [10**12], [None]]
    refused = 0
    for attempt in attempts:
        for ids in forged:
            with pytest.raises((InvalidInput, AccessDenied)) as caught:
                attempt(ids)
            assert "ALPHA" not in str(caught.value) and "P-e3" not in str(caught.value)
            refused += 1
    assert refused == len(attempts) * len(forged) == 30
    assert snapshot(world.engine) == before
    # The space's viewer is scoped to GAMMA alone: the app's own services refuse the others.
    for name in ("ALPHA", "BETA"):
        with pytest.raises(AccessDenied):
            customer_card(world.engine, space_viewer(access), world.customer(name), TODAY)
    view = space_view(world.engine, access, TODAY)
    assert {i.entry_id for i in view.items} <= {world.entry("e12"), world.entry("e13")}


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("facture.pdf", b"MZ\x90\x00" + b"\x00" * 64),  # a program named .pdf
        ("facture.pdf", PNG),  # a PNG named .pdf
        ("photo.png", PDF),  # a PDF named .png
        ("page.html", b"<html><script>alert(1)</script>"),
        ("facture.pdf", b"%PDF-" + b"0" * MAX_BYTES),  # over 5 MB
        ("facture.pdf", b""),
        ("../../etc/facture.pdf", PDF),
        ("sub/facture.pdf", PDF),
        ("..\\facture.pdf", PDF),
        ("C:facture.pdf", PDF),
        (".facture.pdf", PDF),
        ("fac\x00ture.pdf", PDF),
    ],
)
def test_bad_uploads_are_refused_and_change_nothing(world: World, tmp_path, name, data):
    _, access = _gamma(world)
    before = snapshot(world.engine)
    for attempt in (
        lambda: report_problem(
            world.engine,
            access,
            world.reasons["Autre"],
            [world.entry("e13")],
            "m",
            (name, data),
            tmp_path,
        ),
        lambda: already_paid(
            world.engine, access, TODAY, "1.00", "r", [world.entry("e13")], (name, data), tmp_path
        ),
    ):
        with pytest.raises(InvalidInput) as caught:
            attempt()
        assert caught.value.field == "attachment"
    assert snapshot(world.engine) == before
    assert not (tmp_path / "space-attachments").exists()
    with world.engine.connect() as conn:
        assert conn.execute(select(SpaceAttachment.__table__)).first() is None


def test_script_in_every_text_field_is_kept_as_text(world: World, tmp_path):
    _, access = _gamma(world)
    e13 = world.entry("e13")
    p = promise(world.engine, access, "10.00", date(2026, 12, 9), [e13], SCRIPT)
    d = report_problem(world.engine, access, world.reasons["Autre"], [world.entry("e12")], SCRIPT)
    m = write_message(world.engine, access, SCRIPT)
    with world.engine.connect() as conn:
        assert conn.execute(select(Promise.note).where(Promise.id == p.ref_id)).scalar() == SCRIPT
        assert conn.execute(select(Dispute.note).where(Dispute.id == d.ref_id)).scalar() == SCRIPT
        assert conn.execute(select(Comment.body).where(Comment.id == m.ref_id)).scalar() == SCRIPT
    paid = already_paid(world.engine, access, TODAY, "5.00", SCRIPT[:100], [e13])
    with world.engine.connect() as conn:
        note = conn.execute(select(Dispute.note).where(Dispute.id == paid.ref_id)).scalar()
    assert note.endswith(f"réf. {SCRIPT[:100]}")


def test_every_access_is_in_the_audit_log_with_its_address(world: World):
    issued, _ = _gamma(world, "203.0.113.1")
    resolve(world.engine, issued.token, "203.0.113.2")
    resolve(world.engine, "nope", "203.0.113.3")
    revoke_links(world.engine, world.users["u1"], world.customer("GAMMA"))
    resolve(world.engine, issued.token, "203.0.113.4")
    granted = audit_lines(world.engine, "space.access")
    refused = audit_lines(world.engine, "space.refused")
    assert [g.details["address"] for g in granted] == ["203.0.113.1", "203.0.113.2"]
    assert [(r.details["address"], r.details["reason"]) for r in refused] == [
        ("203.0.113.3", "unknown"),
        ("203.0.113.4", "revoked"),
    ]
    assert all(issued.token not in str(line.details) for line in granted + refused)
