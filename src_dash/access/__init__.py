"""Who may see and do what: the viewer, the roles, the scope of customers and the audit log.

The bottom layer beside the store: dunning and services take a checked `Viewer` (or none) and
call `require`, `check_customers`, `scope_clause` and `audit`; nothing here imports from the
layers above.
"""

from src_dash.access.audit import audit
from src_dash.access.scope import EVERYTHING, Scope, company_scope, scope_for_user
from src_dash.access.viewer import (
    ADMIN,
    NOTE,
    WORK,
    AccessDenied,
    Viewer,
    check_customers,
    customers_of_entries,
    identity,
    owned_row,
    require,
    row_in_scope,
    scope_clause,
    viewer,
)

__all__ = [
    "ADMIN",
    "EVERYTHING",
    "NOTE",
    "WORK",
    "AccessDenied",
    "Scope",
    "Viewer",
    "audit",
    "check_customers",
    "company_scope",
    "customers_of_entries",
    "identity",
    "owned_row",
    "require",
    "row_in_scope",
    "scope_clause",
    "scope_for_user",
    "viewer",
]
