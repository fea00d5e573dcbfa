"""Letters from the printer to the post: "à imprimer" -> "imprimé" -> "posté" (with its day).

A letter message (channel ``letter``) goes:

- ``queued`` ("à imprimer"): written by a run (or approved). The dispatcher puts the letters not
  yet in a grouped file into one PDF to print (`print_batch`, recorded in `Message.print_file`);
  a user may also download a run's letters from /campagnes. They stay to print until a user
  says the pages came out.
- ``printed`` ("imprimé"): a user confirmed the printing (`confirm_printed`: who, when).
- ``sent`` ("posté"): a user said on which day the envelopes went to the post (`mark_posted`).
  Only then does the letter count as sent: its action is done, its items move to the level it
  was sent at with that day as their last dunning day, and it counts among the "envoyés".

Items of a letter do not move when the run is written (see `runs`): they move when it is posted.
An item moves when the letter raises its level, or when it is a prévenance (level 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.access import WORK, AccessDenied, Viewer, audit, check_customers, require
from src_dash.clock import utcnow
from src_dash.config import Settings
from src_dash.dunning import outbox
from src_dash.dunning.item_levels import set_item_levels
from src_dash.store import Action, Message, MessageItem
from src_dash.store.versions import bump_data_version

LETTER = "letter"
TO_PRINT, PRINTED, POSTED = outbox.QUEUED, "printed", outbox.SENT


class LetterError(ValueError):
    """A letter step cannot be done (the message says why); nothing was written."""


@dataclass(frozen=True)
class LetterCounts:
    """Where the letters of a run (or of anything) are."""

    held: int = 0
    to_print: int = 0
    printed: int = 0
    posted: int = 0


def letter_state(channel: str, status: str) -> str:
    """The word a message's status takes for a letter: to_print, printed, posted, or as is."""
    if channel != LETTER:
        return status
    return {TO_PRINT: "to_print", PRINTED: "printed", POSTED: "posted"}.get(status, status)


def print_batch(
    engine: Engine,
    now: datetime,
    by: int | None = None,
    settings: Settings | None = None,
) -> tuple[int, str]:
    """Put every letter to print not yet in a grouped PDF into one; they stay "à imprimer".

    Letters whose own PDF is missing get it first.

    Returns:
        (how many letters, the grouped file; "" when there was none).
    """
    from src_dash.dunning.letters import (
        letters_dir,
        load_letters,
        render_letters,
        write_letter_files,
    )

    m = Message.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(m.c.id, m.c.pdf_path)
            .where(m.c.channel == LETTER, m.c.status == TO_PRINT, m.c.print_file == "")
            .order_by(m.c.id)
        ).all()
    if not rows:
        return 0, ""
    missing = [r.id for r in rows if not r.pdf_path or not Path(r.pdf_path).is_file()]
    if missing:
        write_letter_files(engine, missing, settings=settings)
    ids = [r.id for r in rows]
    path = letters_dir(settings) / "print" / f"letters-{now:%Y%m%d-%H%M%S}-{ids[0]}.pdf"
    render_letters(load_letters(engine, ids), path)
    with engine.begin() as conn:
        for start in range(0, len(ids), 1000):
            conn.execute(
                update(m)
                .where(m.c.id.in_(ids[start : start + 1000]), m.c.status == TO_PRINT)
                .values(print_file=str(path)[:300], server_answer=f"to print in {path.name}")
            )
    return len(ids), str(path)


def _letters(
    conn: Connection, viewer: Viewer | None, run: str | None, message_ids: Sequence[int] | None
) -> list:
    m = Message.__table__
    query = select(m.c.id, m.c.customer_id, m.c.status, m.c.action_id).where(m.c.channel == LETTER)
    if run is not None:
        query = query.where(m.c.run == run)
    if message_ids is not None:
        query = query.where(m.c.id.in_(list(message_ids)))
    rows = conn.execute(query.order_by(m.c.id)).all()
    if message_ids is not None and len(rows) != len(set(message_ids)):
        raise LookupError("letter not found")
    if viewer is not None and rows:
        try:
            check_customers(conn, viewer, {r.customer_id for r in rows})
        except AccessDenied:
            raise AccessDenied("letter not found") from None
    return rows


def confirm_printed(
    engine: Engine,
    viewer: Viewer | None,
    *,
    run: str | None = None,
    message_ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> int:
    """Say the letters to print (of a run, or named) came out of the printer: "imprimé".

    Args:
        engine: the store.
        viewer: who confirms (None: the system, e.g. the CLI without --user).
        run: the run whose letters to print were printed.
        message_ids: or the letters, by message id.
        now: when (default: the clock).

    Returns:
        How many letters are now printed (those in another state are left as they are).

    Raises:
        AccessDenied: when the viewer may not dun, or a letter is out of their portfolio.
        LookupError: when a named letter does not exist.
        LetterError: when neither a run nor letters are named.
    """
    if run is None and message_ids is None:
        raise LetterError("name a run or some letters")
    if viewer is not None:
        require(viewer, WORK)
    m = Message.__table__
    when = now or utcnow()
    with engine.begin() as conn:
        rows = _letters(conn, viewer, run, message_ids)
        ids = [r.id for r in rows if r.status == TO_PRINT]
        if not ids:
            return 0
        done = conn.execute(
            update(m)
            .where(m.c.id.in_(ids), m.c.status == TO_PRINT)
            .values(
                status=PRINTED,
                printed_at=when,
                printed_by=viewer.user_id if viewer else None,
                server_answer="printed",
            )
        ).rowcount
        audit(conn, viewer, "letter.printed", "message", None, ids=ids, run=run)
    return done


def mark_posted(
    engine: Engine,
    viewer: Viewer | None,
    posted_on: date,
    *,
    run: str | None = None,
    message_ids: Sequence[int] | None = None,
    now: datetime | None = None,
) -> int:
    """Say the printed letters (of a run, or named) were posted on a day: they are sent.

    Their actions are done and their items move to the level sent, dunned on `posted_on`.

    Returns:
        How many letters are now posted (those not printed are left as they are).

    Raises:
        AccessDenied: when the viewer may not dun, or a letter is out of their portfolio.
        LookupError: when a named letter does not exist.
        LetterError: when neither a run nor letters are named, or the day is in the future.
    """
    if run is None and message_ids is None:
        raise LetterError("name a run or some letters")
    when = now or utcnow()
    if posted_on > when.date():
        raise LetterError(f"a letter cannot be posted on {posted_on.isoformat()}: a future day")
    if viewer is not None:
        require(viewer, WORK)
    m, a = Message.__table__, Action.__table__
    with engine.begin() as conn:
        rows = _letters(conn, viewer, run, message_ids)
        ids = [r.id for r in rows if r.status == PRINTED]
        if not ids:
            return 0
        user = viewer.user_id if viewer else None
        conn.execute(
            update(m)
            .where(m.c.id.in_(ids), m.c.status == PRINTED)
            .values(
                status=POSTED,
                posted_on=posted_on,
                posted_by=user,
                sent_at=when,
                sent_by=user,
                server_answer=f"posted on {posted_on.isoformat()}",
            )
        )
        actions = [r.action_id for r in rows if r.id in set(ids) and r.action_id is not None]
        if actions:
            conn.execute(
                update(a)
                .where(a.c.id.in_(actions), a.c.status.in_(("proposed", "approved")))
                .values(status="done", done_at=when, done_by=user)
            )
        if _advance(conn, ids, posted_on):
            bump_data_version(conn, parties=False)
        audit(conn, viewer, "letter.posted", "message", None, ids=ids, run=run, on=str(posted_on))
    return len(ids)


def _advance(conn: Connection, message_ids: list[int], posted_on: date) -> int:
    """Move the items of posted letters to the level sent, dunned on `posted_on`."""
    mi = MessageItem.__table__
    levels: dict[int, int] = {}
    for entry_id, level, previous in conn.execute(
        select(mi.c.entry_id, mi.c.level, mi.c.previous_level).where(
            mi.c.message_id.in_(message_ids), mi.c.entry_id.is_not(None), mi.c.amount > 0
        )
    ):
        if level > previous or level == 0:
            levels[entry_id] = max(level, levels.get(entry_id, 0))
    if not levels:
        return 0
    return set_item_levels(conn, levels, posted_on, keep_higher=True)


def letter_counts(conn: Connection, run: str) -> LetterCounts:
    """How many letters of a run are held, to print, printed and posted."""
    from sqlalchemy import func

    m = Message.__table__
    counts = dict(
        conn.execute(
            select(m.c.status, func.count())
            .where(m.c.run == run, m.c.channel == LETTER)
            .group_by(m.c.status)
        ).all()
    )
    return LetterCounts(
        held=counts.get(outbox.HELD, 0),
        to_print=counts.get(TO_PRINT, 0),
        printed=counts.get(PRINTED, 0),
        posted=counts.get(POSTED, 0),
    )
