"""The customer card's rows and texts, in French and English: the key figures and aging bars,
the identity, the open items' statuses and tones, the scenario and the stop, the follow-up notes
and the messages (a letter says when it was posted). Built from a card made by hand."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from src_dash.analytics.timeline import TimelineEvent
from src_dash.services.customer_card import (
    Balance,
    CustomerCard,
    Identity,
    MessageRow,
    OpenItem,
    PromiseRow,
    ScenarioRef,
)
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.customer.rows import AUTO, bucket_name, customer_id_of, format_card
from src_dash.ui.pages.customer.timeline_rows import TIMELINE_FILTERS, timeline_filter

D = Decimal
FR, EN = Formats("fr"), Formats("en")
NB, NNB = "\u00a0", "\u202f"
AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)

IDENTITY = Identity(
    customer_id=7, company_id=1, company="C1", company_name="Alpha", currency="EUR",
    number="CLI007", name="Durand SA", siret="", vat_number="", address=("1 rue A", "75001 Paris"),
    phone="0102030405", email="", language="fr", sales_rep="", sales_rep_email="", collector="",
    credit_limit=D("0"), risk_code=None, do_not_dun=False, dormant=True,
    removed_from_source=False, created_on=None, free_fields=(("Secteur", "BTP"),), profile="PME",
    profile_set_by_hand=False, stop_reason="", stop_until=None, stopped=False, scenario=None,
)  # fmt: skip
BALANCE = Balance(
    outstanding=D("1500.00"), overdue=D("1000.00"), not_due=D("500.00"), credits=D("0.00"),
    open_items=2, oldest_days=45, aging=(("not_due", D("500.00")), ("31-60", D("1000.00"))),
)  # fmt: skip


def _item(entry_id: int, **more: object) -> OpenItem:
    base = dict(
        entry_id=entry_id, kind="invoice", journal="VT", piece=f"F{entry_id}", reference="",
        label="Facture", posting_date=date(2026, 9, 1), due_date=date(2026, 10, 1),
        amount=D("1000.00"), residual=D("1000.00"), days_overdue=0, level=0, stop_reason="",
        promised=False, disputed=False,
    )  # fmt: skip
    base.update(more)
    return OpenItem(**base)


def _card(**more: object) -> CustomerCard:
    base = dict(
        as_of=date(2026, 11, 20), identity=IDENTITY, contacts=(), services=(), balance=BALANCE,
        score=None, open_items=(), timeline=(), timeline_total=0, comments=(), promises=(),
        disputes=(), messages=(), flags=(), scenarios=(), can_work=True, can_note=True,
    )  # fmt: skip
    base.update(more)
    return CustomerCard(**base)


def test_the_id_is_read_from_the_cards_path() -> None:
    assert customer_id_of("/clients/12") == 12
    assert customer_id_of("/clients/12/") == 12
    assert customer_id_of("/clients/abc") is None


def test_aging_buckets_are_named_in_both_languages() -> None:
    assert bucket_name("not_due", "fr") == "Non échu"
    assert bucket_name("not_due", "en") == "Not due"
    assert bucket_name("31-60", "fr") == "31–60"
    assert bucket_name("over_90", "en") == "> 90"


def test_key_figures_aging_and_identity() -> None:
    view = format_card(_card(), FR)
    assert view.title == "Durand SA"
    assert view.subtitle == "CLI007 · C1 Alpha"
    assert view.kpis["outstanding"] == f"1{NNB}500,00{NB}€"
    assert view.kpis["oldest"] == f"45{NB}j"
    assert view.kpis["doubtful"] == ""  # hidden when nothing is doubtful
    assert [(b.label, b.width, b.color) for b in view.aging] == [
        ("Non échu", "33.3%", "green"),
        ("31–60", "66.7%", "orange"),
    ]
    assert [(f.key, f.value) for f in view.identity] == [
        ("address", "1 rue A\n75001 Paris"),
        ("phone", "0102030405"),
        ("language", "FR"),
        ("status", "En sommeil"),
    ]
    assert [(f.label, f.value) for f in view.free_fields] == [("Secteur", "BTP")]
    assert (view.score, view.grade, view.score_parts) == ("—", "", [])


def test_open_items_say_their_status_and_are_red_when_late() -> None:
    card = _card(
        open_items=(
            _item(1, days_overdue=50, level=2, disputed=True, promised=True),
            _item(2, promised=True),
            _item(3, doubtful=True, residual=D("0")),
        )
    )
    view = format_card(card, EN)
    assert [c.key for c in view.items_header][-1] == "status"
    first, second, third = view.item_rows
    assert (first["status"], first["_color.status"], first["level"]) == ("Disputed", "orange", "R2")
    assert first["days"] == f"50{NB}d"
    assert first["_tone.days"] == first["_tone.residual"] == "red"
    assert (second["status"], second["_color.status"]) == ("Promised", "amber")
    assert "_tone.days" not in second
    assert third["_color.status"] == "purple"


def test_scenario_and_stop_texts() -> None:
    assert format_card(_card(), EN).scenario == "No scenario for this profile"
    by_hand = ScenarioRef(scenario_id=4, name="Grands comptes", profile="GC", by_hand=True)
    identity = dataclasses.replace(
        IDENTITY, scenario=by_hand, stop_reason="Accord", stop_until=date(2026, 12, 31),
        stopped=True,
    )  # fmt: skip
    view = format_card(_card(identity=identity), FR)
    assert view.scenario == "Grands comptes (choisi à la main)"
    assert view.scenario_value == "4"
    assert view.stop_text == "Accord (jusqu'au 31/12/2026)"
    assert view.app_stopped and view.stopped
    sage = format_card(_card(identity=dataclasses.replace(IDENTITY, do_not_dun=True)), EN)
    assert sage.scenario_value == AUTO
    assert sage.stop_text != "" and not sage.app_stopped and sage.sage_stop


def test_follow_up_and_messages() -> None:
    promise = PromiseRow(
        promise_id=3, amount=D("250.00"), promised_on=date(2026, 12, 5), status="pending",
        note="virement", author="Léa", created_at=AT, pieces=("F1", "F2"),
    )  # fmt: skip
    letter = MessageRow(
        message_id=9, channel="letter", subject="", status="sent", to=("Durand SA",), cc=(),
        created_at=AT, sent_at=None, has_pdf=True, posted_on=date(2026, 11, 21),
    )  # fmt: skip
    event = TimelineEvent(
        on=date(2026, 11, 2), at=None, kind="payment", title="VIR", amount=D("-5"), ref=1
    )
    card = _card(promises=(promise,), messages=(letter,), timeline=(event,), timeline_total=3)
    view = format_card(card, FR)
    (p,) = view.promises
    assert (p.title, p.status, p.status_color, p.when) == (
        "F1, F2",
        "En attente",
        "amber",
        "05/12/2026",
    )
    (m,) = view.messages
    assert (m.subject, m.channel, m.status) == ("—", "Courrier", "Posté le 21/11/2026")
    assert m.status_color == "green"
    (e,) = view.timeline
    assert (e.group, e.when) == ("payment", "02/11/2026")
    assert view.timeline_note == "Les 1 derniers événements sur 3."


def test_score_parts_are_bars_with_their_weight() -> None:
    parts = (
        SimpleNamespace(name="dbt", label="DBT", points=D("75"), weight=D("0.5")),
        SimpleNamespace(name="unknown_part", label="Other", points=None, weight=D("0")),
    )
    score = SimpleNamespace(score=62, grade="D", parts=parts)
    view = format_card(_card(score=score), EN)
    assert (view.score, view.grade, view.grade_color) == ("62", "D", "orange")
    first, second = view.score_parts
    assert (first.width, first.color) == ("75%", "red")
    assert (second.label, second.value, second.color) == ("Other", "—", "gray")


def test_a_model_score_is_explained_in_words_in_both_languages() -> None:
    from decimal import Decimal as D

    from src_dash.ui.pages.customer.rows import explain_part

    fr, en = Formats("fr"), Formats("en")
    assert (
        explain_part("days_beyond_terms", D("23.4"), fr) == "paie en moyenne 23 j après l'échéance"
    )
    assert explain_part("days_beyond_terms", D("23.4"), en) == (
        "pays 23 days after the due date on average"
    )
    assert explain_part("trend", D("9"), fr) == "retard en hausse"
    assert explain_part("trend", D("-9"), en) == "lateness falling"
    assert explain_part("broken_promises", D("2"), en) == "broken promises in 12 months: 2"
    assert explain_part("late_probability", D("0.42"), en).startswith("42%")
    assert explain_part("disputes", None, fr) == ""


def test_an_opened_message_and_an_empty_card() -> None:
    from src_dash.services.customer_card import MessageDetail
    from src_dash.ui.pages.customer.rows import CardView, opened_message

    detail = MessageDetail(
        message_id=9, customer_id=7, channel="email", subject="Relance", body_html="<p>Bonjour</p>",
        body_text="Bonjour", to=("a@x.fr", "b@x.fr"), cc=(), status="sent", sent_at=AT,
        has_pdf=True,
    )  # fmt: skip
    m = opened_message(detail, FR)
    assert (m.id, m.subject, m.recipients, m.copies) == (9, "Relance", "a@x.fr, b@x.fr", "")
    assert (m.when, m.html, m.has_pdf) == (FR.moment(AT), "<p>Bonjour</p>", True)
    assert (m.channel, m.status_color) == ("Email", "green")
    empty = CardView()
    assert (empty.title, empty.item_rows, empty.scenario_value) == ("", [], AUTO)
    assert CardView().messages is not empty.messages  # each card its own lists


def test_timeline_codes_and_dates_are_said_in_the_viewers_words() -> None:
    """No raw code ("call_back", "email") or ISO date in the timeline, in either language."""

    def ev(kind: str, title: str = "", detail: str = "", **more: object) -> TimelineEvent:
        return TimelineEvent(
            on=date(2026, 11, 2), at=AT, kind=kind, title=title, amount=None, ref=1,
            detail=detail, **more,
        )  # fmt: skip

    events = (
        ev("message", "Relance R1", code="email"),
        ev("call", code="no_answer"),
        ev("call", "Parle au comptable", code="call_back"),
        ev("promise", "virement annoncé", "F1", due=date(2026, 12, 14)),
        ev("item_stopped", "attente BC", "F1, F2", due=date(2026, 12, 31)),
        ev("flag_cleared", code="risk"),
        ev("message_failed", "Relance R2", "550 unknown user", code="bounced"),
        ev("action", code="unheard_of"),
    )
    said = {
        lang: [(e.title, e.detail) for e in format_card(_card(timeline=events), fmt).timeline]
        for lang, fmt in (("fr", FR), ("en", EN))
    }
    assert said["fr"] == [
        ("Relance R1", "E-mail"),
        ("Pas de réponse", ""),
        ("Parle au comptable", "À rappeler"),
        ("virement annoncé", "Pour le 14/12/2026 — F1"),
        ("attente BC", "Jusqu'au 31/12/2026 — F1, F2"),
        ("Risque", ""),
        ("Relance R2", "Rejeté — 550 unknown user"),
        ("unheard_of", ""),  # a code nobody has words for is shown as it is
    ]
    assert said["en"][:5] == [
        ("Relance R1", "Email"),
        ("No answer", ""),
        ("Parle au comptable", "Call back"),
        ("virement annoncé", "For Dec 14, 2026 — F1"),
        ("attente BC", "Until Dec 31, 2026 — F1, F2"),
    ]


def test_every_timeline_kind_falls_under_one_filter() -> None:
    kinds = {
        "invoice": "books", "payment": "books", "bounced_payment": "books", "fee": "books",
        "message": "messages", "message_failed": "messages", "reply": "messages",
        "promise": "promises", "promise_kept": "promises", "promise_broken": "promises",
        "promise_cancelled": "promises", "dispute_opened": "disputes", "dispute_closed": "disputes",
        "call": "calls", "action": "calls", "action_skipped": "calls", "comment": "notes",
        "flag": "notes", "item_stopped": "notes", "level_set": "notes", "unheard_of": "notes",
    }  # fmt: skip
    assert {k: timeline_filter(k) for k in kinds} == kinds
    assert set(kinds.values()) == {*TIMELINE_FILTERS, "notes"}
