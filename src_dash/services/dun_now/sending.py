"""Dun an open item now: checked live against what blocks it, then written as an action and its
message (sent or held for approval).
"""

from __future__ import annotations

import asyncio

from sqlalchemy import update
from sqlalchemy.engine import Engine

from src_dash.access import (
    WORK,
    Viewer,
    audit,
    customers_of_entries,
    require,
)
from src_dash.config import Settings
from src_dash.dunning.model import (
    PHONE,
)
from src_dash.services.dun_now.model import MAX_REASON, ORIGIN, DunPreview, DunResult, NotDunnable
from src_dash.services.dun_now.states import _blocked
from src_dash.services.inputs import InvalidInput
from src_dash.store import (
    Action,
)
from src_dash.store.versions import bump_data_version


def dun_now(engine: Engine, who: Viewer, preview: DunPreview, reason: str = "") -> DunResult:
    """Send the previewed message now: write its run (approved by the viewer) and bump the
    data version so the tables refresh. Delivery is `deliver`'s (the dispatcher's) job.

    Args:
        engine: the store.
        who: the viewer (admin or collector); it must be allowed to work the customer.
        preview: what `preview_dun` showed; its proposal is sent as it is.
        reason: why the level goes past the one the scenario reaches next (required then);
            kept as the action's note and in the audit log.

    Raises:
        AccessDenied: for another role, or a customer outside the viewer's scope.
        NotDunnable: when the item was disputed, promised or stopped since the preview, or is
            not yet due and an overdue level is asked.
        InvalidInput: when levels are skipped without a reason (field "reason").
    """
    from src_dash.dunning.runs import create_run

    require(who, WORK)
    proposal = preview.proposal
    moving = [i.entry_id for i in proposal.items if i.advances]
    with engine.connect() as conn:
        customers_of_entries(conn, who, moving)
        refused = _blocked(conn, moving, proposal.as_of)
    if refused is not None:
        raise refused
    if proposal.level >= 1 and any(
        i.advances and (i.due_date or i.posting_date) >= proposal.as_of for i in proposal.items
    ):
        raise NotDunnable("not_due", "not yet due: only the prévenance may be sent")
    reason = " ".join((reason or "").split())[:MAX_REASON]
    if preview.skips and not reason:
        raise InvalidInput(
            "reason",
            f"a reason is needed to send level {preview.level} "
            f"(the scenario reaches {preview.proposed_level} next)",
        )
    result = create_run(engine, [proposal], viewer=who, approve=True)
    if result.errors:
        raise InvalidInput("template", result.errors[0].message)
    with engine.begin() as conn:
        if result.action_ids:
            a = Action.__table__
            values: dict[str, str] = {"origin": ORIGIN}
            if reason:
                values["note"] = reason
            conn.execute(update(a).where(a.c.id.in_(result.action_ids)).values(**values))
            if preview.skips:
                audit(
                    conn,
                    who,
                    "dun_now.skip",
                    "action",
                    result.action_ids[0],
                    entry_id=preview.entry_id,
                    reached=preview.reached,
                    proposed=preview.proposed_level,
                    level=preview.level,
                    reason=reason,
                )
        # The run itself leaves the analytics' version alone; the row's level changed.
        bump_data_version(conn, parties=False)
    if result.existing and not result.actions:
        status = "already"
    elif proposal.channel == PHONE:
        status = "call"
    else:
        status = "queued"
    return DunResult(
        run=result.run,
        status=status,
        channel=proposal.channel,
        level=proposal.level,
        message_ids=result.message_ids,
        action_ids=result.action_ids,
    )


async def deliver(
    engine: Engine,
    who: Viewer,
    settings: Settings | None = None,
    tries: int = 5,
    wait_seconds: float = 1.0,
) -> object:
    """One pass of the dispatcher for what the viewer just queued (and anything else due).

    When another dispatcher holds the lock, or the pass stopped on a store error (SQLite refuses
    a write while another one is under way), waits and tries again a few times; the next pass
    puts back what a stopped one had claimed, and what is still queued goes with the
    scheduler's next pass anyway.

    The pass runs in a worker thread, on its own event loop: it reads and writes the store
    without awaiting (taking back what a stopped pass had claimed, for one), which on the app's
    loop would hold up every other user's events meanwhile.

    Returns:
        The dispatcher's last `DispatchResult`.
    """
    from src_dash.dunning.dispatch import dispatch

    require(who, WORK)
    done = None
    for attempt in range(max(1, tries)):
        done = await asyncio.to_thread(dispatch, engine, settings, sent_by=who.user_id)
        if not (done.busy or done.store_error):
            break
        if attempt + 1 < tries:
            await asyncio.sleep(wait_seconds)
    return done
