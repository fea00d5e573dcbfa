"""The class 41 lines of a FEC file: which are customer entries, and each entry's record.

The customers (see `fec_accounts`): the auxiliary account (CompAuxNum) of a 411 or 416 line;
without one, a detailed general account (411DUPONT) is the customer, and a collective one
(41100000) gathers its lines in one customer "Clients divers". Every other line of class 41 is
counted as left out, by reason.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from src_dash.money import ZERO
from src_dash.sources.fec_accounts import account_kind, bucket_name, is_detailed
from src_dash.sources.fec_format import looks_like_amount, normalise_name
from src_dash.sources.fec_reading import ReaderBase, Tally
from src_dash.sources.records import EntryRecord

#: The longest customer key (auxiliary or general account number) the store keeps.
CUSTOMER_KEY_LIMIT = 20

_CARRIED_FORWARD_CODES = frozenset({"AN", "RAN"})
_CARRIED_FORWARD_WORDS = frozenset({"nouveau", "nouveaux", "report", "reports", "ran"})


def _is_carried_forward(code: str, lib: str) -> bool:
    """Whether a journal looks like à-nouveaux (AN, RAN, "A nouveaux", "Report à nouveau")."""
    if code.upper() in _CARRIED_FORWARD_CODES:
        return True
    words = "".join(c if c.isalnum() else " " for c in normalise_name(lib)).split()
    return any(w in _CARRIED_FORWARD_WORDS for w in words)


def _entry_key(content: str, occurrence: int) -> int:
    """A stable positive 63-bit key from a line's content and its rank among identical lines."""
    digest = hashlib.blake2b(
        f"{content}\x1f{occurrence}".encode(), digest_size=8, person=b"src_dash.fec"
    ).digest()
    return (int.from_bytes(digest, "big") >> 1) or 1


def _entry_content(
    journal: str,
    number_text: str,
    posted: date,
    account: str,
    aux: str,
    piece: str,
    document_date: date | None,
    label: str,
    amount: Decimal,
) -> str:
    """What identifies a line, for its entry key.

    Debit and Credit enter the key as the net amount on its side, so the key does not depend on
    how the file writes amounts (padding, Montant + Sens, both sides filled). Lettering stays out
    of the key: next month's file letters this same line, and the sync must see it as a change
    of the entry (its hash), not as a new entry.
    """
    return "\x1f".join(
        (
            journal,
            number_text,
            str(posted),
            account,
            aux,
            piece,
            str(document_date) if document_date else "",
            label,
            str(amount) if amount >= 0 else "0.00",
            "0.00" if amount >= 0 else str(-amount),
        )
    )


class CustomerLines(ReaderBase):
    """Takes the class 41 lines: customer entries, or lines left out by reason."""

    def kind(self, account: str) -> tuple[bool, str, bool]:
        """(receivable, "411"/"416" or exclusion reason, detailed) of a class 41 account."""
        found = self.kinds.get(account)
        if found is None:
            receivable, code = account_kind(account)
            found = self.kinds[account] = (receivable, code, receivable and is_detailed(account))
        return found

    def exclude(self, reason: str, name: str, number: int, cents: int) -> None:
        """Count a line of class 41 left out of the customer entries."""
        tally = self.excluded.get(reason)
        if tally is None:
            tally = self.excluded[reason] = Tally()
        tally.add(number, cents, name)

    def class_41_line(
        self, number: int, fields: list[str], account: str, posted: date, cents: int
    ) -> None:
        """Turn a 411/416 line into a customer's entry, or count it as left out."""
        receivable, code, detailed = self.kinds.get(account) or self.kind(account)
        if not receivable:
            self.exclude(code, account, number, cents)
            return
        cols = self.cols
        aux = fields[cols.comp_aux_num].strip()
        if aux:
            key, name_column = aux, cols.comp_aux_lib
        else:
            key, name_column = account, cols.compte_lib
        if key in self.not_customers:
            self.exclude("not_a_customer", key, number, cents)
            return
        names = self.customer_names
        if key not in names and len(key) > CUSTOMER_KEY_LIMIT:
            raise self.fail(
                number,
                cols.comp_aux_num if aux else cols.compte_num,
                f"{key!r} is longer than {CUSTOMER_KEY_LIMIT} characters, the longest customer "
                "number the app keeps",
            )
        if aux:
            self.aux_accounts.add(account)
        elif not detailed:
            tally = self.no_aux.get(account)
            if tally is None:
                tally = self.no_aux[account] = Tally()
                names[key] = bucket_name(account)
            tally.add(number, cents)
        if not names.get(key):
            names[key] = fields[name_column].strip()
        self.balances[key] = self.balances.get(key, 0) + cents
        self.customer_entry(number, fields, account, aux, key, posted, cents, code == "416")

    def customer_entry(
        self,
        number: int,
        fields: list[str],
        account: str,
        aux: str,
        customer: str,
        posted: date,
        cents: int,
        doubtful: bool,
    ) -> None:
        """Add the entry of a customer's line."""
        cols = self.cols
        amount = Decimal(cents).scaleb(-2)
        journal = fields[cols.journal_code].strip()
        journal_key = (journal, fields[cols.journal_lib])
        carried = self.journals.get(journal_key)
        if carried is None:
            carried = _is_carried_forward(journal, journal_key[1].strip())
            self.journals[journal_key] = carried
        number_text = fields[cols.ecriture_num].strip()
        piece = fields[cols.piece_ref].strip()
        label = fields[cols.ecriture_lib].strip()
        # Every date of the line was validated (and cached) by the main loop.
        document_date = self.date_at(fields, cols.piece_date, number)
        lettering = fields[cols.ecriture_let].strip()
        # (A comma there was refused by the main loop; an amount with a point is refused here.)
        if lettering and "." in lettering and looks_like_amount(lettering):
            raise self.shifted(number, cols.ecriture_let, lettering, "a lettering code")
        lettering_date = self.date_at(fields, cols.date_let, number) if lettering else None
        due = self.date_at(fields, cols.due_date, number) if cols.due_date is not None else None
        if due is None:
            base = document_date or posted
            due = base + self.terms if amount > 0 else base
        currency, amount_currency = self._currency(number, fields, amount)
        payment_method = (
            fields[cols.payment_method].strip() if cols.payment_method is not None else ""
        )
        content = _entry_content(
            journal, number_text, posted, account, aux, piece, document_date, label, amount
        )
        occurrence = self.occurrences.get(content, 0)
        self.occurrences[content] = occurrence + 1
        if lettering:
            group = (customer, lettering)
            self.groups[group] = self.groups.get(group, ZERO) + amount

        self.entries.append(
            EntryRecord(
                key=_entry_key(content, occurrence),
                customer_key=customer,
                journal=journal,
                posting_date=posted,
                document_date=document_date,
                piece=piece,
                reference=piece,
                label=label,
                account=account,
                amount=amount,
                due_date=due,
                entry_no=int(number_text)
                if number_text.isascii() and number_text.isdigit() and len(number_text) <= 18
                else None,
                currency=currency,
                amount_currency=amount_currency,
                lettering_code=lettering,
                lettered=bool(lettering),
                lettering_date=lettering_date,
                settled_on=lettering_date,
                payment_method=payment_method,
                carried_forward=carried,
                doubtful=doubtful,
            )
        )

    def _currency(
        self, number: int, fields: list[str], amount: Decimal
    ) -> tuple[str, Decimal | None]:
        """A line's currency ("" for EUR) and its amount in that currency, signed as `amount`."""
        cols = self.cols
        currency = fields[cols.idevise].strip().upper()
        amount_currency: Decimal | None = None
        if currency == "EUR":
            currency = ""
        elif currency:
            if "." in currency and looks_like_amount(currency):
                raise self.shifted(number, cols.idevise, currency, "a currency")
            raw_md = fields[cols.montant_devise]
            if raw_md.strip():
                md = abs(Decimal(self.amount_at(fields, cols.montant_devise, number, False)))
                amount_currency = (-md if amount < 0 else md).scaleb(-2)
        return currency, amount_currency
