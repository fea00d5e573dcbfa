"""A customer's requests from their space (SQLite and PostgreSQL), on the hand ledger (see
test_followup.py: GAMMA's collector is u1 by assignment; col2 sees nobody; ALPHA's e3a is another
customer's item).

A copy and a call back land as an action due today in u1's worklist; a billing contact waits
until a collector accepts it (the contact added, or the existing one made To) or refuses it
(contacts unchanged). Each writes a space_event and a comment on the timeline; script typed in
any field is kept as text.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from test_followup import TODAY, World, app_events, audit_lines

from src_dash.access import AccessDenied
from src_dash.services.customer_edit import add_contact
from src_dash.services.customer_space.links import issue_link, resolve
from src_dash.services.customer_space.requests import (
    accept_contact,
    ask_call_back,
    ask_contact_change,
    ask_copy,
    customer_requests,
    refuse_contact,
)
from src_dash.services.inputs import InvalidInput
from src_dash.services.worklist import worklist
from src_dash.store import Action, Contact
from src_dash.store.space import SpaceEvent, SpaceRequest

SCRIPT = "<script>alert('x')</script>"


def _access(world: World):  # noqa: ANN202
    issued = issue_link(world.engine, world.users["u1"], world.customer("GAMMA"))
    access = resolve(world.engine, issued.token, "203.0.113.9").access
    assert access is not None
    return access


def _rows(world: World, model, **where) -> list:  # noqa: ANN001
    t = model.__table__
    query = select(t).order_by(*t.primary_key.columns)
    for name, value in where.items():
        query = query.where(t.c[name] == value)
    with world.engine.connect() as conn:
        return conn.execute(query).all()


def _due_today(world: World, who: str = "u1") -> dict[int, str]:
    groups = worklist(world.engine, world.users[who], TODAY).groups
    return {i.action_id: i for g in groups for i in g.due_today}


def _timeline_titles(world: World) -> list[str]:
    return [e[2] for e in app_events(world.engine, world.customer("GAMMA"))]


def test_a_copy_of_an_invoice_is_an_action_due_in_the_collectors_worklist(world: World):
    access = _access(world)
    done = ask_copy(world.engine, access, world.entry("e13"), "pour la compta", today=TODAY)
    [request] = _rows(world, SpaceRequest)
    assert (request.kind, request.status, request.entry_id, request.action_id) == (
        "copy",
        "queued",
        world.entry("e13"),
        done.action_id,
    )
    [action] = _rows(world, Action, id=done.action_id)
    assert (action.origin, action.assigned_to, action.due_on) == (
        "space",
        world.users["u1"].user_id,
        TODAY,
    )
    assert "copie de la facture" in action.note and "pour la compta" in action.note
    assert done.action_id in _due_today(world)
    assert [(e.kind, e.ref_id, e.address) for e in _rows(world, SpaceEvent)] == [
        ("copy", request.id, "203.0.113.9")
    ]
    assert any("copie de la facture" in t for t in _timeline_titles(world))
    statement = ask_copy(world.engine, access, "statement", today=TODAY)
    [second] = _rows(world, SpaceRequest, id=statement.ref_id)
    assert (
        second.entry_id is None
        and "relevé de compte" in _rows(world, Action, id=statement.action_id)[0].note
    )
    assert len(audit_lines(world.engine, "space.copy")) == 2


def test_a_copy_of_another_customers_item_is_refused_and_writes_nothing(world: World):
    access = _access(world)
    for target in (world.entry("e3a"), 2**40, "x", -1, True):
        with pytest.raises(InvalidInput) as caught:
            ask_copy(world.engine, access, target, today=TODAY)
        assert caught.value.field == "document" and "P-e3" not in str(caught.value)
    assert _rows(world, SpaceRequest) == [] and _rows(world, SpaceEvent) == []


def test_a_call_back_is_an_action_with_the_number_and_the_moment(world: World):
    access = _access(world)
    done = ask_call_back(world.engine, access, "+33 1 23 45 67 89", "mardi matin", today=TODAY)
    [request] = _rows(world, SpaceRequest, id=done.ref_id)
    assert (request.kind, request.phone, request.moment) == (
        "callback",
        "+33 1 23 45 67 89",
        "mardi matin",
    )
    [action] = _rows(world, Action, id=done.action_id)
    assert "+33 1 23 45 67 89" in action.note and "mardi matin" in action.note
    assert done.action_id in _due_today(world) and done.action_id not in _due_today(world, "col2")
    assert any("être rappelé" in t for t in _timeline_titles(world))


@pytest.mark.parametrize(
    ("phone", "moment", "field"),
    [("", "demain", "phone"), ("abc", "demain", "phone"), (SCRIPT, "demain", "phone"),
     ("0123456789", "", "moment"), ("12", "demain", "phone"), ("0123456789", "x" * 101, "moment")],
)  # fmt: skip
def test_a_call_back_without_a_phone_or_a_moment_is_refused(
    world: World, phone: str, moment: str, field: str
):
    with pytest.raises(InvalidInput) as caught:
        ask_call_back(world.engine, _access(world), phone, moment, today=TODAY)
    assert caught.value.field == field
    assert _rows(world, SpaceRequest) == [] and _rows(world, Action) == []


def test_script_in_every_text_field_is_kept_as_text(world: World):
    access = _access(world)
    ask_copy(world.engine, access, "", SCRIPT, today=TODAY)
    ask_call_back(world.engine, access, "01 23 45 67 89", SCRIPT, SCRIPT, today=TODAY)
    ask_contact_change(world.engine, access, SCRIPT, "ap@gamma.example")
    rows = _rows(world, SpaceRequest)
    assert [r.note for r in rows[:2]] == [SCRIPT, SCRIPT]
    assert rows[1].moment == SCRIPT and rows[2].contact_name == SCRIPT
    viewed = customer_requests(world.engine, world.users["u1"], world.customer("GAMMA"))
    assert [v.contact_name for v in viewed] == [SCRIPT]
    assert sum(SCRIPT in t for t in _timeline_titles(world)) == 3
    for email in (SCRIPT, "a@b.fr, c@d.fr", "x@y.fr\r\nBcc: z@z.fr", ""):
        with pytest.raises(InvalidInput):
            ask_contact_change(world.engine, access, "Ana", email)


def _contacts(world: World) -> list[tuple]:
    return [
        (c.last_name, c.email, c.phone, c.dunning_role, c.origin)
        for c in _rows(world, Contact, customer_id=world.customer("GAMMA"))
    ]


def test_accepting_a_billing_contact_adds_it_as_the_main_recipient(world: World):
    access = _access(world)
    before = _contacts(world)
    done = ask_contact_change(world.engine, access, "Ana Compta", "ap@gamma.example", "0612345678")
    assert _contacts(world) == before  # nothing changes while it waits
    u1 = world.users["u1"]
    [pending] = customer_requests(world.engine, u1, world.customer("GAMMA"))
    assert (pending.id, pending.status, pending.contact_email) == (
        done.ref_id,
        "pending",
        "ap@gamma.example",
    )
    assert [e.kind for e in _rows(world, SpaceEvent)] == ["contact"]
    assert not any(a.origin == "space" for a in _rows(world, Action))
    contact_id = accept_contact(world.engine, u1, pending.id)
    assert _contacts(world) == [
        *before,
        ("Ana Compta", "ap@gamma.example", "0612345678", "to", "app"),
    ]
    [request] = _rows(world, SpaceRequest)
    assert (request.status, request.contact_id, request.decided_by) == (
        "accepted",
        contact_id,
        u1.user_id,
    )
    assert customer_requests(world.engine, u1, world.customer("GAMMA")) == []
    assert len(audit_lines(world.engine, "space.contact_accepted")) == 1
    with pytest.raises(InvalidInput):
        accept_contact(world.engine, u1, pending.id)  # once only
    assert len(_contacts(world)) == len(before) + 1


def test_accepting_a_known_email_makes_that_contact_the_main_recipient(world: World):
    u1, gamma = world.users["u1"], world.customer("GAMMA")
    known = add_contact(world.engine, u1, gamma, last_name="Old", email="AP@gamma.example")
    before = len(_contacts(world))
    done = ask_contact_change(world.engine, _access(world), "Ana", "ap@gamma.example")
    assert accept_contact(world.engine, u1, done.ref_id) == known
    assert len(_contacts(world)) == before
    [row] = _rows(world, Contact, id=known)
    assert (row.last_name, row.dunning_role) == ("Old", "to")


def test_refusing_leaves_the_contacts_as_they_were(world: World):
    done = ask_contact_change(world.engine, _access(world), "Ana", "ap@gamma.example")
    before = _contacts(world)
    refuse_contact(world.engine, world.users["u1"], done.ref_id)
    assert _contacts(world) == before
    [request] = _rows(world, SpaceRequest)
    assert request.status == "refused" and request.contact_id is None
    assert len(audit_lines(world.engine, "space.contact_refused")) == 1
    with pytest.raises(InvalidInput):
        accept_contact(world.engine, world.users["u1"], done.ref_id)


@pytest.mark.parametrize("who", ["col2", "ro", "rep"])
def test_the_queue_is_refused_out_of_scope_or_to_a_role_that_may_not_change_contacts(
    world: World, who: str
):
    done = ask_contact_change(world.engine, _access(world), "Ana", "ap@gamma.example")
    before = _contacts(world)
    for decide in (accept_contact, refuse_contact):
        with pytest.raises(AccessDenied):
            decide(world.engine, world.users[who], done.ref_id)
    if who == "col2":
        with pytest.raises(AccessDenied):
            customer_requests(world.engine, world.users[who], world.customer("GAMMA"))
    for bad in (10**9, "x", None):
        with pytest.raises(AccessDenied):
            accept_contact(world.engine, world.users["u1"], bad)
    assert _contacts(world) == before
    assert [r.status for r in _rows(world, SpaceRequest)] == ["pending"]
