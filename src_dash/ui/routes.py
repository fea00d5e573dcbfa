"""Every address of the app, in one place: the pages import their route from here, the
navigation and the links between pages build theirs from here."""

from __future__ import annotations

LOGIN = "/login"
DASHBOARD = "/"
CUSTOMERS = "/clients"
CUSTOMER = f"{CUSTOMERS}/[customer_id]"  # the customer card (dynamic route)
OPEN_ITEMS = "/echeances"
WORKLIST = "/actions"
CAMPAIGNS = "/campagnes"
ALERTS = "/alertes"
MAILBOX = "/courriels"
SETTINGS = "/reglages"
SYNC = "/synchronisation"
PREFERENCES = "/preferences"
SPACE = "/espace/[space_token]"  # the customer's space: public, opened by a personal link


def customer_href(customer_id: int) -> str:
    """The address of a customer's card."""
    return f"{CUSTOMERS}/{customer_id}"
