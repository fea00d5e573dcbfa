"""The customer's space page: its address, the items a form ticks, its rows in the customer's
formats, its words in both languages, and its views building."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from src_dash.services.customer_space.view import Payment, SpaceItem, SpaceView
from src_dash.ui import words_space
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.space import ROUTE, space_page
from src_dash.ui.pages.space.state import _rows, item_ids, token_of


def test_the_token_is_read_from_the_spaces_address_only():
    assert ROUTE == "/espace/[space_token]"
    assert token_of("/espace/abcDEF_-123") == "abcDEF_-123"
    assert token_of("/espace/abc/") == "abc"
    assert token_of("/clients/12") == "" and token_of("/espace") == ""


def test_only_ticked_item_boxes_count():
    form = {"item-12": "on", "item-13": "", "amount": "5", "note": "item-9"}
    assert item_ids(form) == ["12"]


def test_both_languages_have_the_same_words():
    fr, en = words_space.WORDS["fr"], words_space.WORDS["en"]
    assert fr.keys() == en.keys() and all(k.startswith("space.") for k in fr)
    assert all(fr[k] and en[k] for k in fr)


def test_rows_are_in_the_customers_formats():
    item = SpaceItem(
        entry_id=7,
        piece="FA001",
        reference="",
        posting_date=date(2026, 10, 1),
        due_date=date(2026, 10, 31),
        amount=Decimal("1234.50"),
        received=Decimal("234.50"),
        remaining=Decimal("1000.00"),
        days_overdue=22,
        promised=False,
        disputed=True,
    )
    view = SpaceView(
        as_of=date(2026, 11, 22),
        customer_number="C1",
        customer_name="Client",
        company_name="Société",
        language="en",
        currency="EUR",
        items=(item,),
        outstanding=Decimal("1000.00"),
        overdue=Decimal("1000.00"),
        payment=Payment("", "", "", ""),
        messages=(),
        reasons=(),
    )
    [row] = _rows(view, Formats("en"))
    assert row["amount"] == "€1,234.50" and row["remaining"] == "€1,000.00"
    assert (row["state"], row["open"], row["piece"]) == ("disputed", "", "FA001")
    [fr] = _rows(view, Formats("fr"))
    assert fr["due"] == "31/10/2026" and fr["received"].startswith("234,50")


def test_the_page_builds():
    assert space_page() is not None
