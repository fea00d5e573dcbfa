"""Letters: the text read back from their PDFs (pdftotext) holds what a letter must say."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sage_helpers import TODAY, register
from smtp_helpers import make_ledger, proposal
from sqlalchemy import select, update

from src_dash.dunning.defaults import seed_defaults
from src_dash.dunning.letters import load_letters, render_letters
from src_dash.dunning.planner import plan
from src_dash.dunning.runs import create_run
from src_dash.store import Company, Entry, Message
from src_dash.sync import sync_company

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


pytestmark = pytest.mark.usefixtures("data_dir")


def pdf_text(path: Path | str, page: int | None = None) -> str:
    """The text of a PDF (or one page), spaces made plain."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.replace("\u202f", " ").replace("\xa0", " ")


def pages(path: Path | str) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def _letters(engine):  # noqa: ANN001, ANN202
    m = Message.__table__
    with engine.connect() as conn:
        return conn.execute(select(m).where(m.c.channel == "letter").order_by(m.c.id)).all()


def test_a_letters_pdf_holds_its_sender_recipient_subject_items_totals_and_signature(store):
    ids = make_ledger(store, 1)
    result = create_run(store, [proposal(store, ids, 0, channel="letter", level=2)])
    assert result.letters == 1 and len(result.letter_files) == 1
    letter = _letters(store)[0]
    assert letter.pdf_path == result.letter_files[0] and Path(letter.pdf_path).is_file()
    text = pdf_text(letter.pdf_path)
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    # Sender, and the recipient in the envelope's window.
    assert "Atelier Dumas SAS" in lines[0]
    assert "12 rue de la République" in text and "69002 Lyon" in text
    assert "Client 0 SARL" in text and "1 rue des Lilas" in text and "75011 Paris" in text
    # Place and date, subject.
    assert "Lyon, le 22 novembre 2026" in text
    assert "Objet : Relance niveau 3 - Client 0 SARL" in text
    # The items with their levels, then the totals.
    assert "FA0000 F-0-0 13/10/2026 40 R3 1 200,00 €" in lines
    assert "FA0001 F-0-1 10/11/2026 12 R2 350,50 €" in lines
    assert "Total des échéances 1 550,50 €" in lines
    assert "Solde à régler 1 550,50 €" in lines
    # The template's own words around its table, and the signature.
    assert "Madame, Monsieur," in lines
    assert "Nous vous prions d'agréer nos salutations distinguées." in lines
    assert "Le service recouvrement" in text and "Claire Recouvre" in text
    assert "Page 1/1" in text


def test_an_account_situation_letter_lists_every_item_with_its_own_level(store):
    ids = make_ledger(store, 1)
    base = proposal(store, ids, 0, channel="letter", level=1)
    e = Entry.__table__
    extra = []
    with store.begin() as conn:
        for k, (days, level, advances) in enumerate(((70, 3, True), (55, 2, False), (3, 1, True))):
            entry_id = conn.execute(
                e.insert()
                .values(
                    company_id=ids["company"],
                    customer_id=ids["customers"][0],
                    source_key=900 + k,
                    posting_date=TODAY - timedelta(days=days + 30),
                    piece=f"FX{k}",
                    reference=f"X-{k}",
                    amount=Decimal("100.00") * (k + 1),
                    residual=Decimal("100.00") * (k + 1),
                    due_date=TODAY - timedelta(days=days),
                )  # fmt: skip
                .returning(e.c.id)
            ).scalar_one()
            extra.append(
                replace(
                    base.items[0],
                    entry_id=entry_id,
                    piece=f"FX{k}",
                    reference=f"X-{k}",
                    due_date=TODAY - timedelta(days=days),
                    days_late=days,
                    amount=Decimal("100.00") * (k + 1),
                    residual=Decimal("100.00") * (k + 1),
                    level=level,
                    previous_level=level - 1 if advances else level,
                    advances=advances,
                )  # fmt: skip
            )
    credit = replace(
        base.items[1], entry_id=None, piece="AV0009", reference="AV-9", level=0,
        previous_level=0, amount=Decimal("-80.00"), residual=Decimal("-80.00"),
        kind="credit_note", advances=False,
    )  # fmt: skip
    items = (*base.items, *extra)
    situation = replace(
        base,
        items=items,
        credits=(credit,),
        level=max(i.level for i in items),
        total=sum((i.residual for i in items), Decimal("0.00")),
    )
    create_run(store, [situation])
    lines = [" ".join(x.split()) for x in pdf_text(_letters(store)[0].pdf_path).splitlines()]
    expected = {
        "FA0000": "R2", "FA0001": "R1", "FX0": "R3", "FX1": "R2", "FX2": "R1",
    }  # fmt: skip
    for piece, level in expected.items():
        row = next(x for x in lines if x.startswith(piece + " "))
        assert f" {level} " in row, row
    assert any(x.startswith("AV0009 AV-9") and "avoir" in x and "-80,00 €" in x for x in lines)
    assert "Total des échéances 2 150,50 €" in lines
    assert "Avoirs et règlements non affectés -80,00 €" in lines
    assert "Solde à régler 2 070,50 €" in lines


def test_the_demo_base_letters_list_their_items_with_their_levels(store, demo_base):
    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    seed_defaults(store)
    # R3 is a letter in the default scenarios: send it now to every customer the day's plan
    # reaches, whatever their level and the delays.
    reached = sorted({p.customer_id for p in plan(store, TODAY).proposals})
    forced = plan(store, TODAY, customer_ids=reached, force_level=3)
    letters = [p for p in forced.proposals if p.channel == "letter"]
    assert letters
    create_run(store, letters)
    rows = {r.idempotency_key: r for r in _letters(store)}
    for p in letters:
        lines = [" ".join(x.split()) for x in pdf_text(rows[p.key].pdf_path).splitlines()]
        for item in p.items:
            row = next(x for x in lines if x.startswith(item.piece + " "))
            assert f" R{item.level} " in row or (item.level == 0 and " - " in row), row
        assert any(x.startswith(("Solde à régler", "Balance due")) for x in lines), lines


def test_the_grouped_pdf_starts_each_letter_on_its_own_pages(store, tmp_path):
    ids = make_ledger(store, 3)
    long = proposal(store, ids, 1, channel="letter")
    many = tuple(replace(long.items[1], piece=f"FL{k:04d}", reference=f"L-{k}") for k in range(60))
    proposals = [
        proposal(store, ids, 0, channel="letter"),
        replace(long, items=many, total=sum((i.residual for i in many), Decimal("0.00"))),
        proposal(store, ids, 2, channel="letter"),
    ]
    create_run(store, proposals)
    letters = load_letters(store, [r.id for r in _letters(store)])
    grouped = tmp_path / "grouped.pdf"
    render_letters(letters, grouped)
    counts = [pages(r.pdf_path) for r in _letters(store)]
    assert counts[0] == 1 and counts[1] >= 2 and counts[2] == 1
    assert pages(grouped) == sum(counts)
    page = 1
    for n, count in enumerate(counts):
        for k in range(count):
            text = pdf_text(grouped, page)
            assert f"Page {k + 1}/{count}" in text
            if k == 0:
                assert f"Client {n} SARL" in text and "Objet :" in text
            page += 1


def test_a_company_logo_is_drawn_and_a_broken_one_does_not_stop_the_letters(store, tmp_path):
    from PIL import Image

    ids = make_ledger(store, 2)
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 40), (200, 30, 30)).save(logo)
    co = Company.__table__
    with store.begin() as conn:
        conn.execute(update(co).values(logo_path=str(logo)))
    create_run(store, [proposal(store, ids, 0, channel="letter")])
    first = _letters(store)[0].pdf_path
    images = subprocess.run(["pdfimages", "-list", first], capture_output=True, text=True)
    rows = images.stdout.strip().splitlines()[2:]  # after the header and the rule
    # The logo (120x40, colour), and the QR code of the customer's space link (issue 13).
    (logo_row, qr_row) = (r.split()[3:6] for r in rows)
    assert logo_row == ["120", "40", "rgb"] and qr_row[0] == qr_row[1] and qr_row[2] == "gray"
    logo.write_bytes(b"not a png")
    create_run(store, [proposal(store, ids, 1, channel="letter")])
    assert "Client 1 SARL" in pdf_text(_letters(store)[1].pdf_path)
