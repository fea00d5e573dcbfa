"""What every admin-only service shares: the role check, and the error for input the admin got
wrong (`SettingsError`, an `InvalidInput` naming the field).
"""

from __future__ import annotations

from sqlalchemy import Table, update
from sqlalchemy.engine import Connection

from src_dash.access import ADMIN, Viewer, audit, require
from src_dash.services.inputs import InvalidInput
from src_dash.store.versions import bump_data_version


class SettingsError(InvalidInput):
    """Input the admin got wrong; the message names the field. Nothing was changed.

    Attributes:
        field: the field at fault (code, name, dsn, file, customer, ...).
    """

    def __init__(self, field: str, message: str) -> None:
        """Keep the field and build the message `field: message`."""
        super().__init__(field, message)
        self.message = message


def require_admin(who: Viewer | None) -> Viewer:
    """The viewer, when an admin.

    Raises:
        AccessDenied: for anyone else (or no one).
    """
    return require(who, ADMIN)


def switch_active(
    conn: Connection,
    who: Viewer,
    table: Table,
    row_id: int,
    active: bool,
    kind: str,
    **details: object,
) -> None:
    """Switch a row of `table` on or off, audited as `<kind>.activate` or `<kind>.deactivate`
    (with the details given), and say the data changed."""
    conn.execute(update(table).where(table.c.id == row_id).values(active=bool(active)))
    action = f"{kind}.activate" if active else f"{kind}.deactivate"
    audit(conn, who, action, kind, row_id, **details)
    bump_data_version(conn)
