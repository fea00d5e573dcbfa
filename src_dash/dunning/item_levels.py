"""The items' dunning levels in the store (`ItemState`): set to the level a message sends them
at, dunned on a day, the hand-set next level used."""

from __future__ import annotations

from datetime import date

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from src_dash.store import ItemState


def set_item_levels(
    conn: Connection, levels: dict[int, int], dunned_on: date, *, keep_higher: bool = False
) -> int:
    """Upsert each item's level (entry id -> level), dunned on `dunned_on`, its next level
    cleared; with `keep_higher` an item already at a higher level keeps it. Returns how many
    items were written."""
    t = ItemState.__table__
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    rows = [
        {
            "entry_id": entry_id,
            "level": level,
            "last_dunned_on": dunned_on,
            "next_level": None,
            "stop_reason": "",
        }
        for entry_id, level in sorted(levels.items())
    ]
    for start in range(0, len(rows), 2000):
        stmt = dialect.insert(t).values(rows[start : start + 2000])
        level = stmt.excluded.level
        if keep_higher:
            level = case((t.c.level > stmt.excluded.level, t.c.level), else_=stmt.excluded.level)
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.entry_id],
            set_={
                "level": level,
                "last_dunned_on": stmt.excluded.last_dunned_on,
                "next_level": None,
            },
        )
        conn.execute(stmt)
    return len(rows)
