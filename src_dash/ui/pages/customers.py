"""The old path of the "/clients" page, kept for the import lines that still use it: the page
lives in `pages.customer_list`, its route and the customer card's links in `ui.routes`
(`routes.CUSTOMERS`, `routes.customer_href`). Import from there; this module goes once nothing
imports it."""

from src_dash.ui.pages.customer_list import (
    GRADE_COLORS,
    ROUTE,
    CustomersState,
    customer_href,
    customers_page,
)

__all__ = ["GRADE_COLORS", "ROUTE", "CustomersState", "customer_href", "customers_page"]
