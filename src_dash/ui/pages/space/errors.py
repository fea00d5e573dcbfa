"""What the customer's space says when a service refuses something: a sentence in the customer's
language for the field at fault (the services' own messages are in English, for staff and logs,
and may name ids: they are never shown to a customer)."""

from __future__ import annotations

from src_dash.access import AccessDenied
from src_dash.services.inputs import InvalidInput
from src_dash.ui import i18n

# Fields named by the services whose words are the same as another field's.
_SAME = {"item": "items", "date": "promised_on"}
# A refused attachment, by what the upload check said.
_ATTACHMENT = (("MB", "size"), ("PDF", "type"), ("name", "name"), ("empty", "empty"))


def _detail_key(exc: InvalidInput) -> str:
    field = _SAME.get(exc.field, exc.field)
    if field == "attachment":
        for marker, sub in _ATTACHMENT:
            if marker in str(exc):
                return f"space.err.attachment.{sub}"
    key = f"space.err.{field}"
    return key if key in i18n.CATALOG[i18n.DEFAULT_LANG] else "space.err.other"


def error_text(exc: Exception, lang: str) -> str:
    """The sentence shown on the space for a refused action, in `lang` (fr or en)."""
    if isinstance(exc, InvalidInput):
        key = _detail_key(exc)
    elif isinstance(exc, AccessDenied):
        key = "space.err.denied"
    else:
        key = "space.err.failed"
    return i18n.text("space.error", lang).format(detail=i18n.text(key, lang))
