"""The customer's space on the hand ledger (SQLite and PostgreSQL): a link issued for GAMMA opens
GAMMA's items with the customer card's totals to the cent, and what the customer does there lands
as the app's own promise, dispute and comment, in GAMMA's collector's worklist (u1, by portfolio
assignment), and on the timeline.

GAMMA on 2026-11-22: e12 1100.00 (due 10-31, promised for 11-28), e13 250.00 (due 12-01).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from test_followup import TODAY, World, app_events, audit_lines

from src_dash.services.customer_card import customer_card
from src_dash.services.customer_space.actions import (
    already_paid,
    log_event,
    promise,
    report_problem,
    write_message,
)
from src_dash.services.customer_space.links import (
    VALID_FOR,
    hash_token,
    issue_link,
    link_url,
    resolve,
    revoke_links,
)
from src_dash.services.customer_space.view import ALREADY_PAID_REASON, space_view, statement_pdf
from src_dash.services.worklist import worklist
from src_dash.store import Action, Comment, Dispute, DisputeItem, DisputeReason, Promise
from src_dash.store.space import SpaceAttachment, SpaceEvent, SpaceLink
from src_dash.store.versions import data_version

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _open_gamma(world: World, address: str = "203.0.113.7"):  # noqa: ANN202
    issued = issue_link(world.engine, world.users["u1"], world.customer("GAMMA"))
    resolution = resolve(world.engine, issued.token, address)
    assert resolution.refusal == "" and resolution.access is not None
    return issued, resolution.access


def _rows(world: World, model, **where) -> list:  # noqa: ANN001
    t = model.__table__
    query = select(t).order_by(t.c[next(iter(t.primary_key.columns)).name])
    for name, value in where.items():
        query = query.where(t.c[name] == value)
    with world.engine.connect() as conn:
        return conn.execute(query).all()


def test_a_link_is_an_opaque_token_stored_only_as_its_hash(world: World, monkeypatch):
    monkeypatch.setenv("SRC_DASH_PUBLIC_URL", "https://pay.example.fr/")
    issued, access = _open_gamma(world)
    assert len(issued.token) >= 32 and issued.url == f"https://pay.example.fr/espace/{issued.token}"
    assert link_url("abc") == "https://pay.example.fr/espace/abc"
    [link] = _rows(world, SpaceLink)
    assert link.token_hash == hash_token(issued.token) and issued.token not in tuple(link)
    assert (access.customer_id, access.company_id) == (world.customer("GAMMA"), link.company_id)
    assert link.expires_at - link.created_at == VALID_FOR and link.uses == 1
    [line] = audit_lines(world.engine, "space.access")
    assert line.entity_id == world.customer("GAMMA")
    assert line.details == {"link_id": link.id, "address": "203.0.113.7"}


def test_a_new_link_renews_the_live_ones_and_revoking_closes_them_all(world: World):
    first, _ = _open_gamma(world)
    second = issue_link(world.engine, world.users["u1"], world.customer("GAMMA"))
    links = _rows(world, SpaceLink)
    assert [lk.expires_at for lk in links] == [second.expires_at, second.expires_at]
    assert revoke_links(world.engine, world.users["u1"], world.customer("GAMMA")) == 2
    for token in (first.token, second.token):
        assert resolve(world.engine, token, "198.51.100.1").refusal == "revoked"


def test_the_space_shows_the_cards_items_and_totals_to_the_cent(world: World):
    _, access = _open_gamma(world)
    view = space_view(world.engine, access, TODAY)
    card = customer_card(world.engine, world.users["admin"], world.customer("GAMMA"), TODAY)
    assert view.outstanding == card.balance.outstanding == sum(i.remaining for i in view.items)
    assert view.overdue == card.balance.overdue
    assert [(i.entry_id, i.amount, i.remaining) for i in view.items] == [
        (i.entry_id, i.amount, i.residual) for i in card.open_items
    ]
    assert all(i.received == i.amount - i.remaining for i in view.items)
    assert ALREADY_PAID_REASON not in dict(view.reasons).values() and view.reasons
    name, data = statement_pdf(world.engine, access, TODAY)
    assert data.startswith(b"%PDF-") and name.endswith(".pdf")


def test_a_customers_promise_is_the_app_promise_in_the_collectors_worklist(world: World):
    _, access = _open_gamma(world)
    done = promise(
        world.engine, access, "250.00", date(2026, 12, 5), [world.entry("e13")], "virement"
    )
    [stored] = _rows(world, Promise, id=done.ref_id)
    assert (stored.amount, stored.promised_on, stored.created_by) == (
        D("250.00"),
        date(2026, 12, 5),
        None,
    )
    u1 = world.users["u1"]
    follow = _rows(world, Action, promise_id=done.ref_id)
    assert [a.assigned_to for a in follow] == [u1.user_id]
    [space_action] = _rows(world, Action, id=done.action_id)
    assert (space_action.origin, space_action.assigned_to, space_action.due_on) == (
        "space",
        u1.user_id,
        TODAY,
    )
    ids = {i.action_id for g in worklist(world.engine, u1, TODAY).groups for i in g.due_today}
    assert done.action_id in ids
    assert any(e[0] == "promise" for e in app_events(world.engine, world.customer("GAMMA")))
    assert [e.kind for e in _rows(world, SpaceEvent)] == ["promise"]


def test_a_problem_report_is_a_dispute_with_its_pdf_kept_under_a_random_name(
    world: World, tmp_path
):
    _, access = _open_gamma(world)
    reason = world.reasons["Erreur de prix"]
    done = report_problem(
        world.engine, access, reason, [world.entry("e13")], "prix faux", ("bon.pdf", PDF), tmp_path
    )
    [dispute] = _rows(world, Dispute, id=done.ref_id)
    assert (dispute.status, dispute.reason_id, dispute.note) == ("open", reason, "prix faux")
    [attachment] = _rows(world, SpaceAttachment)
    stored = tmp_path / "space-attachments" / attachment.stored_name
    assert stored.read_bytes() == PDF and attachment.stored_name != "bon.pdf"
    assert (attachment.original_name, attachment.content_type) == ("bon.pdf", "application/pdf")


def test_deja_paye_holds_the_items_under_a_dispute_of_its_own_reason(world: World):
    _, access = _open_gamma(world)
    done = already_paid(
        world.engine, access, TODAY - timedelta(days=2), "250.00", "VIR-778", [world.entry("e13")]
    )
    [dispute] = _rows(world, Dispute, id=done.ref_id)
    [reason] = _rows(world, DisputeReason, id=dispute.reason_id)
    assert reason.label == ALREADY_PAID_REASON and dispute.status == "open"
    # Said the French way to the collectors who read it (no ISO date, no "250.00").
    assert dispute.note == "Payé le 20/11/2026, 250,00, réf. VIR-778"
    assert [i.entry_id for i in _rows(world, DisputeItem, dispute_id=dispute.id)] == [
        world.entry("e13")
    ]
    view = space_view(world.engine, access, TODAY)
    assert [i.disputed for i in view.items if i.entry_id == world.entry("e13")] == [True]


def test_a_message_is_a_comment_the_collector_sees(world: World):
    _, access = _open_gamma(world)
    done = write_message(world.engine, access, "Pouvez-vous me rappeler ?")
    [comment] = _rows(world, Comment, id=done.ref_id)
    assert (comment.customer_id, comment.body) == (world.customer("GAMMA"), comment.body)
    card = customer_card(world.engine, world.users["u1"], world.customer("GAMMA"), TODAY)
    assert [c.body for c in card.comments] == ["Pouvez-vous me rappeler ?"]


def test_visits_and_statements_are_logged_without_a_worklist_action(world: World):
    _, access = _open_gamma(world)
    with world.engine.connect() as conn:
        before = data_version(conn)
    log_event(world.engine, access, "visit")
    log_event(world.engine, access, "statement")
    with world.engine.connect() as conn:
        assert data_version(conn) == before + 2  # the card and the dashboard, live, see them
    assert [(e.kind, e.address) for e in _rows(world, SpaceEvent)] == [
        ("visit", "203.0.113.7"),
        ("statement", "203.0.113.7"),
    ]
    assert _rows(world, Action) == [] or all(a.origin != "space" for a in _rows(world, Action))
    assert len(audit_lines(world.engine, "space.visit")) == 1
