"""What a collector handled of what customers did in their space (the worklist's "côté client"):
one row per `space_event` marked handled, by whom and when, and the worklist action it closed."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from src_dash.clock import utcnow
from src_dash.store.types import UTCDateTime


class SpaceHandled(SQLModel, table=True):
    """A customer's action in their space, handled by a collector."""

    __tablename__ = "space_handled"

    event_id: int = Field(foreign_key="space_event.id", primary_key=True)
    handled_by: int | None = Field(default=None, foreign_key="app_user.id")
    handled_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    action_id: int | None = Field(default=None, foreign_key="action.id")  # the one it closed
