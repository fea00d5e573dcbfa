"""The customer's personal link put into a message when it is sent (email) or printed (letter).

A message is rendered and kept with the example link (`store.space_links.EXAMPLE_TOKEN`); the
real link is issued here, in the transaction that claims the email or loads the letter, and
replaces it in what goes out only: the token is never written to the store. Each issue renews the
customer's live links to 90 days from now and is written to the audit log with its message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection

from src_dash.access import audit
from src_dash.store.space_links import issue_in, with_link


def put_link(
    conn: Connection, customer_id: int, message_id: int, now: datetime, *texts: str
) -> tuple[str, tuple[str, ...]]:
    """Issue a link for the customer of a message going out; its URL and `texts` with the
    example link replaced by it (run it in a write transaction)."""
    issued = issue_in(conn, customer_id, now)
    audit(
        conn,
        None,
        "space.issue",
        "customer",
        customer_id,
        link_id=issued.link_id,
        message_id=message_id,
    )
    return issued.url, tuple(with_link(t, issued.url) for t in texts)
