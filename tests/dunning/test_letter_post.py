"""Letters: "à imprimer" -> "imprimé" -> "posté" (with its day); only a posted letter counts as
sent (its action, its items' levels and last dunning day). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from smtp_helpers import make_ledger, proposal
from sqlalchemy import select

from src_dash.access import AccessDenied, viewer
from src_dash.dunning import letter_post
from src_dash.dunning.letter_post import LetterError, confirm_printed, mark_posted, print_batch
from src_dash.dunning.runs import create_run
from src_dash.store import Action, ItemState, Message

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def letters(store, tmp_path, monkeypatch):
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path / "data"))
    ids = make_ledger(store, 3)
    run = create_run(
        store,
        [
            proposal(store, ids, 0, channel="letter", level=2),
            proposal(store, ids, 1, channel="letter", level=1),
            proposal(store, ids, 2),  # an email
        ],
    )
    ids["run"] = run.run
    return ids


def _messages(engine) -> list:
    m = Message.__table__
    with engine.connect() as conn:
        return conn.execute(select(m).order_by(m.c.id)).all()


def _states(engine) -> dict[int, tuple[int, date | None]]:
    s = ItemState.__table__
    with engine.connect() as conn:
        return {r.entry_id: (r.level, r.last_dunned_on) for r in conn.execute(select(s))}


def test_a_letter_goes_to_print_printed_then_posted_and_only_then_counts_as_sent(store, letters):
    ids = letters
    first, second, email = ids["customers"]
    # Written by the run: to print; its items have not moved (the email's have).
    states = _states(store)
    assert all(e not in states for e in ids["entries"][first] + ids["entries"][second])
    assert all(e in states for e in ids["entries"][email])
    msgs = _messages(store)
    assert [(m.channel, letter_post.letter_state(m.channel, m.status)) for m in msgs[:2]] == [
        ("letter", "to_print"),
        ("letter", "to_print"),
    ]

    # The dispatcher's print batch puts them in one grouped PDF; they stay to print.
    count, path = print_batch(store, NOW)
    assert count == 2 and Path(path).is_file()
    assert {(m.status, m.print_file) for m in _messages(store)[:2]} == {("queued", path)}
    assert print_batch(store, NOW) == (0, "")  # already in a grouped file

    # Posting what is not printed does nothing.
    user = viewer(store, ids["user"])
    assert mark_posted(store, user, date(2026, 11, 22), run=ids["run"], now=NOW) == 0
    assert confirm_printed(store, user, run=ids["run"], now=NOW) == 2
    msgs = _messages(store)
    assert {(m.status, m.printed_by, m.printed_at) for m in msgs[:2]} == {
        ("printed", ids["user"], NOW)
    }
    assert msgs[2].status == "queued"  # the email is not a letter: untouched
    with store.connect() as conn:
        counts = letter_post.letter_counts(conn, ids["run"])
    assert (counts.to_print, counts.printed, counts.posted) == (0, 2, 0)

    # Posted on a day: sent, the action done, the items at the level sent on that day.
    posted_on = date(2026, 11, 21)
    assert mark_posted(store, user, posted_on, message_ids=[msgs[0].id], now=NOW) == 1
    msgs = _messages(store)
    assert (msgs[0].status, msgs[0].posted_on, msgs[0].posted_by) == (
        "sent",
        posted_on,
        ids["user"],
    )
    assert letter_post.letter_state("letter", msgs[0].status) == "posted"
    assert msgs[1].status == "printed"
    states = _states(store)
    # (the first invoice at R3, the second at R2)
    assert [states[e] for e in ids["entries"][first]] == [(3, posted_on), (2, posted_on)]
    assert all(e not in states for e in ids["entries"][second])
    a = Action.__table__
    with store.connect() as conn:
        done = dict(conn.execute(select(a.c.customer_id, a.c.status)).all())
    assert (done[first], done[second]) == ("done", "proposed")


def test_posting_checks_the_day_the_portfolio_and_what_is_named(store, letters):
    ids = letters
    user = viewer(store, ids["user"])
    confirm_printed(store, user, run=ids["run"], now=NOW)
    with pytest.raises(LetterError, match="future day"):
        mark_posted(store, user, date(2026, 11, 23), run=ids["run"], now=NOW)
    with pytest.raises(LetterError, match="name a run"):
        mark_posted(store, user, date(2026, 11, 22), now=NOW)
    with pytest.raises(LookupError):
        confirm_printed(store, user, message_ids=[999])
    # A collector who does not see these customers is refused, and nothing moves.
    from sqlalchemy import update

    from src_dash.store import User

    u = User.__table__
    with store.begin() as conn:
        conn.execute(update(u).where(u.c.id == ids["user"]).values(sees_all_customers=False))
    blind = viewer(store, ids["user"])
    with pytest.raises(AccessDenied):
        mark_posted(store, blind, date(2026, 11, 22), run=ids["run"], now=NOW)
    assert {m.status for m in _messages(store)[:2]} == {"printed"}


def test_a_letter_not_posted_yet_is_not_written_again_by_the_next_run(store, letters):
    ids = letters
    again = create_run(
        store,
        [
            proposal(store, ids, 0, channel="letter", level=2, as_of=date(2026, 11, 29)),
            proposal(store, ids, 2, channel="letter", level=2, as_of=date(2026, 11, 29)),
        ],
    )
    assert again.letters == 1  # the second customer's items are not in a letter
    (error,) = again.errors
    assert error.customer_number == "C0000" and "not posted yet" in error.message
    # Once posted, the next letter can be written.
    user = viewer(store, ids["user"])
    confirm_printed(store, user, run=ids["run"], now=NOW)
    mark_posted(store, user, date(2026, 11, 22), run=ids["run"], now=NOW)
    later = create_run(
        store, [proposal(store, ids, 0, channel="letter", level=3, as_of=date(2026, 12, 6))]
    )
    assert (later.letters, later.errors) == (1, ())


def test_the_cli_prints_confirms_and_posts_the_letters_of_a_run(
    store, store_url, letters, monkeypatch, capsys
):
    import json

    from src_dash.cli import main

    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.setenv("SRC_DASH_TODAY", "2026-11-22")
    run = letters["run"]
    assert main(["letters", "print"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["letters"] == 2 and Path(printed["file"]).is_file()
    assert main(["letters", "posted", "--run", run, "--on", "2026-11-22"]) == 0
    assert json.loads(capsys.readouterr().out) == {"posted": 0}  # not printed yet
    assert main(["letters", "printed", "--run", run, "--user", "claire"]) == 0
    assert json.loads(capsys.readouterr().out) == {"printed": 2}
    assert main(["letters", "posted", "--run", run, "--on", "2026-11-30"]) == 1
    assert "future day" in capsys.readouterr().err
    assert main(["letters", "posted", "--run", run, "--on", "2026-11-20"]) == 0
    assert json.loads(capsys.readouterr().out) == {"posted": 2}
    assert {(m.status, m.posted_on) for m in _messages(store)[:2]} == {("sent", date(2026, 11, 20))}
    assert main(["letters", "printed"]) == 1
    assert "name a run" in capsys.readouterr().err
