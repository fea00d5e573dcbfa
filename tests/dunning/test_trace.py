"""The trace: every message kept with its content, recipients, items, levels, status, who approved
and who sent it; a customer's whole history exported as CSV and JSON (and by the CLI)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sage_helpers import TODAY
from smtp_helpers import SmtpServer, make_ledger, proposal
from sqlalchemy import select

from src_dash.access import viewer
from src_dash.cli import main
from src_dash.dunning.dispatch import dispatch
from src_dash.dunning.letter_post import confirm_printed, mark_posted
from src_dash.dunning.runs import approve, create_run
from src_dash.dunning.trace import (
    CSV_COLUMNS,
    customer_history,
    export_history,
    find_customer,
    message_trace,
    write_history,
)
from src_dash.services.followup import log_call
from src_dash.store import Action, ActionItem, Entry

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def history(store):
    """Customer C0000: an email approved then sent, a letter, a call with a promise."""
    ids = make_ledger(store, 2)
    server = SmtpServer().start()
    try:
        create_run(
            store,
            [
                proposal(store, ids, 0, level=1, needs_approval=True),
                proposal(store, ids, 0, channel="letter", level=2),
                proposal(store, ids, 0, channel="phone", level=3),
                proposal(store, ids, 1),
            ],
        )
        collector = viewer(store, ids["user"])
        approve(store, collector, [1])
        dispatch(store, server.settings(), now=NOW, sent_by=ids["admin"])
        # The letter is printed, then posted: only then is it sent.
        confirm_printed(store, collector, message_ids=[2], now=NOW)
        mark_posted(store, collector, NOW.date(), message_ids=[2], now=NOW)
        with store.connect() as conn:
            call = conn.execute(select(Action.__table__).where(Action.kind == "call")).first()
            items = conn.execute(
                select(Entry.id, Entry.residual)
                .join(ActionItem, ActionItem.entry_id == Entry.id)
                .where(ActionItem.action_id == call.id)
            ).all()
        log_call(
            store,
            collector,
            call.customer_id,
            "promise",
            entry_ids=[i.id for i in items],
            amount=sum((i.residual for i in items), Decimal("0.00")),
            promised_on=date(2026, 11, 30),
            action_id=call.id,
            today=TODAY,
        )
    finally:
        server.stop()
    ids["collector"] = collector
    return ids


def test_a_message_is_kept_as_it_was_sent_with_who_approved_and_sent_it(store, history):
    trace = message_trace(store, history["collector"], 1)
    assert trace.channel == "email" and trace.status == "sent"
    assert trace.subject == "Relance niveau 2 - Client 0 SARL"
    assert "FA0000 niveau 2" in trace.body_text and "<td>FA0000</td>" in trace.body_html
    assert trace.to == ("Marie Compta0 <compta0@example.com>",)
    assert trace.cc == ("Paul Girard <commercial@atelier-dumas.fr>",)
    assert (trace.approved_by, trace.sent_by) == ("Claire Recouvre", "Alain Admin")
    assert trace.sent_at == NOW and trace.server_answer.startswith("250")
    assert trace.smtp_message_id.startswith("<") and trace.attempts == 1
    assert [(i.piece, i.level, i.previous_level, i.days_late) for i in trace.items] == [
        ("FA0000", 2, 1, 40),
        ("FA0001", 1, 0, 12),
    ]
    letter = message_trace(store, history["collector"], 2)
    assert letter.channel == "letter" and Path(letter.pdf_path).is_file()


def test_a_customers_history_holds_its_messages_and_calls(store, history):
    customer = find_customer(store, "C0000", "DEMO1")
    got = customer_history(store, history["collector"], customer)
    assert (got.customer_number, got.company_code) == ("C0000", "DEMO1")
    assert [(m.channel, m.status) for m in got.messages] == [("email", "sent"), ("letter", "sent")]
    assert [(a.kind, a.outcome, a.done_by) for a in got.actions] == [
        ("call", "promise", "Claire Recouvre"),
        ("promise_followup", "", ""),  # the check, the day after the promised date
    ]
    assert [(i.piece, i.level) for i in got.actions[0].items] == [("FA0000", 4), ("FA0001", 3)]


def test_the_history_exports_as_csv_and_json(store, history):
    got = customer_history(store, None, find_customer(store, "C0000"))
    rows = list(csv.DictReader(io.StringIO(export_history(got, "csv"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [
        (r["record"], r["channel_or_kind"], r["item_piece"], r["item_level"]) for r in rows
    ] == [
        ("message", "email", "FA0000", "2"),
        ("message", "email", "FA0001", "1"),
        ("message", "letter", "FA0000", "3"),
        ("message", "letter", "FA0001", "2"),
        ("action", "call", "FA0000", "4"),
        ("action", "call", "FA0001", "3"),
        ("action", "promise_followup", "FA0000", "0"),
        ("action", "promise_followup", "FA0001", "0"),
    ]
    assert rows[0]["approved_by"] == "Claire Recouvre" and rows[0]["sent_by"] == "Alain Admin"
    assert rows[0]["to"] == "Marie Compta0 <compta0@example.com>"
    assert rows[0]["item_residual"] == "1200.00" and rows[4]["subject_or_outcome"] == "promise"

    data = json.loads(export_history(got, "json"))
    assert data["customer_number"] == "C0000"
    assert data["messages"][0]["items"][0]["residual"] == "1200.00"
    assert data["messages"][1]["pdf_path"].endswith(".pdf")
    assert data["actions"][0]["outcome"] == "promise"
    with pytest.raises(ValueError, match="unknown format"):
        export_history(got, "xml")


def test_src_dash_history_writes_the_export(
    store, store_url, history, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("DATABASE_URL", store_url)
    out = tmp_path / "h.json"
    assert main(["history", "--customer", "C0000", "--company", "DEMO1", "--format", "json",
                 "--output", str(out)]) == 0  # fmt: skip
    assert json.loads(out.read_text())["messages"][0]["status"] == "sent"
    assert main(["history", "--customer", "C0001"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"history of C0000 written to {out}"
    assert lines[1] == ",".join(CSV_COLUMNS)
    assert [line.split(",")[:6] for line in lines[2:]] == [
        ["DEMO1", "C0001", "Client 1 SARL", "message", "3", "email"]
    ] * 2
    assert main(["history", "--customer", "NOPE"]) == 1
    assert "no customer NOPE" in capsys.readouterr().err


def test_a_viewer_sees_only_the_history_of_their_customers(store, history):
    from dataclasses import replace

    from src_dash.analytics.scope import Scope

    outsider = replace(history["collector"], scope=Scope(customer_ids=frozenset({2})))
    with pytest.raises(LookupError):
        message_trace(store, outsider, 1)
    with pytest.raises(LookupError):
        customer_history(store, outsider, 1)
    assert write_history(store, None, "C0001", fmt="csv").count("\n") == 3
