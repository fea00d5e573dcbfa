"""What every admin-only service shares: the role check, and the error for input the admin got
wrong (`SettingsError`, an `InvalidInput` naming the field).
"""

from __future__ import annotations

from src_dash.access import ADMIN, Viewer, require
from src_dash.services.inputs import InvalidInput


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
