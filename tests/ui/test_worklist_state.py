"""The worklist's state without a browser: opening a sheet starts an empty outcome form on the
action's row, `set_form` sets only the form's texts, ticking an item follows into the promised
amount, and closing calls the services with what the form says (skipped, a simple outcome, a
call logged on a call action or beside another kind of action)."""

from __future__ import annotations

import pytest

from src_dash.ui.pages.worklist import state as worklist_state
from src_dash.ui.pages.worklist.rows import OutcomeForm, SheetItem, SheetView, WorkRow
from src_dash.ui.pages.worklist.state import Closing, WorklistState, close_action

CALL = WorkRow(action_id=3, kind="call", customer_id=9, customer="Durand SA", subtitle="CLI1 · C1")


def _state() -> WorklistState:
    s = WorklistState(_reflex_internal_init=True)
    s.rows = [CALL, WorkRow(action_id=4, kind="promise_followup", customer_id=9)]
    return s


def test_a_sheet_opens_on_its_row_with_an_empty_form() -> None:
    s = _state()
    s.form = OutcomeForm(outcome="dispute", note="old", reason="2")
    s._start_sheet(s.rows[0])
    assert (s.action.action_id, s.action.kind, s.action.customer_id) == (3, "call", 9)
    assert s.form == OutcomeForm(outcome="reached")  # a call is reached until said otherwise
    assert (s.sheet.title, s.sheet.subtitle, s.sheet.open_items) == ("Durand SA", "CLI1 · C1", [])
    assert s.sheet_open and s.sheet_loading
    s._start_sheet(s.rows[1])
    assert s.form.outcome == ""


def test_set_form_sets_only_the_forms_texts() -> None:
    s = _state()
    s._start_sheet(s.rows[0])
    for field, value in (("note", "rappeler"), ("promised_on", "2026-12-01"), ("reason", "2")):
        s.set_form(field, value)
    s.set_form("outcome", "promise")  # the outcome has its own handler, which checks it
    s.set_form("action_id", "99")
    assert s.form == OutcomeForm("reached", "rappeler", "", "2026-12-01", "2", "")
    s.set_outcome("nonsense")
    assert s.form.outcome == ""


def test_ticking_an_item_sets_the_promised_amount_and_the_closing() -> None:
    s = _state()
    s._start_sheet(s.rows[0])
    s.sheet = SheetView(
        open_items=[SheetItem(entry_id=1, amount="800", checked=True), SheetItem(2, amount="50")]
    )
    s.toggle_item(2)
    assert s.form.promise_amount == "850.00"
    s.toggle_item(1)
    assert s.form.promise_amount == "50.00"
    closing = s._closing("done")
    assert closing.entry_ids == (2,)
    assert type(closing.action) is WorkRow and type(closing.form) is OutcomeForm
    assert closing.action.action_id == 3 and closing.status == "done"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    seen: list[tuple] = []
    monkeypatch.setattr(
        worklist_state, "complete_action", lambda *a: seen.append(("complete", *a[2:]))
    )
    monkeypatch.setattr(
        worklist_state.followup,
        "log_call",
        lambda *a, **kw: seen.append(("log", *a[2:], kw)),
    )
    return seen


def _closing(row: WorkRow, status: str, **form: str) -> Closing:
    return Closing(row, status, OutcomeForm(**form), (7, 8))


def test_closing_skipped_or_with_a_simple_outcome_completes_the_action(calls: list) -> None:
    close_action(None, None, _closing(CALL, "skipped", outcome="promise", note="n"))
    close_action(None, None, _closing(CALL, "done", outcome="no_answer", note="n"))
    assert calls == [("complete", 3, "skipped", "", "n"), ("complete", 3, "done", "no_answer", "n")]


def test_a_promise_on_a_call_is_logged_on_the_action(calls: list) -> None:
    form = dict(outcome="promise", note="n", promise_amount="1 234,50", promised_on="2026-12-01")
    close_action(None, None, _closing(CALL, "done", **form))
    details = dict(
        note="n", entry_ids=[7, 8], amount="1234.50", promised_on="2026-12-01", reason_id=None,
        call_back_on=None,
    )  # fmt: skip
    assert calls == [("log", 9, "promise", {"action_id": 3, **details})]


def test_a_dispute_beside_another_action_is_logged_then_the_action_closed(calls: list) -> None:
    other = WorkRow(action_id=4, kind="promise_followup", customer_id=9)
    close_action(None, None, _closing(other, "done", outcome="dispute", reason="2", note="n"))
    details = dict(
        note="n", entry_ids=[7, 8], amount=None, promised_on=None, reason_id=2, call_back_on=None
    )
    assert calls == [("log", 9, "dispute", details), ("complete", 4, "done", "dispute", "n")]
