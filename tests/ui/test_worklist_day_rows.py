"""The worklist's day in sections as rows, in French and English: today's actions under their
kind's heading, coming ones with their day and kind, the customer's markers (comments, next
action), what was done today with its hour, and the customers' space actions with their words."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from src_dash.services.worklist import ClientLine, DaySections, DoneLine, WorkItem
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.worklist.day_rows import format_day

D = Decimal
FR = Formats("fr", timezone="Europe/Paris")
EN = Formats("en", timezone="Europe/Paris")
NB, NNB = "\u00a0", "\u202f"
TODAY = date(2026, 11, 20)


def _work(action_id: int, kind: str = "call", days_late: int = 0, **more: object) -> WorkItem:
    base = dict(
        action_id=action_id, kind=kind, status="approved", origin="manual", due_on=TODAY,
        days_late=days_late, level=0, customer_id=40 + action_id, customer_number="CLI1",
        customer_name="Durand SA", company_code="C1", assigned_to=None, assigned_name="",
        note="", items=0, amount=D("0"), promise_id=None, promise_status="",
        promise_amount=None, promised_on=None,
    )  # fmt: skip
    base.update(more)
    return WorkItem(**base)


def _day() -> DaySections:
    at = datetime(2026, 11, 20, 8, 5, tzinfo=UTC)
    return DaySections(
        as_of=TODAY,
        user_id=1,
        today=(
            _work(1, comments=2, next_on=date(2026, 11, 25)),
            _work(2),
            _work(3, "step"),
        ),
        late=(),
        upcoming=(_work(4, "promise_followup", -3, due_on=date(2026, 11, 23)),),
        done=(
            DoneLine(at, "call.log", 7, "CLI7", "Martin", "no_answer"),
            DoneLine(at, "message.sent", 7, "CLI7", "Martin", "email", D("1200.5")),
            DoneLine(at, "space.handled", 7, "CLI7", "Martin", "paid"),
        ),
        client=(
            ClientLine(
                9,
                "promise",
                at,
                8,
                "CLI8",
                "Bernard",
                "C1",
                "virement",
                D("250"),
                date(2026, 12, 5),
            ),  # fmt: skip
            ClientLine(10, "callback", at, 8, "CLI8", "Bernard", "C1", "le matin"),
        ),
    )


def test_the_sections_rows_and_counts_in_french() -> None:
    day = format_day(_day(), FR)
    assert day.counts == {"today": "3", "late": "0", "upcoming": "1", "done": "3", "client": "2"}
    first, second, step = day.today
    assert (first.first_of_group, first.group_label, first.group_count) == (True, "Appels", "2")
    assert (second.first_of_group, step.first_of_group, step.group_count) == (False, True, "1")
    assert (first.comments_text, first.next_text) == ("2 commentaire(s)", "Suite le 25/11/2026")
    assert (second.comments_text, second.next_text) == ("", "")
    (coming,) = day.upcoming
    assert (coming.first_of_group, coming.kind_text, coming.due_text, coming.late) == (
        False, "Suivi des promesses", "Prévue le 23/11/2026", False,
    )  # fmt: skip
    call, sent, handled = day.done
    assert (call.time, call.label, call.detail, call.href) == (
        "09:05", "Appel", "Pas de réponse", "/clients/7",
    )  # fmt: skip
    assert (sent.label, sent.detail) == ("Relance envoyée", f"Email · 1{NNB}200,50{NB}€")
    assert (handled.label, handled.detail) == ("Action du client traitée", "Déjà payé")
    promise, callback = day.client
    assert (promise.label, promise.event_id, promise.href) == ("Promesse de paiement", 9,
                                                               "/clients/8")  # fmt: skip
    assert promise.detail == f"250,00{NB}€ pour le 05/12/2026 · virement"
    assert promise.when == "Le 20/11/2026 09:05"
    assert (callback.label, callback.detail) == ("Demande de rappel", "le matin")


def test_the_sections_rows_in_english() -> None:
    day = format_day(_day(), EN)
    assert day.today[0].comments_text == "2 comment(s)"
    assert day.upcoming[0].due_text.startswith("Due ")
    assert [d.label for d in day.done] == ["Call", "Reminder sent", "Customer's action handled"]
    assert day.done[0].time == f"9:05{NNB}AM"
    assert day.client[0].label == "Payment promise"
    assert day.client[1].label == "Call back requested"
