"""How each contact service of a company is dunned: To, Cc or never (admin-only; every change is
audited and bumps the data version).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from src_dash.access import Viewer, audit
from src_dash.services.admin import require_admin as _admin
from src_dash.services.inputs import InvalidInput, check_one_of
from src_dash.store import (
    Company,
    ContactService,
)
from src_dash.store.versions import bump_data_version

DUNNING_ROLES = ("to", "cc", "never")


@dataclass(frozen=True)
class ContactServiceView:
    """A contact service of a company and how dunning treats it."""

    id: int
    company_id: int
    company_code: str
    code: int
    name: str
    dunning_role: str


def list_contact_services(
    engine: Engine, who: Viewer, company_id: int | None = None
) -> list[ContactServiceView]:
    """The contact services (of a company), by company and code.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    s, co = ContactService.__table__, Company.__table__
    query = (
        select(s, co.c.code.label("company_code"))
        .select_from(s.join(co, co.c.id == s.c.company_id))
        .order_by(co.c.code, s.c.code)
    )
    if company_id is not None:
        query = query.where(s.c.company_id == company_id)
    with engine.connect() as conn:
        return [
            ContactServiceView(r.id, r.company_id, r.company_code, r.code, r.name, r.dunning_role)
            for r in conn.execute(query)
        ]


def set_contact_service_role(
    engine: Engine, who: Viewer, service_id: int, role: str
) -> ContactServiceView:
    """Say how dunning treats a contact service: "to" (main recipient), "cc" or "never".

    The sync keeps this choice.

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an unknown service or role.
    """
    _admin(who)
    check_one_of("role", [role], DUNNING_ROLES)
    s, co = ContactService.__table__, Company.__table__
    with engine.begin() as conn:
        row = conn.execute(
            select(s, co.c.code.label("company_code"))
            .select_from(s.join(co, co.c.id == s.c.company_id))
            .where(s.c.id == service_id)
        ).first()
        if row is None:
            raise InvalidInput("service", f"no contact service {service_id}")
        conn.execute(update(s).where(s.c.id == row.id).values(dunning_role=role))
        audit(
            conn,
            who,
            "contact_service.role",
            "contact_service",
            row.id,
            name=row.name,
            old=row.dunning_role,
            role=role,
        )
        bump_data_version(conn)
    return ContactServiceView(row.id, row.company_id, row.company_code, row.code, row.name, role)
