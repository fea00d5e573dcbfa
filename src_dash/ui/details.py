"""The planner's exclusion details and the alerts' texts in the viewer's language and formats.

The planner and the alerts write English for the CLI and the logs, and keep (or let us read back)
the parameters of what they say: amounts, days, counts, and free text that stays as it was typed
(a stop's reason, a step's name, a mail server's answer). Here they are said again with the
words of the UI and the viewer's `Formats`; what is not understood is shown as it came.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from src_dash.dunning.alerts import AlertFacts
from src_dash.ui.i18n import CATALOG, Formats, normalise_lang


def _words(lang: str) -> dict[str, str]:
    return CATALOG[normalise_lang(lang)]


def exclusion_detail(
    reason: str,
    detail: str,
    fmt: Formats,
    *,
    currency: str = "EUR",
    amount: Decimal | None = None,
    on: date | None = None,
    note: str = "",
    level: int | None = None,
) -> str:
    """The detail of an exclusion in the viewer's language ("solde -12,50 €", "jusqu'au
    01/12/2026"); the planner's English `detail` when its parameters do not say it.

    Args:
        reason: the planner's reason code.
        detail: the planner's detail, in English.
        fmt: the viewer's formats.
        currency: the book currency of `amount`.
        amount, on, note, level: the detail's parameters (see `dunning.model.Exclusion`).
    """
    w = _words(fmt.lang)
    if reason in ("customer_stopped", "item_stopped"):
        until = w["camp.detail.until"].format(day=fmt.day(on)) if on is not None else ""
        if note and until:
            return f"{note} ({until})"
        return note or until or detail
    if reason == "in_credit":
        if amount is not None:
            return w["camp.detail.balance"].format(amount=fmt.money(amount, currency))
        return w["camp.detail.covered"] if detail else ""
    if reason == "too_soon" and on is not None:
        return w["camp.detail.last_message"].format(day=fmt.day(on))
    if reason == "below_customer_threshold" and amount is not None:
        return w["camp.detail.minimum"].format(amount=fmt.money(amount, currency))
    if reason == "not_due":
        return w["camp.detail.due_on"].format(day=fmt.day(on)) if on is not None else ""
    if reason == "no_step":
        if level is not None:
            return w["camp.detail.no_step_level"].format(level=_level(level, w))
        return w["camp.detail.no_step_due"] if detail else ""
    if reason == "no_recipient" and (note or level is not None):
        step = note or (_level(level, w) if level is not None else "")
        return w["camp.detail.no_contact"].format(step=step)
    return detail


def _level(level: int, w: dict[str, str]) -> str:
    return w.get(f"camp.level.{level}", str(level))


def alert_text(
    kind: str, text: str, facts: AlertFacts | None, fmt: Formats, currency: str = "EUR"
) -> str:
    """An alert's text in the viewer's language, without the customer (the page shows it);
    the stored English text when its facts are unknown."""
    if facts is None:
        return text
    w = _words(fmt.lang)
    key = f"alerts.text.{facts.form}"
    if facts.form in ("do_not_dun", "no_contact", "email_attempts"):
        key += ".one" if facts.count == 1 else ".many"
    if facts.form == "no_recipient" and not facts.note:
        key += ".bare"
    words = w.get(key)
    if words is None:
        return text
    values = {
        "count": fmt.count(facts.count) if facts.count is not None else "",
        "day": fmt.day(facts.on) if facts.on is not None else "",
        "amount": fmt.money(facts.amount, currency) if facts.amount is not None else "",
        "kind": w.get(f"alerts.action.{facts.code}", facts.code),
        "note": facts.note,
    }
    return words.format(**values)
