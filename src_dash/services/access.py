"""Who may see and do what: the names of `src_dash.access`, where they live, for the services,
dunning and the UI that import them from here.

Roles: admin (everything), collector (works the customers of their portfolio, or all of them when
`sees_all_customers` is set), sales_rep (reads their Sage sales rep's customers, may comment and
flag them), read_only (reads everything, changes nothing). The viewer of a session token is
`services.auth.viewer_for_token`.
"""

from src_dash.access import (
    ADMIN,
    NOTE,
    WORK,
    AccessDenied,
    Viewer,
    audit,
    check_customers,
    customers_of_entries,
    owned_row,
    require,
    scope_clause,
    viewer,
)

__all__ = [
    "ADMIN",
    "NOTE",
    "WORK",
    "AccessDenied",
    "Viewer",
    "audit",
    "check_customers",
    "customers_of_entries",
    "owned_row",
    "require",
    "scope_clause",
    "viewer",
]
