"""What a customer does in their space: promise, report a problem, say "déjà payé", write.

Each goes through the same follow-up function a collector's click does (`services.followup`),
as the space's viewer (`links.space_viewer`: a worker whose scope is this one customer), so it is
on the timeline, the card and the dashboard at once; and it puts an action due today in the
worklist of the customer's collector ("origin" space), logs a `space_event` and an audit line
with the client's address.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.numbers import format_decimal
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import audit
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.services.customer_space.links import SpaceAccess, space_viewer
from src_dash.services.customer_space.uploads import Upload, check_upload, store_upload
from src_dash.services.customer_space.view import ALREADY_PAID_REASON
from src_dash.services.followup import add_comment, record_promise
from src_dash.services.followup.common import _customer, _finish
from src_dash.services.followup.disputes import _open_dispute
from src_dash.services.inputs import (
    InvalidInput,
    amount_field,
    check_one_of,
    date_field,
    text_field,
)
from src_dash.store import Action, Customer, DisputeReason, PortfolioAssignment
from src_dash.store.space import SpaceAttachment, SpaceEvent
from src_dash.store.versions import bump_data_version

ORIGIN = "space"
MAX_ID = 2**31 - 1  # an INTEGER key: a bigger id is refused here, not by PostgreSQL


def _entry_ids(entry_ids: Sequence[object]) -> list[int]:
    """The item ids a customer sent, as integers a key can hold.

    Raises:
        InvalidInput: "items", for anything else (the same message for every bad id).
    """
    ids: list[int] = []
    for value in entry_ids or ():
        try:
            number = int(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            number = 0
        if isinstance(value, bool) or not 0 < number <= MAX_ID:
            raise InvalidInput("items", "choose among your open items")
        ids.append(number)
    return ids


@dataclass(frozen=True)
class SpaceDone:
    """What a customer's action made: its kind, the record (promise, dispute, comment) and the
    worklist action."""

    kind: str
    ref_id: int
    action_id: int


def _collector_of(conn: Connection, customer_id: int) -> int | None:
    """The customer's collector: its own, else the first user it is assigned to, else nobody."""
    c, p = Customer.__table__, PortfolioAssignment.__table__
    own = conn.execute(select(c.c.collector_id).where(c.c.id == customer_id)).scalar()
    if own is not None:
        return own
    return conn.execute(
        select(p.c.user_id).where(p.c.customer_id == customer_id).order_by(p.c.id).limit(1)
    ).scalar()


def _event(conn: Connection, access: SpaceAccess, kind: str, ref_id: int | None = None) -> None:
    """Log what the customer did in `space_event` and in the audit log, with their address."""
    conn.execute(
        SpaceEvent.__table__.insert().values(
            link_id=access.link_id,
            customer_id=access.customer_id,
            kind=kind,
            ref_id=ref_id,
            address=access.address,
            at=utcnow(),
        )
    )
    audit(
        conn,
        None,
        f"space.{kind}",
        "customer",
        access.customer_id,
        link_id=access.link_id,
        ref_id=ref_id,
        address=access.address,
    )


def _land(
    conn: Connection, access: SpaceAccess, kind: str, ref_id: int, note: str, today: date
) -> int:
    """Put the customer's action in their collector's worklist (an "other" action due today,
    origin "space") and log it; the worklist action's id."""
    c, a = Customer.__table__, Action.__table__
    customer = conn.execute(select(c).where(c.c.id == access.customer_id)).one()
    action_id = conn.execute(
        a.insert().values(
            company_id=customer.company_id,
            customer_id=customer.id,
            kind="other",
            due_on=today,
            assigned_to=_collector_of(conn, customer.id),
            status="approved",
            origin=ORIGIN,
            note=note[:1000],
            created_at=utcnow(),
        )
    ).inserted_primary_key[0]
    _event(conn, access, kind, ref_id)
    return action_id


EVENTS = ("visit", "statement")


def log_event(engine: Engine, access: SpaceAccess, kind: str) -> None:
    """Log a visit or a statement download (no worklist action).

    Raises:
        InvalidInput: for another kind.
    """
    check_one_of("kind", [kind], EVENTS)
    with engine.begin() as conn:
        _event(conn, access, kind)
        # The card's space section and the dashboard's count are live: they poll this version.
        bump_data_version(conn, parties=False)


def promise(
    engine: Engine,
    access: SpaceAccess,
    amount: object,
    promised_on: object,
    entry_ids: Sequence[object],
    note: str = "",
    today: date | None = None,
) -> SpaceDone:
    """The customer promises to pay `amount` by `promised_on` on some of their open items.

    Raises:
        InvalidInput: for a bad amount, date, note or items (items of another customer are
            "not an open item of this customer"); nothing is written.
    """
    today = today or clock_today()
    view = record_promise(
        engine,
        space_viewer(access),
        access.customer_id,
        amount,
        promised_on,
        _entry_ids(entry_ids),
        note,
        today=today,
    )
    pieces = ", ".join(i.piece for i in view.items)
    text = f"Espace client : promesse de {view.amount} au {view.promised_on.isoformat()} ({pieces})"
    a = Action.__table__
    with engine.begin() as conn:
        collector = _collector_of(conn, access.customer_id)
        conn.execute(
            a.update().where(a.c.id == view.followup_action_id).values(assigned_to=collector)
        )
        action_id = _land(conn, access, "promise", view.id, text, today)
    return SpaceDone("promise", view.id, action_id)


def _dispute(
    engine: Engine,
    access: SpaceAccess,
    kind: str,
    reason_id: int | None,
    entry_ids: Sequence[object],
    note: str,
    upload: Upload | None,
    data_dir: Path | None,
    today: date,
) -> SpaceDone:
    """Open the dispute (reason None: the "déjà payé" one) as the app's own, keep the file, and
    land it, all in one transaction."""
    who = space_viewer(access)
    with engine.begin() as conn:
        reason = _already_paid_reason(conn) if reason_id is None else reason_id
        customer = _customer(conn, who, access.customer_id)
        view = _open_dispute(conn, who, customer, reason, _entry_ids(entry_ids), note)
        _finish(conn)
        if upload is not None:
            conn.execute(
                SpaceAttachment.__table__.insert().values(
                    customer_id=access.customer_id,
                    dispute_id=view.id,
                    stored_name=store_upload(upload, data_dir),
                    original_name=upload.name,
                    content_type=upload.content_type,
                    size=len(upload.data),
                    sha256=upload.sha256,
                    uploaded_at=utcnow(),
                )
            )
        pieces = ", ".join(i.piece for i in view.items)
        text = f"Espace client : {view.reason} ({pieces}) {view.note}".strip()
        action_id = _land(conn, access, kind, view.id, text, today)
    return SpaceDone(kind, view.id, action_id)


def report_problem(
    engine: Engine,
    access: SpaceAccess,
    reason_id: object,
    entry_ids: Sequence[object],
    message: str,
    attachment: tuple[str, bytes] | None = None,
    data_dir: Path | None = None,
    today: date | None = None,
) -> SpaceDone:
    """The customer reports a problem on items: a dispute with one of the company's reasons.

    Args:
        attachment: an optional (file name, bytes): a PDF, PNG or JPEG of at most 5 MB.

    Raises:
        InvalidInput: for a bad reason, items, message or attachment; nothing is written.
    """
    message = text_field(message, "message", 1000, required=True)
    try:
        reason_key = int(reason_id)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InvalidInput("reason", "choose a reason from the list") from exc
    r = DisputeReason.__table__
    with engine.connect() as conn:
        label = conn.execute(select(r.c.label).where(r.c.id == reason_key)).scalar()
    if label == ALREADY_PAID_REASON:
        raise InvalidInput("reason", "choose a reason from the list")
    return _dispute(
        engine,
        access,
        "dispute",
        reason_key,
        entry_ids,
        message,
        check_upload(*attachment) if attachment is not None else None,
        data_dir,
        today or clock_today(),
    )


def _already_paid_reason(conn: Connection) -> int:
    """The id of the "déjà payé" reason, made (active) the first time, in the caller's
    transaction.

    Raises:
        InvalidInput: when an admin switched it off.
    """
    r = DisputeReason.__table__
    row = conn.execute(select(r).where(r.c.label == ALREADY_PAID_REASON)).first()
    if row is None:
        return conn.execute(
            r.insert().values(label=ALREADY_PAID_REASON, active=True)
        ).inserted_primary_key[0]
    if not row.active:
        raise InvalidInput("reason", "this report is not available; please write to us")
    return row.id


def already_paid(
    engine: Engine,
    access: SpaceAccess,
    paid_on: object,
    amount: object,
    reference: str,
    entry_ids: Sequence[object],
    proof: tuple[str, bytes] | None = None,
    data_dir: Path | None = None,
    today: date | None = None,
) -> SpaceDone:
    """The customer says the items are paid: a dispute of the "déjà payé" reason holds them
    from dunning (the planner never duns a disputed item) until a collector checks and closes it.

    Raises:
        InvalidInput: for a bad date (in the future), amount, reference, items or proof.
    """
    today = today or clock_today()
    paid_on = date_field(paid_on, "paid_on")
    if paid_on > today:
        raise InvalidInput("paid_on", f"{paid_on.isoformat()} is in the future")
    amount = amount_field(amount)
    reference = text_field(reference, "reference", 100)
    # Read by the company's collectors: in French, its date and amount written the French way.
    said = format_decimal(amount, format="#,##0.00", locale="fr_FR")
    note = f"Payé le {paid_on:%d/%m/%Y}, {said}" + (f", réf. {reference}" if reference else "")
    upload = check_upload(*proof) if proof is not None else None
    return _dispute(
        engine,
        access,
        "paid",
        None,
        entry_ids,
        note,
        upload,
        data_dir,
        today,
    )


def write_message(
    engine: Engine, access: SpaceAccess, body: str, today: date | None = None
) -> SpaceDone:
    """The customer writes to the collector: a comment on the customer, and a worklist action.

    Raises:
        InvalidInput: for an empty or too long message.
    """
    view = add_comment(engine, space_viewer(access), access.customer_id, body)
    with engine.begin() as conn:
        action_id = _land(
            conn, access, "message", view.id, f"Espace client : {view.body}", today or clock_today()
        )
    return SpaceDone("message", view.id, action_id)
