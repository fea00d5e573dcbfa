"""Letters of a run, for /campagnes: how many are to print, printed and posted; confirm the
printing; mark them posted on a day. Only the viewer's portfolio is counted and changed; only
admins and collectors may confirm or post (see `dunning.letter_post`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import WORK, Viewer, require, scope_clause
from src_dash.dunning import letter_post
from src_dash.dunning.letter_post import LetterCounts, LetterError
from src_dash.services.customers import READ
from src_dash.store import Customer, Message

__all__ = ["LetterCounts", "LetterError", "confirm_printed", "mark_posted", "run_letters"]


def _mine(conn: Connection, who: Viewer, run: str, status: str | None = None) -> list[int]:
    m, c = Message.__table__, Customer.__table__
    query = (
        select(m.c.id)
        .select_from(m.join(c, c.c.id == m.c.customer_id))
        .where(m.c.run == run, m.c.channel == letter_post.LETTER, scope_clause(who.scope))
    )
    if status is not None:
        query = query.where(m.c.status == status)
    return list(conn.execute(query.order_by(m.c.id)).scalars())


def run_letters(engine: Engine, who: Viewer, run: str) -> LetterCounts:
    """How many of the run's letters in the viewer's portfolio are held, to print, printed,
    posted."""
    require(who, READ)
    m, c = Message.__table__, Customer.__table__
    with engine.connect() as conn:
        counts = dict(
            conn.execute(
                select(m.c.status, func.count())
                .select_from(m.join(c, c.c.id == m.c.customer_id))
                .where(m.c.run == run, m.c.channel == letter_post.LETTER, scope_clause(who.scope))
                .group_by(m.c.status)
            ).all()
        )
    return LetterCounts(
        held=counts.get("held", 0),
        to_print=counts.get(letter_post.TO_PRINT, 0),
        printed=counts.get(letter_post.PRINTED, 0),
        posted=counts.get(letter_post.POSTED, 0),
    )


def confirm_printed(engine: Engine, who: Viewer, run: str) -> int:
    """The run's letters to print (in the viewer's portfolio) came out of the printer.

    Raises:
        AccessDenied: for a role that may not dun.
        LetterError: when none of them is waiting to be printed.
    """
    require(who, WORK)
    with engine.connect() as conn:
        ids = _mine(conn, who, run, letter_post.TO_PRINT)
    if not ids:
        raise LetterError("no letter of this run is waiting to be printed")
    return letter_post.confirm_printed(engine, who, message_ids=ids)


def mark_posted(engine: Engine, who: Viewer, run: str, posted_on: date) -> int:
    """The run's printed letters (in the viewer's portfolio) were posted on `posted_on`.

    Raises:
        AccessDenied: for a role that may not dun.
        LetterError: when none is printed, or the day is in the future.
    """
    require(who, WORK)
    with engine.connect() as conn:
        ids = _mine(conn, who, run, letter_post.PRINTED)
    if not ids:
        raise LetterError("no letter of this run is printed and waiting to be posted")
    return letter_post.mark_posted(engine, who, posted_on, message_ids=ids)
