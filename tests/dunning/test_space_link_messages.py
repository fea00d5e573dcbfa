"""The customer's personal link in every message (issue 13): an email sent through a real SMTP
server and a letter's PDF carry a link issued when they go out, whose token opens the space of
that customer of that company and of no other; previews and stored messages carry only the
clearly fake example link, and issue nothing."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from smtp_helpers import make_ledger, proposal
from sqlalchemy import func, select

from src_dash.dunning.default_templates import TEMPLATES
from src_dash.dunning.dispatch import dispatch
from src_dash.dunning.letter_layout import qr_png
from src_dash.dunning.letters import load_letters
from src_dash.dunning.runs import create_run
from src_dash.dunning.template_sample import sample_context
from src_dash.dunning.templates import Renderer, render_sources
from src_dash.services.customer_space.links import resolve
from src_dash.services.customer_space.view import space_view
from src_dash.store import Message
from src_dash.store.space import SpaceLink
from src_dash.store.space_links import EXAMPLE_TOKEN, hash_token

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
PUBLIC = "https://paiement.atelier-dumas.test"
LINK = re.compile(re.escape(PUBLIC) + r"/espace/([A-Za-z0-9_-]{32,64})")

pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture(autouse=True)
def public_url(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SRC_DASH_PUBLIC_URL", PUBLIC + "/")
    return PUBLIC


def _links(engine) -> list:  # noqa: ANN001
    t = SpaceLink.__table__
    with engine.connect() as conn:
        return conn.execute(select(t).order_by(t.c.id)).all()


def _stored_bodies(engine) -> list[str]:  # noqa: ANN001
    m = Message.__table__
    with engine.connect() as conn:
        return [
            f"{r.body_html}\n{r.body_text}"
            for r in conn.execute(select(m.c.body_html, m.c.body_text).order_by(m.c.id))
        ]


def test_a_sent_email_carries_a_link_that_opens_its_customer_and_no_other(store, server):
    ids = make_ledger(store, 2)
    create_run(store, [proposal(store, ids, n) for n in range(2)])
    assert _links(store) == []  # written to the outbox: nothing issued yet
    result = dispatch(store, server.settings(), now=NOW, sent_by=ids["user"])
    assert result.sent == 2
    tokens = {}
    for got in server.received:
        customer = ids["customers"][int(got.rcpt_tos[0].removeprefix("compta")[0])]
        text, html = got.body("plain"), got.body("html")
        # The company's own template does not place `space_url`: the link comes last.
        assert f"Consultez votre compte et répondez en ligne : {PUBLIC}/espace/" in text
        (token,) = set(LINK.findall(text))
        assert f'href="{PUBLIC}/espace/{token}"' in html and EXAMPLE_TOKEN not in text + html
        tokens[customer] = token
    assert len(set(tokens.values())) == 2
    for customer, token in tokens.items():
        access = resolve(store, token, "203.0.113.7", now=NOW + timedelta(minutes=5)).access
        assert access is not None
        assert (access.customer_id, access.company_id) == (customer, ids["company"])
    # Only the hashes are stored, bound to their customers, for 90 days; the messages kept
    # hold the example link, never a token.
    stored = {r.token_hash: r for r in _links(store)}
    for customer, token in tokens.items():
        row = stored[hash_token(token)]
        assert (row.customer_id, row.company_id) == (customer, ids["company"])
        assert row.expires_at == NOW + timedelta(days=90)
    for body in _stored_bodies(store):
        assert EXAMPLE_TOKEN in body and not any(t in body for t in tokens.values())
    assert resolve(store, tokens[ids["customers"][0]][:-1] + "A", "203.0.113.7").access is None
    # Read again in the space, the message says where the customer is, not the example link.
    access = resolve(store, tokens[ids["customers"][0]], "203.0.113.7").access
    (shown,) = space_view(store, access, NOW.date()).messages
    assert EXAMPLE_TOKEN not in shown.body_text
    assert "Consultez votre compte et répondez en ligne : (cet espace)" in shown.body_text


def test_a_new_message_renews_the_customers_access_and_keeps_the_earlier_link(store, server):
    ids = make_ledger(store, 1)
    create_run(store, [proposal(store, ids, 0, level=1)])
    dispatch(store, server.settings(), now=NOW)
    later = NOW + timedelta(days=30)
    create_run(store, [proposal(store, ids, 0, level=2, key="second")])
    dispatch(store, server.settings(), now=later)
    first, second = (LINK.findall(r.body("plain"))[0] for r in server.received)
    assert first != second
    links = _links(store)
    assert [r.expires_at for r in links] == [later + timedelta(days=90)] * 2
    for token in (first, second):
        assert resolve(store, token, "", now=later + timedelta(days=80)).access is not None


def _image_rows(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    return [r.split() for r in out.stdout.strip().splitlines()[2:]]


def test_a_letters_pdf_prints_the_link_and_its_qr_code(store, tmp_path):
    ids = make_ledger(store, 2)
    result = create_run(store, [proposal(store, ids, 1, channel="letter")])
    pdf = Path(result.letter_files[0])
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Votre espace client" in text
    (token,) = set(LINK.findall(text))
    access = resolve(store, token, "", now=NOW).access
    assert access is not None and access.customer_id == ids["customers"][1]
    # One image, the QR code: the same pixels as the code of that very link.
    expected = Image.open(io.BytesIO(qr_png(f"{PUBLIC}/espace/{token}")))
    side = str(expected.size[0])
    assert [r[3:6] for r in _image_rows(pdf)] == [[side, side, "gray"]]
    subprocess.run(["pdfimages", "-png", str(pdf), str(tmp_path / "img")], check=True)
    printed = Image.open(tmp_path / "img-000.png").convert("1")
    assert printed.size == expected.size
    assert printed.tobytes() == expected.convert("1").tobytes()
    assert not any(token in body for body in _stored_bodies(store))


def test_previews_and_samples_show_the_example_link_and_issue_nothing(store):
    ids = make_ledger(store, 1)
    p = proposal(store, ids, 0)
    with store.connect() as conn:
        rendered = Renderer(conn).render(p)
    assert f"{PUBLIC}/espace/{EXAMPLE_TOKEN}" in rendered.text
    assert f"{PUBLIC}/espace/{EXAMPLE_TOKEN}" in rendered.html
    letter_run = create_run(store, [proposal(store, ids, 0, channel="letter")], write_letters=False)
    before = len(_links(store))
    (letter,) = load_letters(store, list(letter_run.message_ids), links=False)
    assert letter.space_url == f"{PUBLIC}/espace/{EXAMPLE_TOKEN}"
    assert len(_links(store)) == before == 0
    # The default templates place the link (French and English wording) on emails only.
    for t in TEMPLATES:
        if t["code"] == "appel":
            assert "space_url" not in t["html"] + t["text"]
            continue
        for channel in ("email", "letter"):
            context = sample_context(t["language"]) | {"channel": channel}
            out = render_sources(t["subject"], t["html"], t["text"], context)
            line = (
                "Consultez votre compte et répondez en ligne"
                if t["language"] == "fr"
                else "View your account and reply online"
            )
            shown = line in out.text and f"{PUBLIC}/espace/{EXAMPLE_TOKEN}</a>" in out.html
            assert shown == (channel == "email"), (t["code"], t["language"], channel)
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(SpaceLink.__table__)).scalar() == 0
