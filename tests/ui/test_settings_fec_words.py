"""The FEC preview's words: every `set.fec.*` key in fr and en, a label for every reason the
reader leaves lines out for, and the preview and reconciliation in the viewer's formats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Engine

from src_dash.access import viewer
from src_dash.services.auth import seed_demo_users
from src_dash.services.fec_upload import confirm_fec, upload_fec
from src_dash.sources.fec import EXCLUSION_REASONS
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.settings.fec import imported_texts, preview_view
from src_dash.ui.words_settings_fec import WORDS

NNBSP, NBSP = "\u202f", "\u00a0"
REAL = "000000000FEC20231231.txt"


def test_every_fec_word_is_said_in_both_languages_and_every_reason_has_a_label():
    fr = {k: v for k, v in WORDS["fr"].items() if k.startswith("set.fec.")}
    en = {k: v for k, v in WORDS["en"].items() if k.startswith("set.fec.")}
    assert set(fr) == set(en)
    assert all(fr[k].strip() and en[k].strip() for k in fr)
    for key in fr:
        assert fr[key].count("{") == en[key].count("{"), key
    assert {f"set.fec.reason.{r}" for r in EXCLUSION_REASONS} <= set(fr)


def test_the_preview_and_the_reconciliation_are_in_the_viewers_formats(
    sqlite_store: Engine, fec_dir: Path, tmp_path: Path
):
    seed_demo_users(sqlite_store)
    admin = viewer(sqlite_store, 1)
    assert admin.is_admin
    data = (fec_dir / REAL).read_bytes()
    preview = upload_fec(sqlite_store, admin, "FEC1", REAL, data, tmp_path, date(2026, 11, 22))
    fr = preview_view(preview, Formats("fr"))
    assert fr.period == "du 01/01/2021 au 30/06/2023"
    assert fr.balance == f"27{NNBSP}771,70{NBSP}€" and fr.customers == "4"
    assert fr.company == "FEC1 (nouvelle société)" and fr.new_company
    assert fr.file == f"{REAL} · 2{NNBSP}102 lignes · utf-8"
    assert [(a.key, a.balance, a.chosen) for a in fr.accounts][0] == (
        "CCB", f"1{NNBSP}510,52{NBSP}€", False
    )  # fmt: skip
    assert fr.deletions == 0 and fr.changes.startswith("153 ajoutées")
    en = preview_view(preview, Formats("en"))
    assert en.period == "Jan 1, 2021 to Jun 30, 2023" and en.balance == "€27,771.70"

    done = confirm_fec(sqlite_store, admin, preview.upload, ["CCB"], folder=tmp_path)
    said, recon, ok = imported_texts(done, Formats("fr"))
    assert ok and said.startswith(f"{REAL} importé dans FEC1")
    assert recon == (
        f"Rapprochement{NBSP}: écart 0,00{NBSP}€. L'encours de l'application "
        f"(26{NNBSP}261,18{NBSP}€) égale le solde clients du fichier."
    )
    assert done.reconciliation.app_total == Decimal("26261.18")
    said, recon, ok = imported_texts(done, Formats("en"))
    assert recon.startswith("Reconciliation: gap €0.00.")
