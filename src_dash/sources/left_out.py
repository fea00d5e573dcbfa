"""Lines of class 41 a source does not take as customer entries: the run's report of them.

Nothing of class 41 is dropped silently. A Sage sync takes the lines whose third party
(CT_Num) is a customer; its other class 41 lines (no third party, or a supplier, an employee...)
are counted by reason and account group (`Sage100Reader.left_out_lines`). A FEC import counts
its own (`fec_accounts.ExcludedLines`), turned into the same shape here, so that a run keeps one
report whatever fed it: in its `details` JSON, in `src-dash status --json` and on
/synchronisation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from src_dash.sources.fec_accounts import ExcludedLines

__all__ = [
    "ACCOUNT_GROUPS",
    "OTHER_41",
    "REASONS",
    "LeftOutLines",
    "account_group",
    "from_fec",
    "left_out_warnings",
    "run_report",
]

#: The account groups of class 41 a report names; any other 41x account is OTHER_41.
ACCOUNT_GROUPS = ("411", "413", "416", "418", "419")
OTHER_41 = "41x"

#: Why lines were left out, and what that means (English, for the CLI and the logs).
REASONS: dict[str, str] = {
    # A Sage sync: by the line's third party.
    "no_third_party": "no third-party account (CT_Num empty)",
    "third_party_not_customer": "the third party is not a customer (CT_Type <> 0)",
    "customer_other_account": "a customer's line on a class 41 account other than 411 and 416",
    # A FEC import: by the line's general account, or set aside by the admin.
    "bills_receivable": "413: bills of exchange receivable (effets à recevoir)",
    "unbilled_receivables": "418: receivables not yet invoiced (factures à établir)",
    "customer_advances": "419: advances, deposits and credits owed to customers (avances reçues)",
    "other_class_41": "other accounts of class 41 that are not receivables",
    "not_a_customer": "auxiliary accounts set aside as not customers",
}
# The account group each FEC reason stands for.
_FEC_GROUPS = {
    "bills_receivable": "413",
    "unbilled_receivables": "418",
    "customer_advances": "419",
    "other_class_41": OTHER_41,
}
# How many account keys a report names before it stops.
_KEYS_SHOWN = 5


@dataclass(frozen=True)
class LeftOutLines:
    """Lines of class 41 left out of the customer entries, for one reason and account group.

    Attributes:
        reason: A code of `REASONS`.
        account: The account group ("411", "413", "416", "418", "419" or "41x"); for the FEC's
            "not_a_customer", the auxiliary accounts set aside.
        lines: How many lines.
        amount: Their debit - credit, in the book currency.
    """

    reason: str
    account: str
    lines: int
    amount: Decimal

    def as_dict(self) -> dict[str, object]:
        """Plain data, for JSON (the amount as text)."""
        return {
            "reason": self.reason,
            "account": self.account,
            "lines": self.lines,
            "amount": str(self.amount),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> LeftOutLines:
        """Read back what `as_dict` gave (a run's details)."""
        return cls(
            reason=str(data.get("reason", "")),
            account=str(data.get("account", "")),
            lines=int(data.get("lines", 0) or 0),
            amount=Decimal(str(data.get("amount", "0") or "0")),
        )


def account_group(account: str) -> str:
    """The group a general account of class 41 belongs to: "411", ..., "419" or "41x"."""
    prefix = account.strip()[:3]
    return prefix if prefix in ACCOUNT_GROUPS else OTHER_41


def from_fec(excluded: Iterable[ExcludedLines | LeftOutLines]) -> list[LeftOutLines]:
    """A FEC reader's lines left out, in the shape a run keeps (LeftOutLines pass as they are)."""
    out = []
    for item in excluded:
        if isinstance(item, LeftOutLines):
            out.append(item)
            continue
        account = _FEC_GROUPS.get(item.reason)
        if account is None:
            keys = list(item.accounts)
            account = ", ".join(keys[:_KEYS_SHOWN]) + (", …" if len(keys) > _KEYS_SHOWN else "")
        out.append(
            LeftOutLines(reason=item.reason, account=account, lines=item.lines, amount=item.amount)
        )
    return out


def left_out_warnings(items: Iterable[LeftOutLines]) -> list[str]:
    """What a sync must tell the user of its lines left out: those on a receivable account
    (411, 416), which the books count as owed by customers the app cannot place."""
    out = []
    for item in items:
        if item.account in ("411", "416") and item.reason in (
            "no_third_party",
            "third_party_not_customer",
        ):
            out.append(
                f"{item.lines} line(s) on receivable accounts {item.account} are not customer "
                f"entries: {REASONS[item.reason]} (balance {item.amount})"
            )
    return out


def run_report(details: Mapping[str, object] | None) -> tuple[list[LeftOutLines], list[str]]:
    """The lines left out and the warnings a run recorded in its details (none when older)."""
    details = details or {}
    excluded = details.get("excluded") or []
    warnings = details.get("warnings") or []
    return (
        [LeftOutLines.from_dict(e) for e in excluded if isinstance(e, Mapping)],
        [str(w) for w in warnings],
    )
