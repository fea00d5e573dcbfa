"""The local mail sink: it keeps what it receives as .eml files, and the app reads them back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from smtp_helpers import free_port, make_ledger, proposal

from src_dash.dunning.dispatch import dispatch
from src_dash.dunning.mailsink import read_mail, received, start_sink
from src_dash.dunning.runs import create_run


def _settings(port: int):  # noqa: ANN202
    from src_dash.config import load_settings

    return load_settings(
        {
            **os.environ,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_FROM": "Relances <relances@atelier-dumas.fr>",
        }  # fmt: skip
    )


def test_the_sink_keeps_what_the_dispatcher_sends_and_the_app_lists_it(
    store, tmp_path, monkeypatch
):
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "sink"
    port = free_port()
    sink = start_sink(folder, port=port)
    try:
        ids = make_ledger(store, 3)
        create_run(store, [proposal(store, ids, n) for n in range(3)])
        assert dispatch(store, _settings(port)).sent == 3
    finally:
        sink.stop()
    mails = received(10, folder)
    assert len(mails) == 3
    assert sorted(m.to for m in mails) == [(f"compta{n}@example.com",) for n in range(3)]
    newest = mails[0]
    assert newest.cc == ("commercial@atelier-dumas.fr",)
    assert newest.envelope_to == (newest.to[0], "commercial@atelier-dumas.fr")
    assert newest.envelope_from == "relances@atelier-dumas.fr"
    # From: the company's sender name (its name by default) at the SMTP_FROM address.
    assert newest.sender.endswith(" <relances@atelier-dumas.fr>")
    assert not newest.sender.startswith("Relances ")
    assert newest.subject.startswith("Relance niveau 2 - Client ")
    assert newest.message_id.startswith("<2026-11-22.")
    assert received(2, folder) == mails[:2]
    full = read_mail(newest.path)
    assert "niveau 2" in full.text and "<table>" in full.html
    # The answer the server gave names the kept file.
    from sqlalchemy import select

    from src_dash.store import Message

    with store.connect() as conn:
        answers = conn.execute(select(Message.__table__.c.server_answer)).scalars().all()
    kept = {Path(m.path).name for m in mails}
    assert {a.rsplit(" ", 1)[-1] for a in answers} == kept


def test_the_sink_runs_as_its_own_process_and_nothing_is_half_written(tmp_path):
    folder = tmp_path / "sink"
    port = free_port()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "src_dash.dunning.mailsink",
            "--port",
            str(port),
            "--dir",
            str(folder),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "mail sink on 127.0.0.1" in child.stdout.readline()
        import smtplib

        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            raw = (
                b"From: a@example.com\r\nTo: b@example.com\r\n"
                b"Subject: =?utf-8?q?R=C3=A9sum=C3=A9?=\r\n\r\nBonjour\r\n"
            )
            client.sendmail("a@example.com", ["b@example.com", "hidden@example.com"], raw)
        deadline = time.monotonic() + 5
        while not received(5, folder) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        child.terminate()
        child.wait(timeout=10)
    mails = received(5, folder)
    assert len(mails) == 1
    assert mails[0].subject == "Résumé"
    assert mails[0].envelope_to == ("b@example.com", "hidden@example.com")
    assert read_mail(mails[0].path).text.strip() == "Bonjour"
    assert [p.name for p in folder.iterdir() if p.suffix != ".eml"] == []
    assert received(5, tmp_path / "nothing") == []
