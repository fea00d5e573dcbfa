"""Which lines of a FEC are a customer's: the accounts of class 41 and what becomes of them.

Part of the FEC reader (`src_dash.sources.fec`).

- 411 (clients) and 416 (clients douteux, flagged doubtful) are receivables. Their customer is
  the auxiliary account (CompAuxNum); without one, a detailed general account (411DUPONT,
  4110012) is the customer itself, and a collective one (411, 41100000) gathers its lines in one
  customer "Clients divers".
- Everything else of class 41 (413 effets, 418 factures à établir, 419 avances reçues, any
  other 41x) is not a customer entry; the reader counts it by reason, with its amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from src_dash.sources.fec_format import normalise_name

__all__ = [
    "EXCLUSION_REASONS",
    "ExcludedLines",
    "account_kind",
    "bucket_name",
    "is_detailed",
    "looks_like_cash_bucket",
]

#: Reason codes of lines of class 41 that are not customer entries, and what they mean.
EXCLUSION_REASONS: dict[str, str] = {
    "bills_receivable": "413: bills of exchange receivable (effets à recevoir)",
    "unbilled_receivables": "418: receivables not yet invoiced (factures à établir)",
    "customer_advances": "419: advances, deposits and credits owed to customers (avances reçues)",
    "other_class_41": "other accounts of class 41 that are not receivables",
    "not_a_customer": "auxiliary accounts set aside as not customers",
}

_BY_PREFIX = {"413": "bills_receivable", "418": "unbilled_receivables", "419": "customer_advances"}

# Words (accents and case aside) of accounts that collect cash receipts rather than a customer.
_BUCKET_WORDS = frozenset(
    {
        "recette",
        "recettes",
        "caisse",
        "caisses",
        "espece",
        "especes",
        "cb",
        "tpe",
        "comptant",
        "divers",
        "diverses",
        "encaissement",
        "encaissements",
    }
)
_BUCKET_PHRASES = (
    ("carte", "bancaire"),
    ("cartes", "bancaires"),
    ("de", "passage"),
    ("vente", "comptoir"),
    ("ventes", "comptoir"),
)


@dataclass(frozen=True)
class ExcludedLines:
    """Lines of class 41 left out of the customer entries, for one reason.

    Attributes:
        reason: A code of `EXCLUSION_REASONS`.
        accounts: The general accounts (for "not_a_customer": the customer keys) concerned.
        lines: How many lines.
        amount: Their debit - credit.
        first_line: The physical line number of the first of them.
    """

    reason: str
    accounts: tuple[str, ...]
    lines: int
    amount: Decimal
    first_line: int

    @property
    def description(self) -> str:
        """What the reason means, in English."""
        return EXCLUSION_REASONS.get(self.reason, self.reason)

    def as_dict(self) -> dict[str, object]:
        """Plain data, for JSON (the amount as text)."""
        return {
            "reason": self.reason,
            "description": self.description,
            "accounts": list(self.accounts),
            "lines": self.lines,
            "amount": str(self.amount),
            "first_line": self.first_line,
        }


def account_kind(account: str) -> tuple[bool, str]:
    """What a general account of class 41 is: (True, "411"/"416") or (False, reason code)."""
    prefix = account[:3]
    if prefix in ("411", "416"):
        return True, prefix
    return False, _BY_PREFIX.get(prefix, "other_class_41")


def is_detailed(account: str) -> bool:
    """Whether a receivable general account is one customer's (411DUPONT, 4110012, 411000123).

    The rule of thumb: without its trailing zeros, a detailed account is longer than four
    characters or has letters; 411, 411000, 41100000 and 411100000 are collective.
    """
    core = account.rstrip("0")
    return len(core) > 4 or not core.isdigit()


def bucket_name(account: str) -> str:
    """The name of the customer that gathers a collective account's lines without CompAuxNum."""
    return "Clients douteux divers" if account.startswith("416") else "Clients divers"


def looks_like_cash_bucket(name: str) -> bool:
    """Whether an account's name says it collects cash receipts (RECETTE CB, CAISSE, DIVERS)."""
    words = "".join(c if c.isalnum() else " " for c in normalise_name(name)).split()
    if any(w in _BUCKET_WORDS for w in words):
        return True
    pairs = set(zip(words, words[1:], strict=False))
    return any(p in pairs for p in _BUCKET_PHRASES)
