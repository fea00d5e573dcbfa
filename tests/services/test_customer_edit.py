"""Changes made on the customer card (SQLite and PostgreSQL): contacts typed in by hand, their
To/Cc role, the profile and the scenario chosen by hand; role checks, audit, data version."""

from __future__ import annotations

import pytest
from sage_helpers import TODAY
from services.demo_helpers import Demo
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from src_dash.access import AccessDenied, viewer
from src_dash.analytics.ledger import data_version
from src_dash.services.auth import create_user
from src_dash.services.customer_card import customer_card
from src_dash.services.customer_edit import (
    add_contact,
    known_profiles,
    set_contact_role,
    set_profile,
    set_scenario,
)
from src_dash.services.followup import InvalidInput
from src_dash.store import (
    AuditLog,
    Contact,
    ContactService,
    Customer,
    PortfolioAssignment,
    Scenario,
    User,
)
from src_dash.sync import sync_company


def rep_customers(engine: Engine) -> tuple[int, int]:
    """One customer of the demo sales rep user, one of another rep."""
    c, u = Customer.__table__, User.__table__
    with engine.connect() as conn:
        rep = conn.execute(select(u.c.sales_rep_id).where(u.c.login == "commercial")).scalar()
        mine = conn.execute(select(func.min(c.c.id)).where(c.c.sales_rep_id == rep)).scalar()
        other = conn.execute(select(func.min(c.c.id)).where(c.c.sales_rep_id != rep)).scalar()
    return mine, other


def audit_actions(engine: Engine) -> list[tuple[str, int | None]]:
    a = AuditLog.__table__
    with engine.connect() as conn:
        return [
            (r.action, r.entity_id)
            for r in conn.execute(select(a.c.action, a.c.entity_id).order_by(a.c.id))
            if not r.action.startswith(("login", "user."))
        ]


def version(engine: Engine) -> int:
    with engine.connect() as conn:
        return data_version(conn)


def test_a_contact_typed_in_by_hand_is_shown_by_service_and_survives_a_sync(demo: Demo):
    collector = demo.users["recouvrement"]
    customer_id, _ = rep_customers(demo.engine)
    with demo.engine.connect() as conn:
        service = conn.execute(
            select(ContactService.__table__).where(ContactService.__table__.c.name == "Direction")
        ).one()
    before = version(demo.engine)
    contact_id = add_contact(
        demo.engine,
        collector,
        customer_id,
        last_name="Martin",
        first_name="Alice",
        function="DAF",
        service_id=service.id,
        email=" alice.martin@client.test ",
        role="to",
    )
    assert version(demo.engine) == before + 1
    assert ("contact.add", contact_id) in audit_actions(demo.engine)
    card = customer_card(demo.engine, collector, customer_id, as_of=TODAY)
    group = next(g for g in card.contacts if g.service_id == service.id)
    added = next(c for c in group.contacts if c.contact_id == contact_id)
    assert (added.name, added.email, added.origin) == (
        "Alice Martin",
        "alice.martin@client.test",
        "app",
    )
    assert added.role == "to" and added.own_role == "to"

    # Back to the service's role, then a full sync: the contact stays as typed.
    set_contact_role(demo.engine, collector, contact_id, "")
    assert sync_company(demo.engine, "DEMO1", full=True, as_of=TODAY).status == "ok"
    card = customer_card(demo.engine, collector, customer_id, as_of=TODAY)
    group = next(g for g in card.contacts if g.service_id == service.id)
    added = next(c for c in group.contacts if c.contact_id == contact_id)
    assert added.own_role == "" and added.role == service.dunning_role
    assert ("contact.role", contact_id) in audit_actions(demo.engine)


def test_contacts_are_checked_and_refused_changes_leave_nothing(demo: Demo):
    admin = demo.users["admin"]
    customer_id, _ = rep_customers(demo.engine)
    with demo.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(Contact.__table__)).scalar()
    before = version(demo.engine)
    with pytest.raises(InvalidInput, match="email"):
        add_contact(demo.engine, admin, customer_id, last_name="X", email="not-an-address")
    with pytest.raises(InvalidInput, match="last_name"):
        add_contact(demo.engine, admin, customer_id, last_name="  ", email="a@b.fr")
    with pytest.raises(InvalidInput, match="role"):
        add_contact(demo.engine, admin, customer_id, last_name="X", role="bcc")
    with pytest.raises(InvalidInput, match="service"):
        add_contact(demo.engine, admin, customer_id, last_name="X", service_id=999_999)
    with pytest.raises(AccessDenied):
        add_contact(demo.engine, demo.users["commercial"], customer_id, last_name="X")
    with pytest.raises(AccessDenied):
        add_contact(demo.engine, demo.users["direction"], customer_id, last_name="X")
    with demo.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Contact.__table__)).scalar() == count
    assert version(demo.engine) == before and audit_actions(demo.engine) == []


def test_a_collector_changes_nothing_outside_their_portfolio(demo: Demo):
    mine, other = rep_customers(demo.engine)
    user_id = create_user(demo.engine, "julie", "julie-pass-1", "collector", name="Julie")
    with Session(demo.engine) as s:
        s.add(PortfolioAssignment(user_id=user_id, customer_id=mine))
        s.commit()
    julie = viewer(demo.engine, user_id)
    with demo.engine.connect() as conn:
        contact_id = conn.execute(
            select(func.min(Contact.__table__.c.id)).where(Contact.__table__.c.customer_id == other)
        ).scalar()
    with pytest.raises(AccessDenied, match="contact not found"):
        set_contact_role(demo.engine, julie, contact_id, "cc")
    with pytest.raises(AccessDenied):
        add_contact(demo.engine, julie, other, last_name="X")
    with pytest.raises(AccessDenied):
        set_profile(demo.engine, julie, other, "PME")
    with pytest.raises(AccessDenied):
        set_profile(demo.engine, demo.users["commercial"], mine, "PME")
    assert audit_actions(demo.engine) == []
    set_profile(demo.engine, julie, mine, "PME")
    assert audit_actions(demo.engine) == [("customer.profile", mine)]


def test_the_profile_set_by_hand_is_kept_and_can_go_back_to_the_rules(demo: Demo):
    collector = demo.users["recouvrement"]
    customer_id, _ = rep_customers(demo.engine)
    set_profile(demo.engine, collector, customer_id, " Grand compte ")
    card = customer_card(demo.engine, collector, customer_id, as_of=TODAY)
    assert card.identity.profile == "Grand compte" and card.identity.profile_set_by_hand
    assert "Grand compte" in known_profiles(demo.engine)
    assert sync_company(demo.engine, "DEMO1", full=True, as_of=TODAY).status == "ok"
    assert customer_card(demo.engine, collector, customer_id, as_of=TODAY).identity.profile == (
        "Grand compte"
    )
    set_profile(demo.engine, collector, customer_id, "")
    card = customer_card(demo.engine, collector, customer_id, as_of=TODAY)
    assert card.identity.profile == "" and not card.identity.profile_set_by_hand
    assert [a for a, _ in audit_actions(demo.engine)] == ["customer.profile", "customer.profile"]
    with pytest.raises(AccessDenied):
        set_profile(demo.engine, demo.users["direction"], customer_id, "PME")


def test_the_scenario_chosen_by_hand_wins_over_the_profiles(demo: Demo):
    admin = demo.users["admin"]
    customer_id, _ = rep_customers(demo.engine)
    with Session(demo.engine) as s:
        pme = Scenario(name="PME standard", profile="PME")
        strict = Scenario(name="Grands comptes", profile="Grand compte")
        retired = Scenario(name="Ancien", profile="PME", active=False)
        s.add_all([pme, strict, retired])
        s.commit()
        ids = {"pme": pme.id, "strict": strict.id, "retired": retired.id}
    set_profile(demo.engine, admin, customer_id, "PME")
    card = customer_card(demo.engine, admin, customer_id, as_of=TODAY)
    assert card.identity.scenario is not None
    assert (card.identity.scenario.scenario_id, card.identity.scenario.by_hand) == (
        ids["pme"],
        False,
    )
    assert {s.name for s in card.scenarios} == {"PME standard", "Grands comptes"}

    set_scenario(demo.engine, admin, customer_id, ids["strict"])
    scenario = customer_card(demo.engine, admin, customer_id, as_of=TODAY).identity.scenario
    assert scenario is not None and (scenario.name, scenario.by_hand) == ("Grands comptes", True)

    before = version(demo.engine)
    with pytest.raises(InvalidInput, match="scenario"):
        set_scenario(demo.engine, admin, customer_id, ids["retired"])
    assert version(demo.engine) == before
    with pytest.raises(AccessDenied):
        set_scenario(demo.engine, demo.users["commercial"], customer_id, ids["pme"])

    set_scenario(demo.engine, admin, customer_id, None)
    scenario = customer_card(demo.engine, admin, customer_id, as_of=TODAY).identity.scenario
    assert scenario is not None and (scenario.name, scenario.by_hand) == ("PME standard", False)
    assert [a for a, _ in audit_actions(demo.engine)][-2:] == [
        "customer.scenario",
        "customer.scenario",
    ]
