"""The card's list of billing contacts a customer proposed from their space: formatted in the
viewer's language, the customer's words kept as typed (text), only contact changes listed; a
decision already taken is said so; the card's view builds with it."""

from __future__ import annotations

from datetime import UTC, datetime

from src_dash.access import AccessDenied
from src_dash.services.customer_space.requests import RequestView
from src_dash.services.inputs import InvalidInput
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.customer.page import customer_page
from src_dash.ui.pages.customer.space_requests import format_requests, request_error

SCRIPT = "<script>alert(1)</script>"


def _request(kind: str, name: str = "") -> RequestView:
    return RequestView(
        id=4, customer_id=9, kind=kind, status="pending",
        created_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC), piece="", phone="", moment="",
        contact_name=name, contact_email="ap@x.fr", contact_phone="01 02 03 04 05", note="",
        decided_at=None, contact_id=None,
    )  # fmt: skip


def test_pending_contacts_are_formatted_in_the_viewers_language():
    requests = [_request("contact", SCRIPT), _request("copy")]
    [fr] = format_requests(requests, Formats("fr"))
    [en] = format_requests(requests, Formats("en"))
    assert (fr.id, fr.name, fr.email, fr.phone) == (4, SCRIPT, "ap@x.fr", "01 02 03 04 05")
    assert fr.heading.startswith("Proposé depuis l'espace client le ") and "20" in fr.heading
    assert en.heading.startswith("Proposed from the customer space on ")


def test_a_decision_already_taken_is_said_so():
    assert request_error(InvalidInput("request", "already decided"), "en") == (
        "This request was already handled."
    )
    assert request_error(AccessDenied("request not found"), "fr") != ""


def test_the_card_builds_with_the_requests():
    assert customer_page() is not None
