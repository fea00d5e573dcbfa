"""A campaign's run: keep the proposals as a draft run (every message held until approved), approve
all or some of its messages, cancel, send, and print its letters in one PDF.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import (
    WORK,
    AccessDenied,
    Viewer,
    audit,
    require,
    scope_clause,
)
from src_dash.clock import today as clock_today
from src_dash.config import Settings
from src_dash.dunning import outbox, runs
from src_dash.dunning.model import LETTER, Plan
from src_dash.services.campaigns.freshness import _run_companies, ensure_fresh_data
from src_dash.services.campaigns.model import (
    IN_FLIGHT,
    CampaignCriteria,
    CampaignError,
    DraftRun,
    LettersFile,
    SendOutcome,
)
from src_dash.services.campaigns.planning import _plan, forget_plans
from src_dash.services.customers import READ
from src_dash.services.rows import from_row
from src_dash.store import Action, Customer, Message


def _runs_of_keys(conn: Connection, keys: Sequence[str]) -> list[str]:
    a = Action.__table__
    found: Counter[str] = Counter()
    stored = [runs.outbox_key(k) for k in keys]
    for start in range(0, len(stored), 500):
        chunk = stored[start : start + 500]
        for run in conn.execute(select(a.c.run).where(a.c.key.in_(chunk))).scalars():
            if run:
                found[run] += 1
    return [run for run, _ in found.most_common()]


def create_draft(
    engine: Engine,
    who: Viewer,
    criteria: CampaignCriteria,
    keys: Sequence[str] | None = None,
    as_of: date | None = None,
    settings: Settings | None = None,
) -> DraftRun:
    """Plan the campaign again and write it as a run whose messages all wait for approval.

    Args:
        engine: the store.
        who: the viewer (admin or collector).
        criteria: the campaign's criteria (planned again now: what the browser sent is not
            trusted).
        keys: only the proposals with these keys (None: all of them).
        as_of: the day (default today).
        settings: the settings (the letters' folder).

    Raises:
        AccessDenied: for a role that may not dun, or customers outside the portfolio.
        CampaignError: for wrong criteria, or when nothing is left to run.
    """
    require(who, WORK)
    as_of = as_of or clock_today()
    result = _plan(engine, who, criteria, as_of)
    proposals = list(result.proposals)
    if keys is not None:
        chosen = set(keys)
        proposals = [p for p in proposals if p.key in chosen]
    if not proposals:
        raise CampaignError("nothing to run: no proposal is chosen")
    held = tuple(replace(p, needs_approval=True) for p in proposals)
    try:
        done = runs.create_run(
            engine,
            Plan(result.as_of, held, result.exclusions, result.counts),
            viewer=who,
            approve=False,
            settings=settings,
        )
    except runs.RunError as exc:
        raise CampaignError(str(exc)) from None
    forget_plans()
    run = done.run if done.actions else ""
    if not run and done.existing:
        with engine.connect() as conn:
            earlier = _runs_of_keys(conn, [p.key for p in held])
        run = earlier[0] if earlier else ""
    return from_row(
        DraftRun,
        done,
        run=run,
        errors=tuple(f"{e.customer_number}: {e.message}" for e in done.errors),
    )


def _run_rows(conn: Connection, who: Viewer, run: str, *columns) -> list:  # noqa: ANN002
    m, c = Message.__table__, Customer.__table__
    return conn.execute(
        select(*columns)
        .select_from(m.join(c, c.c.id == m.c.customer_id))
        .where(m.c.run == run, scope_clause(who.scope))
    ).all()


def _chosen_messages(
    engine: Engine, who: Viewer, run: str, message_ids: Sequence[int] | None
) -> list[int]:
    """The held messages of a run among `message_ids` (all when None), checked."""
    m = Message.__table__
    with engine.connect() as conn:
        rows = _run_rows(conn, who, run, m.c.id, m.c.status)
    if not rows:
        raise AccessDenied("run not found")
    if message_ids is None:
        return [r.id for r in rows if r.status == outbox.HELD]
    wanted = {int(i) for i in message_ids}
    of_run = {r.id for r in rows}
    if not wanted <= of_run:
        raise AccessDenied("message not found")
    return sorted(r.id for r in rows if r.id in wanted and r.status == outbox.HELD)


def approve(engine: Engine, who: Viewer, run: str, message_ids: Sequence[int] | None = None) -> int:
    """Approve the held messages of a run (all, or those named): they are queued to be sent.

    Returns:
        How many were approved.

    Raises:
        AccessDenied: for a role that may not dun, a run or message outside the portfolio.
    """
    require(who, WORK)
    ids = _chosen_messages(engine, who, run, message_ids)
    return runs.approve(engine, who, ids) if ids else 0


def cancel(
    engine: Engine,
    who: Viewer,
    run: str,
    message_ids: Sequence[int] | None = None,
    note: str = "",
) -> int:
    """Reject held messages of a run (all, or those named): their items go back a level.

    Returns:
        How many were cancelled.

    Raises:
        AccessDenied: for a role that may not dun, a run or message outside the portfolio.
    """
    require(who, WORK)
    ids = _chosen_messages(engine, who, run, message_ids)
    return runs.cancel(engine, who, ids, note) if ids else 0


def send(engine: Engine, who: Viewer, run: str, settings: Settings | None = None) -> SendOutcome:
    """Send the approved messages now: one pass of the dispatcher (emails over SMTP, letters
    printed in one PDF). Messages still held stay held.

    Blocking (it runs its own event loop): call it from a thread.

    Raises:
        AccessDenied: for a role that may not dun, or a run outside the portfolio.
        CampaignError: when the run has nothing approved left to send.
    """
    from src_dash.dunning.dispatch import dispatch

    require(who, WORK)
    m = Message.__table__
    with engine.connect() as conn:
        rows = _run_rows(conn, who, run, m.c.status)
    if not rows:
        raise AccessDenied("run not found")
    if not any(r.status in IN_FLIGHT for r in rows):
        raise CampaignError("nothing approved is waiting to be sent in this run")
    # The items are checked (by the dispatcher, see dunning.freshness) against fresh data.
    with engine.connect() as conn:
        companies = _run_companies(conn, run)
    fresh = ensure_fresh_data(engine, companies)
    result = dispatch(engine, settings, sent_by=who.user_id)
    with engine.begin() as conn:
        audit(
            conn,
            who,
            "campaign.send",
            "run",
            None,
            run=run,
            sent=result.sent,
            failed=result.failed,
            busy=result.busy or None,
            server_error=result.server_error or None,
            synced=list(fresh.synced) or None,
            data_at=fresh.data_at.isoformat() if fresh.data_at else None,
        )
    return from_row(
        SendOutcome,
        result,
        data_at=fresh.data_at,
        synced=fresh.synced,
        sync_failed=fresh.failed,
    )


def letters_pdf(
    engine: Engine, who: Viewer, run: str, settings: Settings | None = None
) -> LettersFile:
    """The letters of a run (those not cancelled, in the viewer's portfolio) in one PDF, each
    from a new page; the file is also kept under <data dir>/letters/campaigns.

    Raises:
        AccessDenied: when the run has nothing in the viewer's portfolio.
        CampaignError: when the run has no letter.
    """
    from src_dash.dunning.letters import letters_dir, load_letters, render_letters

    require(who, READ)
    m, c = Message.__table__, Customer.__table__
    with engine.connect() as conn:
        rows = _run_rows(conn, who, run, m.c.id, m.c.channel, m.c.status, c.c.number)
        if not rows:
            calls = conn.execute(
                select(func.count())
                .select_from(Action.__table__.join(c, c.c.id == Action.__table__.c.customer_id))
                .where(Action.__table__.c.run == run, scope_clause(who.scope))
            ).scalar()
            if not calls:
                raise AccessDenied("run not found")
    ids = [
        r.id
        for r in sorted(rows, key=lambda r: (r.number, r.id))
        if r.channel == LETTER and r.status != outbox.CANCELLED
    ]
    if not ids:
        raise CampaignError("this run has no letter")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in run)[:40]
    path = letters_dir(settings) / "campaigns" / f"letters-{safe}-u{who.user_id}.pdf"
    letters = load_letters(engine, ids)
    data = render_letters(letters, path)
    return LettersFile(filename=f"lettres-{safe}.pdf", path=path, data=data, letters=len(letters))
