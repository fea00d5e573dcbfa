"""Runs: turn the planner's proposals into actions and outbox messages, in one transaction.

A run writes, for each proposal: an `Action` (kind ``step``, or ``call`` for a phone step) with
its `ActionItem`s, and for email and letter steps a `Message` (rendered subject, HTML and text,
recipients, level, total) with its `MessageItem`s (items and credits with their levels, days late
and residuals), and moves each item's `ItemState` to the level it is sent at. Messages that need
approval wait as ``held``; the others are ``queued`` for the dispatcher (emails) or the printer
(letters, whose PDF is written right after the run; see `letters`). A letter's items move only
when it is posted (`letter_post`); a letter proposal whose items all wait in a letter not yet
posted is left out with its reason, so that a slow post never sends the same letter twice.

Idempotent: an action carries its proposal's key (unique), so running the same plan again on the
same day creates nothing new. A proposal whose template fails is left out with its error (the
others go on); nothing is written for it.

A run does not bump the analytics' data version: the ledger frames read entries, customers,
contacts, promises and disputes, none of which a run changes.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from src_dash.access import WORK, AccessDenied, Viewer, audit, check_customers, require
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.config import Settings
from src_dash.dunning import outbox
from src_dash.dunning.alerts import NO_RECIPIENT, raise_alert
from src_dash.dunning.item_levels import set_item_levels
from src_dash.dunning.model import EMAIL, LETTER, PHONE, Plan, Proposal
from src_dash.dunning.run_rows import _action_row, _message_row, message_line
from src_dash.store import Action, ActionItem, Entry, ItemState, Message, MessageItem
from src_dash.store.versions import bump_data_version

KEY_LENGTH = 80


class RunError(ValueError):
    """A run cannot be made (the message says why); nothing was written."""


@dataclass(frozen=True)
class ProposalError:
    """A proposal left out of a run, and why (e.g. its template fails)."""

    key: str
    customer_number: str
    channel: str
    message: str


@dataclass(frozen=True)
class RunResult:
    """What a run created."""

    run: str  # the run's id (also on each action and message)
    as_of: date
    actions: int = 0
    messages: int = 0
    emails: int = 0
    letters: int = 0
    calls: int = 0
    held: int = 0
    existing: int = 0  # proposals already run (same key): nothing new created
    items_advanced: int = 0
    errors: tuple[ProposalError, ...] = ()
    message_ids: tuple[int, ...] = ()
    action_ids: tuple[int, ...] = ()
    letter_files: tuple[str, ...] = ()
    alerts: int = 0
    letter_error: str = ""  # the letters' PDFs could not be written (they are at print time)

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON (ids left out)."""
        out = {k: v for k, v in self.__dict__.items() if k not in ("message_ids", "action_ids")}
        out["as_of"] = self.as_of.isoformat()
        out["errors"] = [e.__dict__ for e in self.errors]
        out["letter_files"] = len(self.letter_files)
        return out


def outbox_key(proposal_key: str) -> str:
    """The proposal's key as stored (unique, at most 80 characters: long keys are hashed)."""
    if len(proposal_key) <= KEY_LENGTH:
        return proposal_key
    digest = hashlib.sha256(proposal_key.encode("utf-8")).hexdigest()[:32]
    return f"{proposal_key[: KEY_LENGTH - 33]}~{digest}"


def _existing_keys(conn: Connection, keys: list[str]) -> set[str]:
    a = Action.__table__
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(conn.execute(select(a.c.key).where(a.c.key.in_(chunk))).scalars())
    return found


def _insert_many(conn: Connection, table, rows: list[dict]) -> list[int]:  # noqa: ANN001
    """Insert rows; return their ids in the rows' order."""
    if not rows:
        return []
    ids: list[int] = []
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        result = conn.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), chunk
        )
        ids.extend(r[0] for r in result)
    return ids


def _bulk(conn: Connection, table, rows: list[dict]) -> None:  # noqa: ANN001
    for start in range(0, len(rows), 5000):
        conn.execute(insert(table), rows[start : start + 5000])


def _advance_items(conn: Connection, levels: dict[int, int], as_of: date) -> None:
    """Move each item's state to the level it is dunned at (the hand-set next level is used)."""
    if not levels:
        return
    set_item_levels(conn, levels, as_of)


def _live_entries(conn: Connection, entry_ids: set[int]) -> set[int]:
    """The entries still in the store (a sync may have removed some since the plan)."""
    e = Entry.__table__
    found: set[int] = set()
    ids = sorted(i for i in entry_ids if i is not None)
    for start in range(0, len(ids), 1000):
        found.update(
            conn.execute(select(e.c.id).where(e.c.id.in_(ids[start : start + 1000]))).scalars()
        )
    return found


def create_run(
    engine: Engine,
    plan_or_proposals: Plan | Sequence[Proposal],
    *,
    viewer: Viewer | None = None,
    approve: bool = False,
    settings: Settings | None = None,
    write_letters: bool = True,
) -> RunResult:
    """Write the actions and outbox messages of a plan (see the module's docstring).

    Args:
        engine: the store.
        plan_or_proposals: the planner's plan, or some of its proposals.
        viewer: the user running it (must be allowed to work its customers); None for the
            system (CLI, scheduler).
        approve: approve at once the messages that need approval (the viewer approves them).
        settings: the settings (the data dir of the letters).
        write_letters: write each letter's PDF after the run.

    Raises:
        AccessDenied: when the viewer may not dun, or a customer is out of their portfolio.
        RunError: when the proposals are of several days.
    """
    from src_dash.dunning.templates import Renderer, TemplateError

    if isinstance(plan_or_proposals, Plan):
        plan: Plan | None = plan_or_proposals
        proposals = list(plan_or_proposals.proposals)
    else:
        plan = None
        proposals = list(plan_or_proposals)
    if viewer is not None:
        require(viewer, WORK)
    days = {p.as_of for p in proposals} | ({plan.as_of} if plan else set())
    if len(days) > 1:
        raise RunError(
            "a run is for one day; these proposals are of " + ", ".join(sorted(map(str, days)))
        )
    as_of = days.pop() if days else clock_today()
    run = f"{as_of:%Y%m%d}-{uuid.uuid4().hex[:8]}"
    if viewer is not None and proposals:
        with engine.connect() as conn:
            try:
                check_customers(conn, viewer, {p.customer_id for p in proposals})
            except AccessDenied:
                raise AccessDenied("some customers of this run are out of your portfolio") from None

    for attempt in range(2):
        try:
            with engine.begin() as conn:
                result = _write_run(
                    conn, run, as_of, proposals, plan, viewer, approve, Renderer, TemplateError
                )
                if result.message_ids or result.calls:
                    # Item levels moved: the tables that show them read the new version.
                    bump_data_version(conn, parties=False)
            break
        except IntegrityError:
            # Another run wrote some of the same keys meanwhile: read them again, once.
            if attempt:
                raise
    if write_letters and result.letters:
        from src_dash.dunning.letters import write_letter_files

        try:
            files = write_letter_files(engine, result.message_ids, settings=settings)
        except OSError as exc:  # the run stands; the printer writes the missing PDFs later
            return RunResult(**{**result.__dict__, "letter_error": f"letters not written: {exc}"})
        result = RunResult(**{**result.__dict__, "letter_files": tuple(str(f) for f in files)})
    return result


def _write_run(
    conn: Connection,
    run: str,
    as_of: date,
    proposals: list[Proposal],
    plan: Plan | None,
    viewer: Viewer | None,
    approve: bool,
    renderer_class,  # noqa: ANN001
    template_error,  # noqa: ANN001
) -> RunResult:
    keys = {outbox_key(p.key): p for p in proposals}
    existing = _existing_keys(conn, sorted(keys))
    todo = [(k, p) for k, p in keys.items() if k not in existing]
    todo, rendered, errors = _render_todo(conn, todo, renderer_class, template_error)
    live = _live_entries(conn, {i.entry_id for _, p in todo for i in (*p.items, *p.credits)})
    now = utcnow()
    user_id = viewer.user_id if viewer else None
    action_rows = [_action_row(p, key, run, as_of, now, approve) for key, p in todo]
    action_ids = _insert_many(conn, Action.__table__, action_rows)
    item_rows, message_rows, message_owner, levels, counts = _rows_per_action(
        todo, action_ids, rendered, live, run, as_of, now, approve, user_id
    )
    message_ids = _insert_many(conn, Message.__table__, message_rows)
    lines = [
        message_line(message_id, item, live)
        for message_id, p in zip(message_ids, message_owner, strict=True)
        for item in (*p.items, *p.credits)
    ]
    _bulk(conn, ActionItem.__table__, item_rows)
    _bulk(conn, MessageItem.__table__, lines)
    _advance_items(conn, levels, as_of)
    alerts = _no_recipient_alerts(conn, plan)
    if todo:
        audit(
            conn,
            viewer,
            "dunning.run",
            "run",
            None,
            run=run,
            as_of=as_of.isoformat(),
            actions=len(action_ids),
            messages=len(message_ids),
            approved=approve,
        )
    return RunResult(
        run=run,
        as_of=as_of,
        actions=len(action_ids),
        messages=len(message_ids),
        emails=counts["emails"],
        letters=counts["letters"],
        calls=counts["calls"],
        held=counts["held"],
        existing=len(existing),
        items_advanced=len(levels),
        errors=tuple(errors),
        message_ids=tuple(message_ids),
        action_ids=tuple(action_ids),
        alerts=alerts,
    )


def _rows_per_action(
    todo: list[tuple[str, Proposal]],
    action_ids: list[int],
    rendered: dict,
    live: set[int],
    run: str,
    as_of: date,
    now: datetime,
    approve: bool,
    user_id: int | None,
) -> tuple[list[dict], list[dict], list[Proposal], dict[int, int], dict[str, int]]:
    """Per action written: its items' rows, its message (emails and letters), the level each
    item reaches (letters move theirs when posted), and the counts per channel."""
    item_rows = []
    message_rows = []
    message_owner = []
    levels: dict[int, int] = {}
    counts = {"emails": 0, "letters": 0, "calls": 0, "held": 0}
    for action_id, (key, p) in zip(action_ids, todo, strict=True):
        for item in p.items:
            item_rows.append(
                {
                    "action_id": action_id,
                    "entry_id": item.entry_id if item.entry_id in live else None,
                    "level": item.level,
                    "previous_level": item.previous_level,
                }
            )
            # A letter's items move when it is posted (letter_post.mark_posted).
            if item.advances and item.entry_id in live and p.channel != LETTER:
                levels[item.entry_id] = max(item.level, levels.get(item.entry_id, 0))
        if p.channel == PHONE:
            counts["calls"] += 1
            continue
        if p.channel not in (EMAIL, LETTER):
            continue
        held = p.needs_approval and not approve
        counts["emails" if p.channel == EMAIL else "letters"] += 1
        counts["held"] += held
        message_rows.append(
            _message_row(p, key, rendered[key], action_id, run, as_of, now, approve, user_id)
        )
        message_owner.append(p)
    return item_rows, message_rows, message_owner, levels, counts


def _render_todo(
    conn: Connection,
    todo: list[tuple[str, Proposal]],
    renderer_class,  # noqa: ANN001
    template_error,  # noqa: ANN001
) -> tuple[list[tuple[str, Proposal]], dict, list[ProposalError]]:
    """Render the emails and letters to write; the proposals whose template fails, and the
    letters whose items all wait in a letter not yet posted, are dropped as errors."""
    renderer = renderer_class(conn)
    renderer.prefetch([p for _, p in todo if p.channel in (EMAIL, LETTER)])
    errors: list[ProposalError] = []
    rendered = {}
    for key, p in todo:
        if p.channel not in (EMAIL, LETTER):
            continue
        try:
            rendered[key] = renderer.render(p)
        except template_error as exc:
            errors.append(ProposalError(p.key, p.customer_number, p.channel, str(exc)))
    todo = [(k, p) for k, p in todo if p.channel not in (EMAIL, LETTER) or k in rendered]
    waiting = _letters_waiting(conn, [p for _, p in todo if p.channel == LETTER])
    if waiting:
        for key, p in todo:
            if key in waiting:
                errors.append(ProposalError(p.key, p.customer_number, p.channel, waiting[key]))
        todo = [(k, p) for k, p in todo if k not in waiting]
    return todo, rendered, errors


def _no_recipient_alerts(conn: Connection, plan: Plan | None) -> int:
    """An alert per customer with an email step due and nobody to receive it; the count
    raised."""
    alerts = 0
    if plan is None:
        return alerts
    for ex in plan.exclusions:
        if ex.reason == "no_recipient" and ex.entry_id is None:
            alerts += (
                raise_alert(
                    conn,
                    NO_RECIPIENT,
                    f"{NO_RECIPIENT}:c{ex.customer_id}",
                    f"{ex.customer_number} {ex.customer_name}: an email step is due but nobody "
                    f"can receive it{(' (' + ex.detail + ')') if ex.detail else ''}",
                    customer_id=ex.customer_id,
                )
                is not None
            )
    return alerts


def _letters_waiting(conn: Connection, letters: list[Proposal]) -> dict[str, str]:
    """The letter proposals (by key) whose moving items all wait in a letter not yet posted."""
    wanted = {
        outbox_key(p.key): {i.entry_id for i in p.items if i.advances and i.entry_id is not None}
        for p in letters
    }
    entries = sorted(set().union(*wanted.values())) if wanted else []
    if not entries:
        return {}
    m, mi = Message.__table__, MessageItem.__table__
    pending: dict[int, int] = {}
    for start in range(0, len(entries), 1000):
        for entry_id, message_id in conn.execute(
            select(mi.c.entry_id, mi.c.message_id)
            .select_from(mi.join(m, m.c.id == mi.c.message_id))
            .where(
                mi.c.entry_id.in_(entries[start : start + 1000]),
                m.c.channel == LETTER,
                m.c.status.in_((outbox.HELD, outbox.QUEUED, "printed")),
            )
        ):
            pending[entry_id] = message_id
    return {
        key: f"a letter about these items is not posted yet (message {pending[min(ids)]})"
        for key, ids in wanted.items()
        if ids and ids <= pending.keys()
    }


def _scoped_messages(conn: Connection, viewer: Viewer, message_ids: Sequence[int]) -> list:
    m = Message.__table__
    rows = conn.execute(
        select(m.c.id, m.c.customer_id, m.c.status, m.c.action_id).where(
            m.c.id.in_(list(message_ids))
        )
    ).all()
    if len(rows) != len(set(message_ids)):
        raise LookupError("message not found")
    try:
        check_customers(conn, viewer, {r.customer_id for r in rows})
    except AccessDenied:
        raise AccessDenied("message not found") from None
    return rows


def _held_messages(conn: Connection, viewer: Viewer, message_ids: Sequence[int]) -> list:
    """The messages among `message_ids` still held (all in the viewer's portfolio)."""
    return [r for r in _scoped_messages(conn, viewer, message_ids) if r.status == outbox.HELD]


def _on_held(
    engine: Engine,
    viewer: Viewer,
    message_ids: Sequence[int],
    change: Callable[[Connection, list], None],
) -> int:
    """Run `change(conn, held)` on the messages among `message_ids` still held, in one
    transaction; how many there were (see `approve` and `cancel` for what it raises)."""
    require(viewer, WORK)
    if not message_ids:
        return 0
    with engine.begin() as conn:
        held = _held_messages(conn, viewer, message_ids)
        if held:
            change(conn, held)
    return len(held)


def approve(engine: Engine, viewer: Viewer, message_ids: Sequence[int]) -> int:
    """Approve held messages: they are queued for the dispatcher (or the printer).

    Returns:
        How many were approved (messages no longer held are left as they are).

    Raises:
        AccessDenied: when the viewer may not dun, or a message is out of their portfolio.
        LookupError: when a message does not exist.
    """
    m, a = Message.__table__, Action.__table__

    def queue(conn: Connection, held: list) -> None:
        conn.execute(
            update(m)
            .where(m.c.id.in_([r.id for r in held]), m.c.status == outbox.HELD)
            .values(status=outbox.QUEUED, approved_by=viewer.user_id, approved_at=utcnow())
        )
        actions = [r.action_id for r in held if r.action_id is not None]
        if actions:
            conn.execute(
                update(a)
                .where(a.c.id.in_(actions), a.c.status == "proposed")
                .values(status="approved")
            )
        audit(conn, viewer, "message.approve", "message", None, ids=[r.id for r in held])

    return _on_held(engine, viewer, message_ids, queue)


def cancel(engine: Engine, viewer: Viewer, message_ids: Sequence[int], note: str = "") -> int:
    """Reject held messages: they are cancelled and their items go back to their previous level.

    Returns:
        How many were cancelled.

    Raises:
        AccessDenied: when the viewer may not dun, or a message is out of their portfolio.
        LookupError: when a message does not exist.
    """
    m, a, mi, st = Message.__table__, Action.__table__, MessageItem.__table__, ItemState.__table__

    def drop(conn: Connection, held: list) -> None:
        ids = [r.id for r in held]
        conn.execute(
            update(m)
            .where(m.c.id.in_(ids))
            .values(status=outbox.CANCELLED, server_answer=note[:1000])
        )
        actions = [r.action_id for r in held if r.action_id is not None]
        if actions:
            conn.execute(
                update(a)
                .where(a.c.id.in_(actions))
                .values(
                    status="skipped", done_at=utcnow(), done_by=viewer.user_id, note=note[:1000]
                )
            )
        for entry_id, previous, level in conn.execute(
            select(mi.c.entry_id, mi.c.previous_level, mi.c.level).where(
                mi.c.message_id.in_(ids), mi.c.entry_id.is_not(None), mi.c.residual > 0
            )
        ):
            conn.execute(
                update(st)
                .where(st.c.entry_id == entry_id, st.c.level == level)
                .values(level=previous)
            )
        audit(conn, viewer, "message.cancel", "message", None, ids=ids, note=note or None)

    return _on_held(engine, viewer, message_ids, drop)


def resend(engine: Engine, viewer: Viewer, message_id: int) -> bool:
    """Queue again a message that failed, bounced or is uncertain (the user checked it).

    Returns:
        True when it was queued again; False when it was in another state.
    """
    require(viewer, WORK)
    with engine.begin() as conn:
        _scoped_messages(conn, viewer, [message_id])
        done = outbox.resend(conn, message_id)
        if done:
            audit(conn, viewer, "message.resend", "message", message_id)
    return done


@dataclass(frozen=True)
class SendReport:
    """What `send` did: the run, then the dispatch."""

    run: RunResult
    dispatch: object | None = None
    excluded: dict[str, int] = field(default_factory=dict)
