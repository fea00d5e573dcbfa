"""The worklist's rows and the call sheet, in French and English: group headings on the first
row of a kind, late or today, promises (broken ones say so), the sheet's figures, contacts,
items ticked when overdue, and history; the promise's amount as the service reads it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from src_dash.services.worklist import (
    CallContact,
    CallSheet,
    DisputeLine,
    MessageLine,
    PromiseLine,
    WorkGroup,
    WorkItem,
    Worklist,
)
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.worklist.rows import (
    SheetItem,
    format_rows,
    format_sheet,
    plain_amount,
    promised_total,
)

D = Decimal
FR, EN = Formats("fr"), Formats("en")
NB, NNB = "\u00a0", "\u202f"
TODAY = date(2026, 11, 20)


def _work(action_id: int, days_late: int = 0, **more: object) -> WorkItem:
    base = dict(
        action_id=action_id, kind="call", status="proposed", origin="planner", due_on=TODAY,
        days_late=days_late, level=0, customer_id=40 + action_id, customer_number="CLI1",
        customer_name="Durand SA", company_code="C1", assigned_to=None, assigned_name="",
        note="", items=0, amount=D("0"), promise_id=None, promise_status="",
        promise_amount=None, promised_on=None,
    )  # fmt: skip
    base.update(more)
    return WorkItem(**base)


def test_rows_carry_the_group_heading_on_the_first_of_their_kind() -> None:
    broken = _work(
        2, days_late=3, items=2, amount=D("1200"), assigned_name="Léa", promise_status="broken",
        promise_amount=D("300"), promised_on=date(2026, 11, 17),
    )  # fmt: skip
    found = Worklist(
        as_of=TODAY,
        user_id=1,
        groups=(WorkGroup(kind="call", due_today=(_work(1),), late=(broken,)),),
        due_today=1,
        late=1,
    )
    first, second = format_rows(found, FR)
    assert (first.first_of_group, first.group_label, first.group_count) == (True, "Appels", "2")
    assert not second.first_of_group
    assert (first.due_text, first.late, first.href) == ("Aujourd'hui", False, "/clients/41")
    assert first.subtitle == "CLI1 · C1"
    assert first.assigned_text == "Non attribuée"
    assert (second.due_text, second.late) == (f"Retard 3{NB}j", True)
    assert second.items_text == "2 échéance(s)"
    assert second.amount_text == f"1{NNB}200,00{NB}€"
    assert second.promise_text == f"Promesse de 300,00{NB}€ pour le 17/11/2026 · non tenue"
    assert second.assigned_text == "Pour Léa"
    (en,) = format_rows(Worklist(TODAY, 1, (WorkGroup("call", (), (broken,)),), 0, 1), EN)
    assert en.due_text == "3\u00a0d late"


def _sheet() -> CallSheet:
    overdue = SimpleNamespace(
        entry_id=5, piece="F5", reference="", due_date=date(2026, 10, 1), days_late=50,
        residual=D("800.00"),
    )  # fmt: skip
    not_due = SimpleNamespace(
        entry_id=6, piece="", reference="R6", due_date=None, days_late=-5, residual=D("200.00")
    )
    return CallSheet(
        as_of=TODAY, customer_id=41, number="CLI1", name="Durand SA", company_code="C1",
        company_name="Alpha", currency="EUR", phone="0102", email="", sales_rep="Paul",
        outstanding=D("1000"), overdue=D("800"), not_due=D("200"), open_items=2,
        overdue_items=1, oldest_days_late=50, score=None, grade="", items=(overdue, not_due),
        contacts=(CallContact("", "DAF", "Compta", "01", "", "daf@x.fr", "to"),),
        messages=(MessageLine(1, datetime(2026, 11, 2, 8, tzinfo=UTC), "email", "", "sent", 1),),
        promises=(PromiseLine(2, D("100"), date(2026, 11, 30), "kept", ""),),
        disputes=(DisputeLine(3, "Prix", ("F5",), D("50"), "à voir"),),
        comments=("rappeler lundi",), script=("Bonjour",),
    )  # fmt: skip


def test_the_sheet_is_formatted_for_the_call() -> None:
    view = format_sheet(_sheet(), FR)
    assert (view.title, view.subtitle, view.sales_rep) == (
        "Durand SA",
        "CLI1 · Alpha",
        f"Commercial{NB}: Paul",
    )
    figures = {f.key: (f.value, f.tone) for f in view.figures}
    assert figures["overdue"] == (f"800,00{NB}€", "red")
    assert figures["oldest"] == (f"50{NB}j", "orange")
    assert figures["score"] == ("—", "")
    (contact,) = view.contacts
    assert (contact.name, contact.detail, contact.role, contact.role_color) == (
        "daf@x.fr", "DAF · Compta", "TO", "green",
    )  # fmt: skip
    first, second = view.open_items
    assert (first.piece, first.late, first.checked, first.amount) == (
        "F5",
        f"50{NB}j",
        True,
        "800.00",
    )
    assert (second.piece, second.due, second.late, second.checked) == ("R6", "", "", False)
    icons = [h.icon for h in view.history]
    assert icons == ["mail", "handshake", "scale", "message-square"]
    assert view.history[1].status == "tenue"
    assert view.history[2].text == "Prix · F5"


def test_the_promise_is_prefilled_with_the_ticked_items() -> None:
    items = [
        SheetItem(entry_id=1, checked=True, amount="800.00"),
        SheetItem(entry_id=2, checked=False, amount="200.00"),
        SheetItem(entry_id=3, checked=True, amount="-50.00"),
    ]
    assert promised_total(items) == "800.00"
    assert promised_total([]) == ""


def test_a_typed_amount_is_read_as_the_service_reads_it() -> None:
    assert plain_amount(f"1{NNB}234,56") == "1234.56"
    assert plain_amount(f"1 234{NB}567,5") == "1234567.5"
    assert plain_amount("12.5") == "12.5"
