"""The rows a dunning run writes: an action per proposal, a message per email or letter (queued,
or held for approval), a message line per item listed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from src_dash.dunning import outbox
from src_dash.dunning.model import EMAIL, PHONE, PlannedItem, Proposal, Recipient


def _recipients(recipients: Iterable[Recipient]) -> list[dict[str, str]]:
    return [
        {"email": r.email, "name": r.name, "source": r.source, "service": r.service}
        for r in recipients
    ]


def _action_row(p: Proposal, key: str, run: str, as_of: date, now: datetime, approve: bool) -> dict:
    """The action of a proposal: a call or a step, held for approval unless approved."""
    held = p.needs_approval and not approve
    return {
        "company_id": p.company_id,
        "customer_id": p.customer_id,
        "kind": "call" if p.channel == PHONE else "step",
        "step_id": p.step_id,
        "level": p.level,
        "due_on": as_of,
        "assigned_to": p.assigned_to,
        "status": "proposed" if held or not p.needs_approval else "approved",
        "origin": "planner",
        "outcome": "",
        "note": "",
        "created_at": now,
        "key": key,
        "run": run,
        "phase": p.phase,
    }


def _message_row(
    p: Proposal,
    key: str,
    r,  # noqa: ANN001
    action_id: int,
    run: str,
    as_of: date,
    now: datetime,
    approve: bool,
    user_id: int | None,
) -> dict:
    """The message of an email or letter proposal, rendered (`r`): queued, or held."""
    held = p.needs_approval and not approve
    return {
        "action_id": action_id,
        "customer_id": p.customer_id,
        "channel": p.channel,
        "language": r.language or p.language,
        "subject": r.subject[:300],
        "body_html": r.html,
        "body_text": r.text,
        "recipients_to": _recipients(p.to) if p.channel == EMAIL else [],
        "recipients_cc": _recipients(p.cc) if p.channel == EMAIL else [],
        "pdf_path": "",
        "status": outbox.HELD if held else outbox.QUEUED,
        "idempotency_key": key,
        "attempts": 0,
        "next_attempt_at": None,
        "server_answer": "",
        "approved_by": user_id if (approve and p.needs_approval) else None,
        "approved_at": now if (approve and p.needs_approval) else None,
        "sent_by": None,
        "created_at": now,
        "sent_at": None,
        "run": run,
        "dunned_on": as_of,
        "level": p.level,
        "template_code": p.template_code[:40],
        "total": p.total,
        "currency": (p.book_currency or "EUR")[:3],
        "claim": "",
        "claimed_at": None,
        "smtp_message_id": "",
    }


def message_line(message_id: int, item: PlannedItem, live: set[int] | None = None) -> dict:
    """A message's line for an item (or a credit) it lists; its entry is not linked when
    `live` is given and does not hold it (the entry was deleted meanwhile)."""
    return {
        "message_id": message_id,
        "entry_id": item.entry_id if live is None or item.entry_id in live else None,
        "piece": item.piece[:30],
        "reference": item.reference[:30],
        "due_date": item.due_date,
        "level": item.level,
        "previous_level": item.previous_level,
        "days_late": item.days_late,
        "amount": item.amount,
        "residual": item.residual,
    }
