"""The customer card: everything about one customer in the viewer's scope, in one call."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from src_dash.access import Viewer, check_customers, require
from src_dash.analytics.timeline import timeline
from src_dash.clock import today as clock_today
from src_dash.services.customer_card.balance import _balance_and_items
from src_dash.services.customer_card.history import _followup
from src_dash.services.customer_card.identity import _contacts, _identity, _user_names
from src_dash.services.customer_card.model import TIMELINE_LIMIT, CustomerCard
from src_dash.services.customers import READ


def customer_card(
    engine: Engine, who: Viewer, customer_id: int, as_of: date | None = None
) -> CustomerCard:
    """Everything about one customer the viewer may see.

    Args:
        engine: the store.
        who: the viewer.
        customer_id: the customer (`customer.id`).
        as_of: the date of the figures (default today).

    Raises:
        AccessDenied: when nobody is signed in, or the customer does not exist or is outside
            the viewer's portfolio (one message for both).
    """
    require(who, READ)
    as_of = as_of or clock_today()
    with engine.connect() as conn:
        check_customers(conn, who, [customer_id])
        users = _user_names(conn)
        identity, scenarios = _identity(conn, customer_id, as_of, users)
        contacts, services = _contacts(conn, customer_id, identity.company_id)
        balance, open_items, score = _balance_and_items(engine, conn, customer_id, as_of)
        comments, promises, disputes, messages, flags = _followup(conn, customer_id, users)
    events = timeline(engine, customer_id, who.scope, as_of=as_of)
    newest = tuple(reversed(events[-TIMELINE_LIMIT:]))
    return CustomerCard(
        as_of=as_of,
        identity=identity,
        contacts=contacts,
        services=services,
        balance=balance,
        score=score,
        open_items=open_items,
        timeline=newest,
        timeline_total=len(events),
        comments=comments,
        promises=promises,
        disputes=disputes,
        messages=messages,
        flags=flags,
        scenarios=scenarios,
        can_work=who.can_work,
        can_note=who.can_note,
    )
