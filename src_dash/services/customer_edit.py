"""Changes made on the customer card: contacts typed in by hand and their To/Cc role, the
profile and the scenario chosen by hand.

Each change is checked (role and portfolio, then input), written with its audit line and a bump
of the data version in one transaction, so the cached analytics see it and a refused change
leaves nothing behind. Only the app's own rows and columns are written: the sync never
overwrites them. Flags, comments and the customer's dunning stop are in `services.followup`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import WORK, Viewer, audit, check_customers, require, row_in_scope
from src_dash.clock import utcnow
from src_dash.services.customer_card import has_scenario_column
from src_dash.services.inputs import InvalidInput, email_field, text_field
from src_dash.store import Contact, ContactService, Customer, Scenario
from src_dash.store.versions import bump_data_version

CONTACT_ROLES = ("", "to", "cc", "never")  # "" = the role of the contact's service


def _customer_company(conn: Connection, customer_id: int) -> int:
    c = Customer.__table__
    return conn.execute(select(c.c.company_id).where(c.c.id == customer_id)).scalar_one()


def _name_and_email(last_name: str, first_name: str, email: str, role: str) -> tuple[str, str, str]:
    """A new contact's names and email, checked (and its role).

    Raises:
        InvalidInput: no name at all, a malformed email, an unknown role.
    """
    last_name = text_field(last_name, "last_name", 80)
    first_name = text_field(first_name, "first_name", 80)
    if not last_name and not first_name:
        raise InvalidInput("last_name", "a contact needs a name")
    email = email_field(email)
    if role not in CONTACT_ROLES:
        raise InvalidInput("role", f"unknown role {role!r}; use to, cc or never")
    return last_name, first_name, email


def _check_service(conn: Connection, service_id: int, company_id: int) -> None:
    """Raise InvalidInput unless the service is one of the company's contact services."""
    s = ContactService.__table__
    found = conn.execute(
        select(s.c.id).where(s.c.id == service_id, s.c.company_id == company_id)
    ).scalar()
    if found is None:
        raise InvalidInput("service_id", "unknown service for this customer's company")


def add_contact(
    engine: Engine,
    who: Viewer,
    customer_id: int,
    *,
    last_name: str,
    first_name: str = "",
    civility: str = "",
    function: str = "",
    service_id: int | None = None,
    email: str = "",
    phone: str = "",
    mobile: str = "",
    role: str = "",
) -> int:
    """Add a contact typed in by hand (kept across syncs); return its id.

    Args:
        engine: the store.
        who: the viewer (admin or collector).
        customer_id: the customer.
        last_name: the contact's name (or first name) is required.
        first_name: first name.
        civility: M., Mme...
        function: job title.
        service_id: a contact service of the customer's company (department).
        email: the address dunning writes to.
        phone: phone.
        mobile: mobile phone.
        role: "to", "cc", "never", or "" to follow the service's role.

    Raises:
        AccessDenied: a role that may not change contacts, or a customer out of the portfolio.
        InvalidInput: a missing name, a malformed email, an unknown role or service.
    """
    require(who, WORK)
    last_name, first_name, email = _name_and_email(last_name, first_name, email, role)
    values = {
        "civility": text_field(civility, "civility", 20),
        "function": text_field(function, "function", 80),
        "phone": text_field(phone, "phone", 40),
        "mobile": text_field(mobile, "mobile", 40),
    }
    with engine.begin() as conn:
        check_customers(conn, who, [customer_id])
        company_id = _customer_company(conn, customer_id)
        if service_id is not None:
            _check_service(conn, service_id, company_id)
        new_id = conn.execute(
            Contact.__table__.insert().values(
                company_id=company_id,
                customer_id=customer_id,
                origin="app",
                last_name=last_name,
                first_name=first_name,
                service_id=service_id,
                email=email,
                dunning_role=role,
                row_hash=0,
                created_at=utcnow(),
                **values,
            )
        ).inserted_primary_key[0]
        audit(
            conn,
            who,
            "contact.add",
            "contact",
            new_id,
            customer_id=customer_id,
            name=f"{first_name} {last_name}".strip(),
            email=email or None,
            role=role or None,
            service_id=service_id,
        )
        bump_data_version(conn)
    return int(new_id)


def set_contact_role(engine: Engine, who: Viewer, contact_id: int, role: str) -> None:
    """Set how dunning treats one contact: to, cc, never, or "" for its service's role.

    Raises:
        AccessDenied: a role that may not change contacts, or a contact out of the portfolio.
        InvalidInput: an unknown role.
    """
    require(who, WORK)
    if role not in CONTACT_ROLES:
        raise InvalidInput("role", f"unknown role {role!r}; use to, cc or never")
    ct = Contact.__table__
    with engine.begin() as conn:
        query = select(ct.c.customer_id, ct.c.dunning_role).where(ct.c.id == contact_id)
        row = row_in_scope(conn, who, query, "contact")
        conn.execute(ct.update().where(ct.c.id == contact_id).values(dunning_role=role))
        audit(
            conn,
            who,
            "contact.role",
            "contact",
            contact_id,
            customer_id=row.customer_id,
            before=row.dunning_role,
            after=role,
        )
        bump_data_version(conn)


def set_profile(engine: Engine, who: Viewer, customer_id: int, profile: str) -> None:
    """Set a customer's profile by hand; "" gives the profile back to the rules.

    Raises:
        AccessDenied: a role that may not change profiles, or a customer out of the portfolio.
        InvalidInput: a profile too long.
    """
    require(who, WORK)
    profile = text_field(profile, "profile", 40)
    c = Customer.__table__
    with engine.begin() as conn:
        check_customers(conn, who, [customer_id])
        before = conn.execute(select(c.c.profile).where(c.c.id == customer_id)).scalar()
        conn.execute(
            c.update()
            .where(c.c.id == customer_id)
            .values(profile=profile, profile_set_by_hand=bool(profile))
        )
        audit(
            conn,
            who,
            "customer.profile",
            "customer",
            customer_id,
            before=before,
            after=profile,
        )
        bump_data_version(conn)


def set_scenario(engine: Engine, who: Viewer, customer_id: int, scenario_id: int | None) -> None:
    """Choose a customer's scenario by hand; None gives it back to its profile's scenario.

    Raises:
        AccessDenied: a role that may not change scenarios, or a customer out of the portfolio.
        InvalidInput: the store has no scenario per customer, or the scenario is unknown or
            inactive.
    """
    require(who, WORK)
    if not has_scenario_column():
        raise InvalidInput("scenario_id", "scenarios follow the customer's profile in this version")
    c, s = Customer.__table__, Scenario.__table__
    with engine.begin() as conn:
        check_customers(conn, who, [customer_id])
        if scenario_id is not None:
            found = conn.execute(select(s.c.id).where(s.c.id == scenario_id, s.c.active)).scalar()
            if found is None:
                raise InvalidInput("scenario_id", "unknown or inactive scenario")
        before = conn.execute(select(c.c.scenario_id).where(c.c.id == customer_id)).scalar()
        conn.execute(c.update().where(c.c.id == customer_id).values(scenario_id=scenario_id))
        audit(
            conn,
            who,
            "customer.scenario",
            "customer",
            customer_id,
            before=before,
            after=scenario_id,
        )
        bump_data_version(conn)


def known_profiles(engine: Engine) -> list[str]:
    """The profiles in use: those of the scenarios and those already given to customers."""
    c, s = Customer.__table__, Scenario.__table__
    with engine.connect() as conn:
        found = set(conn.execute(select(s.c.profile).distinct()).scalars())
        found |= set(conn.execute(select(c.c.profile).distinct()).scalars())
    return sorted(p for p in found if p)
