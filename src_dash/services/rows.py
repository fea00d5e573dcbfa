"""From the store to the views: one dataclass built from a SQL row (or any record: the store's
`from_row`, re-exported here), and one row fetched by its id.
"""

from __future__ import annotations

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection, Row

from src_dash.store.rows import from_row

__all__ = ["from_row", "row_by_id"]


def row_by_id(conn: Connection, table: Table, row_id: object, missing: Exception) -> Row:
    """The row of `table` with this id.

    Raises:
        `missing`, when there is none.
    """
    row = conn.execute(select(table).where(table.c.id == row_id)).first()
    if row is None:
        raise missing
    return row
