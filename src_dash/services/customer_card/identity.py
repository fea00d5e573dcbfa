"""The customer's identity (company, sales rep, scenario) and its contacts by contact service."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Connection

from src_dash.services.customer_card.model import (
    ContactRow,
    Identity,
    ScenarioRef,
    ServiceChoice,
    ServiceContacts,
)
from src_dash.services.rows import from_row
from src_dash.store import (
    Company,
    Contact,
    ContactService,
    Customer,
    SalesRep,
    Scenario,
    User,
)


def _person(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


def _user_names(conn: Connection) -> dict[int, str]:
    u = User.__table__
    return {r.id: r.name or r.login for r in conn.execute(select(u.c.id, u.c.name, u.c.login))}


def has_scenario_column() -> bool:
    """Whether customers carry a scenario chosen by hand (`customer.scenario_id`)."""
    return "scenario_id" in Customer.__table__.c


def _scenario(conn: Connection, customer, by_profile: dict[str, tuple]) -> ScenarioRef | None:  # noqa: ANN001
    chosen = getattr(customer, "scenario_id", None) if has_scenario_column() else None
    if chosen is not None:
        s = Scenario.__table__
        row = conn.execute(select(s.c.id, s.c.name, s.c.profile).where(s.c.id == chosen)).first()
        if row is not None:
            return ScenarioRef(row.id, row.name, row.profile, True)
    found = by_profile.get(customer.profile or "")
    if found is None:
        return None
    return ScenarioRef(found[0], found[1], found[2], False)


def _identity(
    conn: Connection, customer_id: int, as_of: date, users: dict[int, str]
) -> tuple[Identity, tuple[ScenarioRef, ...]]:
    c, co = Customer.__table__, Company.__table__
    customer = conn.execute(select(c).where(c.c.id == customer_id)).one()
    company = conn.execute(select(co).where(co.c.id == customer.company_id)).one()
    rep = None
    if customer.sales_rep_id is not None:
        r = SalesRep.__table__
        rep = conn.execute(select(r).where(r.c.id == customer.sales_rep_id)).first()
    s = Scenario.__table__
    scenarios = tuple(
        ScenarioRef(row.id, row.name, row.profile, False)
        for row in conn.execute(
            select(s.c.id, s.c.name, s.c.profile).where(s.c.active).order_by(s.c.name)
        )
    )
    by_profile: dict[str, tuple] = {}
    for ref in scenarios:
        by_profile.setdefault(ref.profile, (ref.scenario_id, ref.name, ref.profile))
    stopped = bool(customer.stop_reason) and (
        customer.stop_until is None or customer.stop_until >= as_of
    )
    address = tuple(
        line
        for line in (
            customer.address,
            customer.address2,
            f"{customer.postal_code} {customer.city}".strip(),
            customer.country,
        )
        if line
    )
    free = customer.free_fields or {}
    identity = from_row(
        Identity,
        customer,
        customer_id=customer.id,
        company=company.code,
        company_name=company.name,
        currency=company.currency or "EUR",
        address=address,
        sales_rep=_person(rep.first_name, rep.last_name) if rep else "",
        sales_rep_email=rep.email if rep else "",
        collector=users.get(customer.collector_id, "") if customer.collector_id else "",
        free_fields=tuple((str(k), str(v)) for k, v in free.items() if str(v).strip()),
        stopped=stopped or customer.do_not_dun,
        scenario=_scenario(conn, customer, by_profile),
    )
    return identity, scenarios


def _contacts(
    conn: Connection, customer_id: int, company_id: int
) -> tuple[tuple[ServiceContacts, ...], tuple[ServiceChoice, ...]]:
    s, ct = ContactService.__table__, Contact.__table__
    services = {
        row.id: row
        for row in conn.execute(select(s).where(s.c.company_id == company_id).order_by(s.c.code))
    }
    groups: dict[int | None, list[ContactRow]] = {}
    rows = conn.execute(
        select(ct).where(ct.c.customer_id == customer_id).order_by(ct.c.last_name, ct.c.id)
    )
    for row in rows:
        service = services.get(row.service_id)
        service_role = service.dunning_role if service else ""
        groups.setdefault(row.service_id if service else None, []).append(
            ContactRow(
                contact_id=row.id,
                name=" ".join(p for p in (row.civility, row.first_name, row.last_name) if p),
                function=row.function,
                email=row.email,
                phone=row.phone,
                mobile=row.mobile,
                role=row.dunning_role or service_role,
                own_role=row.dunning_role,
                origin=row.origin,
            )
        )
    order = {"to": 0, "cc": 1, "never": 2}
    out = []
    for service_id, contacts in groups.items():
        service = services.get(service_id)
        out.append(
            ServiceContacts(
                service_id=service_id,
                service=service.name if service else "",
                service_role=service.dunning_role if service else "",
                contacts=tuple(contacts),
            )
        )
    out.sort(key=lambda g: (order.get(g.service_role, 3), g.service_id is None, g.service))
    choices = tuple(ServiceChoice(v.id, v.name, v.dunning_role) for v in services.values())
    return tuple(out), choices
