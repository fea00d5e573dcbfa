"""The space's refusals in the customer's language: every field a service names has its sentence
in French and in English, and a service's own (English, staff) message is never shown."""

from __future__ import annotations

import pytest

from src_dash.access import AccessDenied
from src_dash.services.customer_space.actions import _entry_ids
from src_dash.services.customer_space.requests import phone_field
from src_dash.services.customer_space.uploads import MAX_BYTES, check_upload
from src_dash.services.inputs import InvalidInput, amount_field, email_field, text_field
from src_dash.ui import i18n
from src_dash.ui.pages.space.errors import error_text

PDF = b"%PDF-1.4\n%%EOF\n"


def _refusal(call, *args) -> InvalidInput:  # noqa: ANN001, ANN002
    with pytest.raises(InvalidInput) as caught:
        call(*args)
    return caught.value


REFUSALS = {
    "items": lambda: _refusal(_entry_ids, ["x"]),
    "amount": lambda: _refusal(amount_field, "-3"),
    "message": lambda: _refusal(text_field, "", "message", 1000, True),
    "phone": lambda: _refusal(phone_field, "call me", "phone", True),
    "email": lambda: _refusal(email_field, "a@b.fr, c@d.fr"),
    "attachment.size": lambda: _refusal(check_upload, "a.pdf", PDF + b"0" * MAX_BYTES),
    "attachment.type": lambda: _refusal(check_upload, "a.pdf", b"MZ\x90\x00"),
    "attachment.name": lambda: _refusal(check_upload, "../../etc/a.pdf", PDF),
    "attachment.empty": lambda: _refusal(check_upload, "a.pdf", b""),
    "other": lambda: InvalidInput("kind", "'x' is not one of visit, statement"),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("key", sorted(REFUSALS))
def test_a_refusal_is_said_in_the_customers_language_without_the_services_words(key, lang):
    exc = REFUSALS[key]()
    shown = error_text(exc, lang)
    expected = i18n.text("space.error", lang).format(detail=i18n.text(f"space.err.{key}", lang))
    assert shown == expected
    assert str(exc) not in shown and exc.field + ":" not in shown
    other = "en" if lang == "fr" else "fr"
    assert shown != error_text(exc, other)


def test_every_field_the_space_services_name_has_its_words():
    fields = "items item amount promised_on date paid_on reference note message body reason"
    fields += " document phone moment name email"
    for field in fields.split():
        for lang in ("fr", "en"):
            assert error_text(InvalidInput(field, "x"), lang) != error_text(
                InvalidInput("unknown", "x"), lang
            ), field


def test_a_denied_or_failed_action_says_so_in_the_customers_language():
    assert error_text(AccessDenied("customer not found"), "en") == (
        "Could not record: this request is not possible from this link."
    )
    assert "réessayez" in error_text(RuntimeError("db down"), "fr")
