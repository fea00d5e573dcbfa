"""Send windows: emails leave in business hours on working days (French public holidays known,
per-company hours and days); what is planned outside waits in the outbox, says when it will
leave, and the dispatcher sends it then (a real aiosmtpd server)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from smtp_helpers import SmtpServer, make_ledger, proposal
from sqlalchemy import select

from src_dash.access import Viewer
from src_dash.dunning.dispatch import dispatch
from src_dash.dunning.runs import create_run
from src_dash.dunning.send_window import (
    DEFAULT_WINDOW,
    SendWindow,
    WindowError,
    is_holiday,
    leaves_label,
)
from src_dash.services.messaging_settings import save_messaging
from src_dash.store import Message

PARIS = ZoneInfo("Europe/Paris")
ADMIN = Viewer(user_id=None, login="admin", name="Admin", role="admin")  # type: ignore[arg-type]


pytestmark = pytest.mark.usefixtures("data_dir")


def paris(*args: int) -> datetime:
    """A moment in Paris time."""
    return datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("at", "opens"),
    [
        # Inside the window: at once.
        (paris(2026, 11, 23, 10, 15), paris(2026, 11, 23, 10, 15)),
        # Before the opening of a working day: that day at 08:30.
        (paris(2026, 11, 23, 7, 0), paris(2026, 11, 23, 8, 30)),
        # The pinned Sunday: Monday 08:30.
        (paris(2026, 11, 22, 10, 0), paris(2026, 11, 23, 8, 30)),
        # Friday after closing: Monday.
        (paris(2026, 11, 20, 18, 0), paris(2026, 11, 23, 8, 30)),
        # The eve of Armistice day (Wednesday 11 November 2026): Thursday.
        (paris(2026, 11, 10, 20, 0), paris(2026, 11, 12, 8, 30)),
        # Christmas Eve evening: Christmas (Friday) and the weekend are closed.
        (paris(2026, 12, 24, 19, 0), paris(2026, 12, 28, 8, 30)),
        # Ascension Thursday 2026 is a holiday (a date that moves with Easter).
        (paris(2026, 5, 13, 18, 30), paris(2026, 5, 15, 8, 30)),
        # The night summer time starts (29 March 2026): Monday 08:30 CEST, 06:30 UTC.
        (paris(2026, 3, 27, 19, 0), datetime(2026, 3, 30, 6, 30, tzinfo=UTC)),
    ],
)
def test_the_default_window_opens_on_the_next_working_day_in_business_hours(at, opens):
    assert DEFAULT_WINDOW.next_opening(at) == opens
    assert DEFAULT_WINDOW.is_open(opens)
    assert DEFAULT_WINDOW.next_opening(at).tzinfo == UTC


def test_holidays_of_a_region_and_a_companys_own_days_and_hours():
    assert is_holiday(paris(2026, 11, 11).date())
    assert not is_holiday(paris(2027, 3, 26).date())  # Good Friday: only in Alsace-Moselle
    assert is_holiday(paris(2027, 3, 26).date(), "57")
    moselle = SendWindow.of([0, 1, 2, 3, 4], "08:30", "18:00", "Europe/Paris", "57")
    # Thursday evening before Good Friday, then Easter Monday: Tuesday.
    assert moselle.next_opening(paris(2027, 3, 25, 19, 0)) == paris(2027, 3, 30, 8, 30)
    assert DEFAULT_WINDOW.next_opening(paris(2027, 3, 25, 19, 0)) == paris(2027, 3, 26, 8, 30)
    # Mornings only, Saturday included.
    mornings = SendWindow.of([0, 1, 2, 3, 4, 5], "09:00", "12:00", "Europe/Paris")
    assert mornings.next_opening(paris(2026, 11, 21, 11, 59)) == paris(2026, 11, 21, 11, 59)
    assert mornings.next_opening(paris(2026, 11, 21, 12, 0)) == paris(2026, 11, 23, 9, 0)
    # Another time zone (a subsidiary in Martinique).
    martinique = SendWindow.of([0, 1, 2, 3, 4], "08:00", "17:00", "America/Martinique")
    assert martinique.next_opening(paris(2026, 11, 23, 12, 0)) == paris(2026, 11, 23, 13, 0)
    for days, start, end, zone in (
        ([], "08:30", "18:00", "Europe/Paris"),
        ([0], "18:00", "08:30", "Europe/Paris"),
        ([0], "8h30", "18:00", "Europe/Paris"),
        ([0], "08:30", "18:00", "Europe/Lyon"),
    ):
        with pytest.raises(WindowError):
            SendWindow.of(days, start, end, zone)


def test_the_outbox_says_when_an_email_will_leave():
    sunday = paris(2026, 11, 22, 10, 0)
    monday = DEFAULT_WINDOW.next_opening(sunday)
    assert leaves_label(monday, sunday, DEFAULT_WINDOW) == "partira demain 08:30"
    saturday = paris(2026, 11, 21, 10, 0)
    assert leaves_label(monday, saturday, DEFAULT_WINDOW) == "partira lundi 08:30"
    assert leaves_label(monday, saturday, DEFAULT_WINDOW, "en") == "leaves Monday 08:30"
    early = paris(2026, 11, 23, 6, 0)
    assert leaves_label(monday, early, DEFAULT_WINDOW) == "partira aujourd'hui 08:30"
    assert leaves_label(early, early, DEFAULT_WINDOW) == ""  # leaves now
    christmas = DEFAULT_WINDOW.next_opening(paris(2026, 12, 18, 19, 0))
    assert christmas == paris(2026, 12, 21, 8, 30)
    far = DEFAULT_WINDOW.next_opening(paris(2026, 12, 24, 19, 0))
    assert leaves_label(far, paris(2026, 12, 17, 19, 0), DEFAULT_WINDOW) == (
        "partira lundi 28 décembre 08:30"
    )


def _message(engine):  # noqa: ANN202
    m = Message.__table__
    with engine.connect() as conn:
        return conn.execute(select(m)).one()


def test_the_dispatcher_holds_an_email_planned_outside_the_window_until_it_opens(store, server):
    ids = make_ledger(store, 1)
    create_run(store, [proposal(store, ids, 0)])
    settings = server.settings(send_windows=True)

    sunday = paris(2026, 11, 22, 10, 0)
    result = dispatch(store, settings, now=sunday)
    assert (result.sent, result.failed, result.retried) == (0, 0, 0)
    assert server.received == []
    held = _message(store)
    assert held.status == "queued" and held.attempts == 0
    assert held.next_attempt_at == paris(2026, 11, 23, 8, 30)

    # Monday before the opening: still waiting.
    assert dispatch(store, settings, now=paris(2026, 11, 23, 8, 29)).sent == 0
    assert server.received == []
    # Monday at the opening: it leaves.
    assert dispatch(store, settings, now=paris(2026, 11, 23, 8, 30)).sent == 1
    assert len(server.received) == 1
    sent = _message(store)
    assert sent.status == "sent" and sent.attempts == 1


def test_a_companys_own_window_is_kept_and_windows_can_be_turned_off(store, server):
    ids = make_ledger(store, 2)
    create_run(store, [proposal(store, ids, 0)])
    # Saturday mornings are open for this company.
    save_messaging(store, ADMIN, ids["company"], send_days=[0, 1, 2, 3, 4, 5],
                   send_start="09:00", send_end="12:00")  # fmt: skip
    settings = server.settings(send_windows=True)
    assert dispatch(store, settings, now=paris(2026, 11, 21, 12, 30)).sent == 0
    assert _message(store).next_attempt_at == paris(2026, 11, 23, 9, 0)
    assert dispatch(store, settings, now=paris(2026, 11, 23, 9, 0)).sent == 1
    # A deployment without windows sends at once, on a Sunday night too.
    create_run(store, [proposal(store, ids, 1)])
    off = server.settings(send_windows=False)
    assert dispatch(store, off, now=paris(2026, 11, 22, 23, 0)).sent == 1


def test_the_run_view_says_when_an_email_held_by_the_window_will_leave(store, monkeypatch):
    from src_dash.dunning.send_window import leaving_labels
    from src_dash.services.campaigns import run_status

    ids = make_ledger(store, 1)
    run = create_run(store, [proposal(store, ids, 0)])
    (message_id,) = run.message_ids
    with store.connect() as conn:
        on = leaving_labels(conn, [message_id], paris(2026, 11, 21, 10, 0), "fr",
                            SmtpServer().settings(send_windows=True))  # fmt: skip
        assert on == {message_id: "partira lundi 08:30"}
        off = leaving_labels(conn, [message_id], paris(2026, 11, 21, 10, 0), "fr",
                             SmtpServer().settings(send_windows=False))  # fmt: skip
        assert off == {}
    # The campaign's view, on the pinned Sunday at 10:00 in Paris (not the real time of day:
    # from 23:00 UTC, Paris is already on Monday), with the windows on.
    import src_dash.services.campaigns.tracking as tracking

    monkeypatch.setattr(tracking, "utcnow", lambda: paris(2026, 11, 22, 10, 0).astimezone(UTC))
    monkeypatch.setenv("SRC_DASH_SEND_WINDOWS", "1")
    (line,) = run_status(store, ADMIN, run.run).page
    assert (line.status, line.leaves) == ("queued", "partira demain 08:30")
