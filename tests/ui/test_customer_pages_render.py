"""The customer card and the customers page render with the ids, test ids and vars the browser
tests and the state rely on (a quick check of the views, without a browser)."""

from __future__ import annotations

import pytest

from src_dash.ui.pages.customer import customer_page
from src_dash.ui.pages.customer_list import customers_page

CARD_IDS = (
    "customer-card", "card-not-found", "back-to-list", "card-subtitle", "grade-badge",
    "stopped-badge", "card-kpis", "kpi-outstanding", "kpi-doubtful", "resume-button",
    "stop-button", "stop-reason", "stop-until", "stop-submit", "tab-summary", "tab-items",
    "tab-timeline", "tab-follow", "tab-messages", "open-items", "identity", "free-fields",
    "profile-input", "profile-save", "scenario-select", "stop-text", "contacts", "add-contact",
    "contact-first-name", "contact-last-name", "contact-email", "contact-service",
    "contact-role", "contact-submit", "aging-bars", "score-parts", "timeline", "comments",
    "comment-body", "comment-submit", "flags", "flag-kind", "flag-label", "flag-submit",
    "promises", "disputes", "messages", "message-pdf", "message-subject",
)  # fmt: skip
CARD_TESTIDS = (
    "kpi-value", "flag-badge", "bar", "contact", "contact-role", "timeline-event", "comment",
    "flag", "clear-flag", "promise", "dispute", "message", "open-message", "message-pdf",
)  # fmt: skip
LIST_IDS = (
    "customers-search", "columns-button", "columns-menu", "export-csv", "export-xlsx",
    "filter-company", "filter-sales-rep", "filter-profile", "filter-days", "filter-amount-on",
    "filter-with-balance", "filter-flagged", "filter-stopped", "customers-total",
    "customers-table", "customers-pager",
)  # fmt: skip


@pytest.fixture(scope="module")
def card() -> str:
    return str(customer_page())


@pytest.fixture(scope="module")
def customers() -> str:
    return str(customers_page())


@pytest.mark.parametrize("id_", CARD_IDS)
def test_the_card_has_its_ids(card: str, id_: str) -> None:
    assert f'id:"{id_}"' in card


@pytest.mark.parametrize("testid", CARD_TESTIDS)
def test_the_card_has_its_test_ids(card: str, testid: str) -> None:
    assert f'"data-testid":"{testid}"' in card


def test_the_card_reads_one_card_and_one_opened_message(card: str) -> None:
    assert 'card_rx_state_?.["item_rows"]' in card
    assert 'message_rx_state_?.["recipients"]' in card
    assert "title_rx_state_" not in card  # no copy of the card's fields left in the state


@pytest.mark.parametrize("id_", LIST_IDS)
def test_the_customers_page_has_its_ids(customers: str, id_: str) -> None:
    assert f'id:"{id_}"' in customers
