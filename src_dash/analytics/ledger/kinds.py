"""The kinds of ledger line, and the labels that tell fees and rejected payments apart."""

from __future__ import annotations

import polars as pl

KIND_INVOICE = "invoice"
KIND_CREDIT_NOTE = "credit_note"
KIND_PAYMENT = "payment"
KIND_OTHER_DEBIT = "other_debit"
KIND_FEE = "fee"  # recovery fees, late interest, adjustments: due on their posting date
KINDS = pl.Enum([KIND_INVOICE, KIND_CREDIT_NOTE, KIND_PAYMENT, KIND_OTHER_DEBIT, KIND_FEE])
# Labels of debits that are fees or interest rather than sales (LIKE patterns, lower case; `_`
# stands for an accented letter).
FEE_PATTERNS = (
    "%indemnit%forfaitaire%",
    "%frais de recouvrement%",
    "%frais de relance%",
    "%int_r_ts de retard%",
    "%p_nalit_s de retard%",
    "%recovery fee%",
    "%late interest%",
)

# Labels of bank debits that are rejected payments (impayés), lower-case ASCII fragments.
BOUNCE_WORDS = ("impay", "rejet", "unpaid", "retour prlv", "retour lcr")
