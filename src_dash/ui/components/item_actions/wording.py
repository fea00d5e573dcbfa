"""The words of the inline actions, without Reflex: a level's name, an error said next to the
field at fault (a refusal to dun with the planner's detail), a message's addressees."""

from __future__ import annotations

from src_dash.services import followup
from src_dash.services.dun_now import NotDunnable
from src_dash.ui import i18n
from src_dash.ui.details import exclusion_detail
from src_dash.ui.i18n import Formats


def level_name(level: int, lang: str) -> str:
    """ "R2" (or "L2" in English), "Prévenance" for 0 when a message was sent, "—" never."""
    if level <= 0:
        return i18n.text("items.level.none", lang)
    return f"{'R' if i18n.normalise_lang(lang) == 'fr' else 'L'}{level}"


def _detail(exc: Exception) -> str:
    text = str(exc)
    field = getattr(exc, "field", "")
    prefix = f"{field}: "
    return text[len(prefix) :] if field and text.startswith(prefix) else text


def _refusal_text(exc: NotDunnable, key: str, lang: str, fmt: Formats | None) -> str:
    sentence = i18n.text(key, lang)
    x = exc.exclusion
    if fmt is None or x is None:
        return sentence
    detail = exclusion_detail(
        x.reason, x.detail, fmt, currency=exc.currency, amount=x.amount, on=x.on, note=x.note,
        level=x.level,
    )  # fmt: skip
    if not detail:
        return sentence
    return i18n.text("act.excl.with_detail", lang).format(
        reason=sentence.rstrip("."), detail=detail
    ) + ("." if sentence.endswith(".") else "")


def error_text(exc: followup.InvalidInput, lang: str, fmt: Formats | None = None) -> str:
    """What to show next to the field at fault, in the UI language; with the viewer's formats,
    a refusal to dun says the planner's detail too (a stop's reason and end, a balance)."""
    if isinstance(exc, NotDunnable):
        key = f"act.excl.{exc.reason}"
        if key in i18n.CATALOG[i18n.DEFAULT_LANG]:
            return _refusal_text(exc, key, lang, fmt)
    key = f"act.err.{exc.field}"
    if key not in i18n.CATALOG[i18n.DEFAULT_LANG]:
        key = "act.err.other"
    return i18n.text(key, lang).format(detail=_detail(exc))


def recipients_text(recipients: tuple) -> str:
    """ "Name <email>, email" of a message's addressees."""
    return ", ".join(f"{r.name} <{r.email}>" if r.name else r.email for r in recipients)
