"""The viewer's scope, as the analytics import it: it lives in `src_dash.access.scope`."""

from src_dash.access.scope import EVERYTHING, Scope, company_scope, scope_for_user

__all__ = ["EVERYTHING", "Scope", "company_scope", "scope_for_user"]
