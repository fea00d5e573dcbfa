"""Settings on the hand ledger (SQLite and PostgreSQL): dispute reasons, cash objectives, users and
portfolios, contact services. Admin-only, audited, and bad input changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session
from test_followup import World, audit_lines, snapshot, version

from src_dash.access import AccessDenied, check_customers
from src_dash.analytics.forecast import forecast
from src_dash.analytics.scope import scope_for_user
from src_dash.services.auth import AuthError, log_in, signed_in
from src_dash.services.cash_objectives import (
    delete_cash_objective,
    list_cash_objectives,
    set_cash_objective,
)
from src_dash.services.contact_services import list_contact_services, set_contact_service_role
from src_dash.services.dispute_reasons import (
    DEFAULT_DISPUTE_REASONS,
    add_dispute_reason,
    list_dispute_reasons,
    rename_dispute_reason,
    seed_default_dispute_reasons,
    set_dispute_reason_active,
)
from src_dash.services.followup import InvalidInput, open_dispute
from src_dash.services.users import (
    assign_customers,
    create_user,
    list_users,
    portfolio,
    reset_password,
    set_sees_all_customers,
    set_user_active,
    set_user_role,
    unassign_customers,
)
from src_dash.store import ContactService, DisputeReason

TODAY = date(2026, 11, 22)
D = Decimal


def refused_to_all_but_admin(world: World, action) -> None:  # noqa: ANN001
    before = snapshot(world.engine)
    for user in ("u1", "rep", "ro"):
        with pytest.raises(AccessDenied, match="may not do this"):
            action(world.users[user])
    assert snapshot(world.engine) == before


def expect_invalid(world: World, field: str, action) -> None:  # noqa: ANN001
    before = snapshot(world.engine)
    with pytest.raises(InvalidInput) as error:
        action()
    assert error.value.field == field, str(error.value)
    assert snapshot(world.engine) == before


# ---------------------------------------------------------------------------------------------
# Dispute reasons


def test_default_reasons_are_seeded_once(world: World):
    labels = [r.label for r in list_dispute_reasons(world.engine, world.users["ro"])]
    assert sorted(labels) == sorted(DEFAULT_DISPUTE_REASONS)
    assert "Marchandise non conforme" in labels and "Avoir attendu" in labels
    assert seed_default_dispute_reasons(world.engine) == 0  # already there (build_world seeded)
    rename_dispute_reason(world.engine, world.users["admin"], world.reasons["Autre"], "Autre motif")
    # A renamed default comes back under its name; the renamed one stays.
    assert seed_default_dispute_reasons(world.engine) == 1
    assert len(list_dispute_reasons(world.engine, world.users["ro"])) == 7


def test_reasons_are_added_renamed_and_deactivated_by_the_admin(world: World):
    admin = world.users["admin"]
    before = version(world.engine)
    added = add_dispute_reason(world.engine, admin, "  Retard de livraison ")
    assert (added.label, added.active) == ("Retard de livraison", True)
    renamed = rename_dispute_reason(world.engine, admin, added.id, "Livraison en retard")
    assert renamed.label == "Livraison en retard"
    off = set_dispute_reason_active(world.engine, admin, added.id, False)
    assert off.active is False
    assert version(world.engine) == before + 3
    assert "Livraison en retard" not in [
        r.label for r in list_dispute_reasons(world.engine, world.users["u1"])
    ]
    everything = list_dispute_reasons(world.engine, admin, include_inactive=True)
    assert ("Livraison en retard", False) in [(r.label, r.active) for r in everything]
    with pytest.raises(AccessDenied):
        list_dispute_reasons(world.engine, world.users["u1"], include_inactive=True)
    # An inactive reason may not be used for a new dispute.
    with pytest.raises(InvalidInput, match="reason: choose a reason"):
        open_dispute(
            world.engine, world.users["u1"], world.customer("GAMMA"), added.id, [world.entry("e13")]
        )
    [line] = audit_lines(world.engine, "dispute_reason.rename")
    assert (line.user_id, line.details) == (
        admin.user_id,
        {"old": "Retard de livraison", "label": "Livraison en retard"},
    )
    assert len(audit_lines(world.engine, "dispute_reason.deactivate")) == 1


def test_bad_reasons_and_other_roles_change_nothing(world: World):
    admin = world.users["admin"]
    expect_invalid(world, "label", lambda: add_dispute_reason(world.engine, admin, " "))
    expect_invalid(world, "label", lambda: add_dispute_reason(world.engine, admin, "x" * 81))
    expect_invalid(
        world, "label", lambda: add_dispute_reason(world.engine, admin, "erreur de PRIX")
    )
    expect_invalid(
        world,
        "label",
        lambda: rename_dispute_reason(
            world.engine, admin, world.reasons["Autre"], "Erreur de prix"
        ),
    )
    expect_invalid(world, "reason", lambda: rename_dispute_reason(world.engine, admin, 999, "Neuf"))
    refused_to_all_but_admin(world, lambda who: add_dispute_reason(world.engine, who, "Neuf"))
    refused_to_all_but_admin(
        world,
        lambda who: set_dispute_reason_active(world.engine, who, world.reasons["Autre"], False),
    )


# ---------------------------------------------------------------------------------------------
# Cash objectives


def test_cash_objectives_per_month_company_and_collector(world: World):
    admin, u1 = world.users["admin"], world.users["u1"]
    company = world.hand.company
    # The hand ledger has 2500.00 for HAND in November; setting it again replaces it.
    november = set_cash_objective(world.engine, admin, "2026-11-15", "3000", company_id=company)
    assert (november.month, november.amount, november.company_code) == (
        date(2026, 11, 1),
        D("3000.00"),
        "HAND",
    )
    per_collector = set_cash_objective(
        world.engine, admin, date(2026, 12, 1), D("1200.50"), user_id=u1.user_id
    )
    assert (per_collector.user_name, per_collector.company_id) == ("Collector One", None)
    listed = list_cash_objectives(world.engine, admin, year=2026)
    assert [(o.month, o.amount, o.company_code, o.user_name) for o in listed] == [
        (date(2026, 11, 1), D("3000.00"), "HAND", ""),
        (date(2026, 12, 1), D("1200.50"), "", "Collector One"),
    ]
    assert list_cash_objectives(world.engine, admin, year=2025) == []
    # The analytics read the new objective at once (the data version moved).
    f = forecast(world.engine, as_of=TODAY, weeks=1, months=1)
    assert f.months[0].objective == D("3000.00")
    delete_cash_objective(world.engine, admin, per_collector.id)
    assert len(list_cash_objectives(world.engine, admin)) == 1
    [line] = audit_lines(world.engine, "cash_objective.delete")
    assert line.details["amount"] == "1200.50"


def test_bad_cash_objectives_change_nothing(world: World):
    admin = world.users["admin"]

    def set_(*args, **kw):  # noqa: ANN002, ANN003, ANN202
        return lambda: set_cash_objective(world.engine, admin, *args, **kw)

    expect_invalid(world, "amount", set_("2026-12-01", "0"))
    expect_invalid(world, "amount", set_("2026-12-01", "-10"))
    expect_invalid(world, "amount", set_("2026-12-01", "beaucoup"))
    expect_invalid(world, "month", set_("décembre", "100"))
    expect_invalid(world, "company", set_("2026-12-01", "100", company_id=999))
    expect_invalid(world, "user", set_("2026-12-01", "100", user_id=world.users["ro"].user_id))
    expect_invalid(world, "objective", lambda: delete_cash_objective(world.engine, admin, 999))
    refused_to_all_but_admin(world, lambda who: set_cash_objective(world.engine, who, TODAY, "1"))
    refused_to_all_but_admin(world, lambda who: list_cash_objectives(world.engine, who))


# ---------------------------------------------------------------------------------------------
# Users and portfolios


def test_users_are_created_deactivated_and_given_new_passwords(world: World):
    admin = world.users["admin"]
    created = create_user(
        world.engine, admin, "julie", "Verger-Premier-Julie-48", "collector", name="Julie Morel",
        email="julie@example.test", sees_all_customers=True,
    )  # fmt: skip
    assert (created.role, created.sees_all_customers, created.active) == ("collector", True, True)
    token = log_in(world.engine, "julie", "Verger-Premier-Julie-48")
    [line] = audit_lines(world.engine, "user.create")
    assert (line.user_id, line.entity_id, line.details["role"]) == (
        admin.user_id,
        created.id,
        "collector",
    )
    reset_password(world.engine, admin, created.id, "Second-Verger-Bleu-27")
    assert signed_in(world.engine, token) is None  # the reset ends the sessions
    with pytest.raises(AuthError):
        log_in(world.engine, "julie", "Verger-Premier-Julie-48")
    token = log_in(world.engine, "julie", "Second-Verger-Bleu-27")
    set_user_active(world.engine, admin, created.id, False)
    assert signed_in(world.engine, token) is None
    with pytest.raises(AuthError):
        log_in(world.engine, "julie", "Second-Verger-Bleu-27")
    set_user_active(world.engine, admin, created.id, True)
    assert log_in(world.engine, "julie", "Second-Verger-Bleu-27")
    rep = create_user(
        world.engine, admin, "rep2", "Colline-Verte-Rep-39", "sales_rep",
        sales_rep_id=world.hand.reps["R2"], sees_all_customers=True,
    )  # fmt: skip
    assert (rep.sales_rep_id, rep.sees_all_customers) == (world.hand.reps["R2"], False)
    logins = [u.login for u in list_users(world.engine, admin)]
    assert logins == sorted(logins) and {"julie", "rep2", "u1"} <= set(logins)
    changed = set_user_role(world.engine, admin, created.id, "read_only")
    assert (changed.role, changed.sees_all_customers) == ("read_only", False)


OK = "Assez-Long-Pour-Passer-61"  # a password the policy takes


def test_bad_users_change_nothing(world: World):
    admin = world.users["admin"]

    def create(login: str, password: str, role: str, **kw):  # noqa: ANN003, ANN202
        return lambda: create_user(world.engine, admin, login, password, role, **kw)

    expect_invalid(world, "login", create("  ", OK, "collector"))
    expect_invalid(world, "login", create("u1", OK, "collector"))
    expect_invalid(world, "password", create("neo", "short", "collector"))
    expect_invalid(world, "password", create("neo", "password123", "collector"))
    expect_invalid(world, "password", create("neo", "demo-src-dash", "collector"))
    expect_invalid(world, "password", create("marc.dupont", "Marc.Dupont.2026", "collector"))
    expect_invalid(
        world,
        "email",
        create("neo", OK, "collector", email="a@b.fr\r\nBcc: x@y.fr"),
    )
    expect_invalid(world, "role", create("neo", OK, "boss"))
    expect_invalid(world, "sales_rep", create("neo", OK, "sales_rep"))
    expect_invalid(
        world,
        "sales_rep",
        create("neo", OK, "sales_rep", sales_rep_id=999),
    )
    expect_invalid(world, "language", create("neo", OK, "collector", language="de"))
    expect_invalid(
        world, "user", lambda: set_user_active(world.engine, admin, admin.user_id, False)
    )
    expect_invalid(
        world, "role", lambda: set_user_role(world.engine, admin, admin.user_id, "collector")
    )
    expect_invalid(
        world, "password", lambda: reset_password(world.engine, admin, admin.user_id, "1234567")
    )
    expect_invalid(world, "user", lambda: reset_password(world.engine, admin, 999, OK))
    refused_to_all_but_admin(
        world,
        lambda who: create_user(world.engine, who, "neo", OK, "admin"),
    )
    refused_to_all_but_admin(
        world, lambda who: set_user_active(world.engine, who, world.users["ro"].user_id, False)
    )
    refused_to_all_but_admin(world, lambda who: list_users(world.engine, who))


def test_portfolios_decide_what_a_collector_sees(world: World):
    admin, col2 = world.users["admin"], world.users["col2"]
    alpha, beta = world.customer("ALPHA"), world.customer("BETA")
    assign_customers(world.engine, admin, col2.user_id, [alpha, beta, alpha])
    assert portfolio(world.engine, admin, col2.user_id) == sorted([alpha, beta])
    scope = scope_for_user(world.engine, col2.user_id)
    assert scope.collector_ids == frozenset({col2.user_id})
    with world.engine.connect() as conn:
        check_customers(conn, col2, [alpha])  # the viewer's scope reads the assignment
    unassign_customers(world.engine, admin, col2.user_id, [alpha])
    assert portfolio(world.engine, admin, col2.user_id) == [beta]
    view = set_sees_all_customers(world.engine, admin, col2.user_id, True)
    assert view.sees_all_customers and scope_for_user(world.engine, col2.user_id).is_everything
    [line] = audit_lines(world.engine, "portfolio.assign")
    assert (line.user_id, line.entity_id, sorted(line.details["customers"])) == (
        admin.user_id,
        col2.user_id,
        sorted([alpha, beta]),
    )
    expect_invalid(
        world,
        "user",
        lambda: assign_customers(world.engine, admin, world.users["ro"].user_id, [alpha]),
    )
    expect_invalid(
        world, "customers", lambda: assign_customers(world.engine, admin, col2.user_id, [999])
    )
    expect_invalid(
        world, "customers", lambda: assign_customers(world.engine, admin, col2.user_id, [])
    )
    expect_invalid(
        world,
        "user",
        lambda: set_sees_all_customers(world.engine, admin, world.users["rep"].user_id, True),
    )
    refused_to_all_but_admin(
        world, lambda who: assign_customers(world.engine, who, col2.user_id, [alpha])
    )


# ---------------------------------------------------------------------------------------------
# Contact services


def test_contact_services_are_dunned_to_cc_or_never(world: World):
    admin = world.users["admin"]
    with Session(world.engine) as s:
        s.add(ContactService(company_id=world.hand.company, code=1, name="Comptabilité"))
        s.add(ContactService(company_id=world.hand.company, code=2, name="Achats"))
        s.commit()
    services = list_contact_services(world.engine, admin, world.hand.company)
    assert [(x.code, x.name, x.dunning_role) for x in services] == [
        (1, "Comptabilité", "cc"),
        (2, "Achats", "cc"),
    ]
    changed = set_contact_service_role(world.engine, admin, services[0].id, "to")
    assert changed.dunning_role == "to"
    set_contact_service_role(world.engine, admin, services[1].id, "never")
    with world.engine.connect() as conn:
        roles = dict(conn.execute(select(ContactService.code, ContactService.dunning_role)).all())
    assert roles == {1: "to", 2: "never"}
    [first, _] = audit_lines(world.engine, "contact_service.role")
    assert (first.user_id, first.details) == (
        admin.user_id,
        {"name": "Comptabilité", "old": "cc", "role": "to"},
    )
    expect_invalid(
        world, "role", lambda: set_contact_service_role(world.engine, admin, services[0].id, "bcc")
    )
    expect_invalid(
        world, "service", lambda: set_contact_service_role(world.engine, admin, 99, "to")
    )
    refused_to_all_but_admin(
        world, lambda who: set_contact_service_role(world.engine, who, services[0].id, "cc")
    )
    refused_to_all_but_admin(world, lambda who: list_contact_services(world.engine, who))


def test_seeding_on_an_empty_store(store: Engine):
    assert seed_default_dispute_reasons(store) == 6
    assert seed_default_dispute_reasons(store) == 0
    with store.connect() as conn:
        assert conn.execute(
            select(DisputeReason.label).order_by(DisputeReason.id)
        ).scalars().all() == list(  # noqa: E501
            DEFAULT_DISPUTE_REASONS
        )
