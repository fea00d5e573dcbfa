"""Suggestions read from a customer's reply by rules on French and English wording.

Three kinds, each with the sentence it came from (the collector sees why it was suggested):

- ``promise``: a payment to come, with its date (a year inferred forward from today: on
  2026-11-22, "le 15/01" is 2027-01-15) and its amount when written ("1 250,00 €");
  "nous réglerons le 15/01", "paiement prévu le 15 janvier", "we will pay on 15 January".
- ``paid``: "déjà payé", with the transfer's reference and date when written (a date inferred
  backward: a payment made is in the past); "virement effectué le 10/11", "already paid".
- ``dispute``: a reason (a code, see `DISPUTE_REASONS`) from "litige", "facture contestée",
  "pas reçu la marchandise", "damaged goods"...

A sentence that says no ("nous ne réglerons pas", "we will not pay", "n'avons pas encore payé")
gives no promise and no payment. The quoted history below the customer's text (lines in ">",
"Le ... a écrit :", "-----Original Message-----", a "De :"/"From:" header block) is cut first:
the dunning message quoted there must not suggest anything.

Plain functions on text; no store, no mail.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

PROMISE, PAID, DISPUTE = "promise", "paid", "dispute"

# Dispute reason codes, with the words of the configurable list they match (casefolded, no
# accents) and a French label to create or show.
DISPUTE_REASONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "not_received": ("Marchandise non reçue", ("non recu", "livraison", "incomplet")),
    "quality": ("Marchandise non conforme", ("conforme", "defectu", "qualite")),
    "price": ("Erreur de prix", ("prix", "erreur")),
    "invoice_missing": ("Facture non reçue", ("facture non recue",)),
    "credit_note": ("Avoir attendu", ("avoir",)),
    "duplicate": ("Double facturation", ("double", "doublon")),
    "contested": ("Facture contestée", ("contest",)),
    "other": ("Autre", ("autre",)),
}


@dataclass(frozen=True)
class Suggestion:
    """One thing a reply seems to say.

    Attributes:
        kind: ``promise``, ``paid`` or ``dispute``.
        quote: the sentence it came from, as written (spaces collapsed).
        on: the promised day, or the day the payment was made (None when not written).
        amount: the amount written in the sentence, if any.
        reference: the payment's reference (``paid``), if any.
        reason: the dispute's reason code (see `DISPUTE_REASONS`).
    """

    kind: str
    quote: str
    on: date | None = None
    amount: Decimal | None = None
    reference: str = ""
    reason: str = ""

    def as_dict(self) -> dict:
        """A JSON-ready dict (dates ISO, amounts as text)."""
        return {
            "kind": self.kind,
            "quote": self.quote,
            "on": self.on.isoformat() if self.on else None,
            "amount": str(self.amount) if self.amount is not None else None,
            "reference": self.reference,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Suggestion:
        """The suggestion `as_dict` wrote."""
        return cls(
            kind=str(data.get("kind", "")),
            quote=str(data.get("quote", "")),
            on=date.fromisoformat(data["on"]) if data.get("on") else None,
            amount=Decimal(data["amount"]) if data.get("amount") not in (None, "") else None,
            reference=str(data.get("reference") or ""),
            reason=str(data.get("reason") or ""),
        )


def fold(text: str) -> str:
    """Lowercase without accents, with typographic apostrophes made plain (for matching).

    The length is kept, so positions found in the folded text are those of the original.
    """
    out = []
    for ch in text.lower():
        if ch in "\u2019\u2018`\u00b4":
            out.append("'")
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base if base.isascii() else ch)
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Cutting the quoted history

_QUOTE_HEADERS = re.compile(
    r"^\s*(?:"
    r"le .{4,120}a [ée]crit\s*:"
    r"|on .{4,160}wrote\s*:"
    r"|-{2,}\s*(?:original message|message d'origine|message original|forwarded message"
    r"|message transf[ée]r[ée])\s*-{2,}"
    r"|_{10,}"
    r"|(?:de|from)\s*:.*$"
    r")",
    re.IGNORECASE,
)
_HEADER_FOLLOW = re.compile(r"^\s*(?:envoy[ée]|sent|date|[àa]|to|objet|subject|cc)\s*:", re.I)


def strip_quoted(text: str) -> str:
    """The sender's own text: the reply above the quoted history, without "> " lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for n, line in enumerate(lines):
        if line.lstrip().startswith(">"):
            continue
        if _QUOTE_HEADERS.match(line):
            low = line.strip().lower()
            if low.startswith(("de", "from")):
                # A "De : x" line opens the history only when a header block follows it.
                following = [x for x in lines[n + 1 : n + 4] if x.strip()]
                if not following or not _HEADER_FOLLOW.match(following[0]):
                    kept.append(line)
                    continue
            break
        kept.append(line)
    return "\n".join(kept).strip()


# ---------------------------------------------------------------------------------------------
# Sentences and clauses

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Ý0-9\"«(])|\n\s*\n|\n(?=\s*[-*•])")
_CLAUSE_SPLIT = re.compile(
    r",|;|:|\b(?:mais|cependant|toutefois|par contre|en revanche|but|however|although)\b"
)


def sentences(text: str) -> list[str]:
    """The sentences of a text, each with its spaces collapsed (lines of one paragraph join)."""
    out = []
    for part in _SENTENCE_END.split(text):
        part = " ".join(part.split())
        if part:
            out.append(part)
    return out


def _clause(folded: str, at: int) -> str:
    """The clause of a folded sentence that holds position `at`."""
    start, end = 0, len(folded)
    for m in _CLAUSE_SPLIT.finditer(folded):
        if m.end() <= at:
            start = m.end()
        elif m.start() > at:
            end = m.start()
            break
    return folded[start:end]


_NEG_FR = re.compile(
    r"\bn(?:e\b|')[^.]*?\b(?:pas|plus|jamais|point|aucun|aucune|rien|guere)\b"
    r"|\b(?:pas|jamais|plus) (?:encore )?(?:en mesure|possible|pu|pouvoir)\b"
    r"|\bimpossible\b|\brefus\w*|\bsans (?:payer|regler)\b"
)
_NEG_EN = re.compile(
    r"\b(?:not|never|cannot|unable|no longer|refuse\w*)\b|n't\b|\bwon t\b|\bcan t\b"
)


def negated(clause: str) -> bool:
    """Whether a folded clause says no (ne ... pas, not, never, impossible...)."""
    return bool(_NEG_FR.search(clause) or _NEG_EN.search(clause))


# ---------------------------------------------------------------------------------------------
# Dates

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
    "mars": 3, "march": 3, "mar": 3,
    "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "juil": 7, "july": 7, "jul": 7,
    "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH_WORD = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAYS = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_WEEKDAY_WORD = "|".join(_WEEKDAYS)

_ISO = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_NUMERIC = re.compile(
    r"(?<![\d/.,\-])(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{4}|\d{2}))?"
    r"(?![\d/\-]|[.,]\d|\s?(?:€|eur))"
)
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:er|e|eme|st|nd|rd|th)?(?: of)? ({_MONTH_WORD})\b\.?(?:,? (\d{{4}}))?"
)
_MONTH_DAY = re.compile(rf"\b({_MONTH_WORD})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (\d{{4}}))?")
_RELATIVE = re.compile(
    r"\b(?P<tomorrow>demain|tomorrow)\b"
    r"|\b(?P<next_eom>fin du mois prochain|end of next month)\b"
    r"|\b(?P<eom>fin (?:du |de ce )?mois|end of (?:the |this )?month)\b"
    r"|\b(?P<next_week>(?:la )?semaine prochaine|next week)\b"
    r"|\b(?P<eow>(?:en )?fin de semaine|end of (?:the |this )?week)\b"
    r"|\b(?:sous|dans|d'ici|within|in) (?P<days>\d{1,3}) (?:jours|days)\b"
    r"|\b(?:sous|dans|d'ici|within|in) (?:une|one|a) semaine\b(?P<week>)"
    rf"|\b(?P<weekday>{_WEEKDAY_WORD})(?: prochain| next)?\b"
    r"|\bnext (?P<weekday_en>" + _WEEKDAY_WORD + r")\b"
)


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer(month: int, day: int, year: int | None, today: date, forward: bool) -> date | None:
    """A day from its parts; without a year, the nearest one forward (or backward) from today."""
    if year is not None:
        if year < 100:
            year += 2000
        return _safe(year, month, day)
    if forward:
        found = _safe(today.year, month, day)
        if found is None or found < today:
            found = _safe(today.year + 1, month, day)
        return found
    found = _safe(today.year, month, day)
    if found is None or found > today:
        found = _safe(today.year - 1, month, day)
    return found


def _end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def find_dates(folded: str, today: date, forward: bool = True) -> list[tuple[int, date]]:
    """The days written in a folded sentence, with their positions, in order."""
    found: list[tuple[int, date]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], value: date | None) -> None:
        if value is None or any(s < m.end() and m.start() < e for s, e in taken):
            return
        taken.append((m.start(), m.end()))
        found.append((m.start(), value))

    for m in _ISO.finditer(folded):
        add(m, _safe(int(m[1]), int(m[2]), int(m[3])))
    for m in _DAY_MONTH.finditer(folded):
        year = int(m[3]) if m[3] else None
        add(m, _infer(_MONTHS[m[2]], int(m[1]), year, today, forward))
    for m in _MONTH_DAY.finditer(folded):
        year = int(m[3]) if m[3] else None
        add(m, _infer(_MONTHS[m[1]], int(m[2]), year, today, forward))
    for m in _NUMERIC.finditer(folded):
        first, second = int(m[1]), int(m[2])
        year = int(m[3]) if m[3] else None
        day, month = first, second
        if second > 12 >= first:  # 01/15: an English month first
            day, month = second, first
        if not 1 <= month <= 12:
            continue
        add(m, _infer(month, day, year, today, forward))
    for m in _RELATIVE.finditer(folded):
        value: date | None = None
        if m["tomorrow"]:
            value = today + timedelta(days=1)
        elif m["next_eom"]:
            value = _end_of_month(_end_of_month(today) + timedelta(days=1))
        elif m["eom"]:
            value = _end_of_month(today)
        elif m["next_week"]:
            value = today + timedelta(days=7 - today.weekday())
        elif m["eow"]:
            value = today + timedelta(days=(4 - today.weekday()) % 7)
        elif m["days"]:
            value = today + timedelta(days=int(m["days"]))
        elif m["week"] is not None:
            value = today + timedelta(days=7)
        elif m["weekday"] or m["weekday_en"]:
            wanted = _WEEKDAYS[m["weekday"] or m["weekday_en"]]
            ahead = (wanted - today.weekday()) % 7 or 7
            value = today + timedelta(days=ahead) if forward else None
        add(m, value)
    return sorted(found)


# ---------------------------------------------------------------------------------------------
# Amounts

_AMOUNT = re.compile(
    r"(?:(?P<pre>€|\beur\b|\beuros?\b)\s?)?"
    r"(?P<num>(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f.,']\d{3})+(?:[.,]\d{1,2})?"
    r"|(?<![\d.,])\d+(?:[.,]\d{1,2})?)"
    r"(?:\s?(?P<post>€|eur\b|euros?\b))?"
)


def parse_amount(number: str) -> Decimal | None:
    """A written amount as a Decimal: "1 250,00", "1.250,00", "1,250.00", "1250", "99,5"."""
    raw = re.sub(r"[ \u00a0\u202f']", "", number)
    if "," in raw and "." in raw:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        raw = raw.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in raw or "." in raw:
        sep = "," if "," in raw else "."
        head, _, tail = raw.rpartition(sep)
        if len(tail) == 3 and raw.count(sep) >= 1 and len(head.replace(sep, "")) <= 3 * 4:
            raw = raw.replace(sep, "")  # thousands: 1,250 or 1.250.000
        elif raw.count(sep) == 1:
            raw = raw.replace(sep, ".")
        else:
            return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value.quantize(Decimal("0.01"))


def find_amounts(folded: str) -> list[tuple[int, Decimal]]:
    """Amounts with a currency (€, EUR, euros) in a folded sentence, with their positions."""
    out = []
    for m in _AMOUNT.finditer(folded):
        if not (m["pre"] or m["post"]):
            continue
        value = parse_amount(m["num"])
        if value is not None and value > 0:
            out.append((m.start(), value))
    return out


# ---------------------------------------------------------------------------------------------
# The rules

_PROMISE = re.compile(
    # French: future and near future of paying, planned payments.
    r"\b(?:reglerons|reglerai|reglera|regleront|payerons|paierons|payerai|paierai|payera|paiera"
    r"|virerons|virerai|solderons|solderai|verserons|procederons|procederai|effectuerons"
    r"|effectuerai|ferons (?:le|un) (?:virement|paiement|reglement))\b"
    r"|\b(?:allons|vais|va|pouvons|pourrons|pourrai|devrions|comptons|prevoyons|souhaitons)"
    r" (?:vous )?(?:proceder au |effectuer (?:le |un )?)?"
    r"(?:regler|payer|virer|solder|verser|reglement|paiement|virement)\b"
    r"|\b(?:paiement|reglement|virement|versement|cheque)s? (?:est |sera |a ete |sont )?"
    r"(?:prevus?|programmes?|planifies?|envisages?|pr[eé]vu)\b"
    r"|\bmis(?:e)? en paiement\b|\bmettons en paiement\b|\bmettrons en paiement\b"
    r"|\bsera (?:reglee?|payee?|viree?|soldee?|versee?|effectuee?)\b"
    r"|\bseront (?:reglees?|payees?|virees?|soldees?|versees?)\b"
    r"|\bau plus tard le\b"
    # English.
    r"|\b(?:will|shall|'ll|going to|plan to|expect to|intend to|can|could)"
    r" (?:be able to )?(?:make (?:the |a )?payment|pay|settle|transfer|remit|wire|process)\b"
    r"|\bpayment (?:is |will be |has been )?(?:scheduled|planned|due to be made|expected)\b"
    r"|\b(?:will|shall) be (?:paid|settled|transferred|wired|processed)\b"
    r"|\bscheduled (?:the |a )?payment\b|\bpayment will (?:be made|go out|reach you)\b"
)
_PAID = re.compile(
    r"\bdeja (?:ete )?(?:paye|payee|payees|payes|regle|reglee|reglees|regles|vire|viree|solde|"
    r"soldee|verse|effectue)\b"
    r"|\b(?:avons|ai|a) (?:deja |bien )?(?:paye|regle|vire|verse|solde|envoye (?:le|un|notre|"
    r"votre) (?:reglement|paiement|cheque|virement)|effectue (?:le|un|notre) "
    r"(?:reglement|paiement|virement|versement)|procede au (?:reglement|paiement|virement))\b"
    r"|\b(?:virement|reglement|paiement|versement|cheque)s?"
    r"(?: (?:n[o°º]\.? ?|ref\.? ?)?[a-z]*\d[a-z0-9\-/]*| de [\d \u00a0\u202f.,]+ ?(?:€|eur\w*)?)?"
    r" (?:a ete |ont ete |est |sont |bien )?"
    r"(?:effectues?|envoyes?|emis|realises?|passes?|parti|partis|execute|executes)\b"
    r"|\b(?:facture|factures|somme|montant|solde)s? (?:a ete |ont ete |est |sont )"
    r"(?:deja )?(?:reglees?|payees?|soldees?|virees?)\b"
    r"|\bdeja (?:fait|effectue) (?:le|un) (?:virement|reglement|paiement)\b"
    # English.
    r"|\balready (?:been )?(?:paid|settled|transferred|sent (?:the )?payment|wired|remitted)\b"
    r"|\b(?:has|have|had|was|were) (?:already )?been (?:paid|settled|transferred|wired|"
    r"remitted)\b"
    r"|\b(?:we|i) (?:have )?(?:already )?(?:paid|settled|transferred|wired|remitted)\b"
    r"|\b(?:we|i) (?:have )?(?:already )?(?:sent|made|processed|issued) (?:the |a |our |your )?"
    r"(?:payment|transfer|remittance|cheque|check|wire)\b"
    r"|\b(?:payment|transfer|remittance|wire) (?:was |has been |is )?(?:made|sent|done|"
    r"processed|executed|completed|issued)\b"
)
_DISPUTE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "not_received",
        re.compile(
            r"\b(?:pas|jamais|non) (?:encore )?(?:ete )?(?:recu|recus|recue|recues|livre|livree|"
            r"livres|livrees)\b(?! (?:la|votre|cette|les|vos) factures?)"
            r"|\bn'(?:avons|ai|a) (?:toujours |jamais )?(?:pas |jamais )?(?:encore )?"
            r"(?:recu|recus|recue|recues|ete livree?s?)\b(?! (?:la|votre|cette|les|vos) factures?)"
            r"|\b(?:marchandise|livraison|commande|colis|prestation)s? (?:non|pas|jamais) "
            r"(?:recue?s?|livree?s?|effectuee?s?|faite?s?)\b"
            r"|\blivraison (?:incomplete|partielle)\b"
            r"|\b(?:not|never) (?:yet )?(?:received|delivered)\b(?! (?:the |your |this )?invoice)"
            r"|\b(?:did not|didn't|have not|haven't|has not|hasn't) (?:yet )?(?:receive|received|"
            r"been delivered|arrived)\b(?! (?:the |your |this )?invoice)"
            r"|\b(?:goods|delivery|order|parcel|shipment)s? (?:never |not |has not |have not )"
            r"(?:yet )?(?:arrived|received|delivered|been delivered)\b"
        ),
    ),
    (
        "invoice_missing",
        re.compile(
            r"\b(?:pas|jamais|non) (?:encore )?(?:ete )?recue?s? (?:la|votre|cette|les|vos) "
            r"factures?\b|\bfactures? (?:non|pas|jamais) recues?\b"
            r"|\b(?:not|never) (?:yet )?received (?:the |your |this )?invoices?\b"
            r"|\binvoices? (?:was |were )?(?:not|never) received\b"
        ),
    ),
    (
        "quality",
        re.compile(
            r"\bnon conformes?\b|\bpas conformes?\b|\bdefectu\w*|\babime\w*|\bendommage\w*"
            r"|\bcasse\w*\b|\bmalfacon\w*|\bdamaged\b|\bdefective\b|\bfaulty\b|\bbroken\b"
            r"|\bnot as ordered\b|\bwrong (?:goods|items|products?)\b"
        ),
    ),
    (
        "price",
        re.compile(
            r"\berreur (?:de |sur (?:la |le )?)?(?:prix|facturation|montant|tarif|facture)\b"
            r"|\bfactures? erronee?s?\b|\bprix (?:incorrects?|errones?|faux)\b"
            r"|\bmontant (?:incorrect|errone|faux)\b"
            r"|\bwrong (?:price|amount|invoice|rate)\b|\bincorrect (?:price|amount|invoice)\b"
            r"|\b(?:pricing|billing|invoicing) (?:error|mistake)\b|\boverbilled\b|\bovercharged\b"
        ),
    ),
    (
        "duplicate",
        re.compile(
            r"\bdouble (?:facturation|paiement|facture)\b|\bfacture(?:e|s)? deux fois\b"
            r"|\bdeja (?:ete )?facture(?:e|s)?\b|\bdoublon\b"
            r"|\b(?:billed|invoiced|charged) twice\b|\bduplicate (?:invoice|billing)\b"
        ),
    ),
    (
        "credit_note",
        re.compile(
            r"\b(?:attendons|attente d'|en attente d'|attend) (?:un |une |votre |l')?avoir\b"
            r"|\bavoir (?:promis|attendu|prevu|a venir|en attente)\b"
            r"|\b(?:waiting for|awaiting|expecting|expect) (?:a |the |your )?credit note\b"
        ),
    ),
    (
        "contested",
        re.compile(
            r"\blitiges?\b|\bcontest\w*|\breclamation\b|\bdesaccord\b"
            r"|\bpas (?:d'accord|commande)\b|\bjamais commande\b"
            r"|\bdispute[ds]?\b|\bcontest(?:ed|ing)?\b|\bcomplaint\b|\bdisagree\w*"
            r"|\bdid not order\b|\bdidn't order\b|\bnever ordered\b"
        ),
    ),
)
_NO_DISPUTE = re.compile(
    r"\b(?:pas de|aucun|sans) (?:litige|contestation|reclamation)\b"
    r"|\bne (?:contestons|conteste) pas\b|\bno (?:dispute|complaint)\b"
    r"|\b(?:do not|don't) dispute\b|\bnot disputing\b"
)
_REFERENCE = re.compile(
    r"(?:\b(?:ref(?:erence)?|numero|number|transaction(?: id)?|cheque|check|virement|transfer)"
    r"\b\.?|\bn[o°º]\.?)"
    r"(?:\s*(?:de virement|du virement|de paiement|du cheque|of (?:the |our )?(?:transfer|payment)"
    r"|bancaire|n[o°º]\.?))?\s*[:#]?\s*(?P<ref>(?=[a-z0-9\-/_.]*\d)[a-z0-9][a-z0-9\-/_.]{3,39})"
)


def _reference(sentence: str) -> str:
    """A payment reference in a sentence: the first code with a digit after a ref/n° word."""
    for m in _REFERENCE.finditer(fold(sentence)):
        ref = sentence[m.start("ref") : m.end("ref")].rstrip("./-_")
        if any(ch.isdigit() for ch in ref) and not re.fullmatch(r"[\d/.\-]+", ref):
            return ref
        if re.fullmatch(r"\d{5,}", ref):
            return ref
    return ""


def _nearest_after(found: list[tuple[int, object]], at: int) -> object | None:
    """The value found after position `at` (the first), else the last one before it."""
    after = [v for pos, v in found if pos >= at]
    if after:
        return after[0]
    before = [v for pos, v in found if pos < at]
    return before[-1] if before else None


def suggest(text: str, today: date) -> list[Suggestion]:
    """The suggestions of a reply (its quoted history is cut first), in the reply's order.

    Args:
        text: the reply's text (plain; HTML made text by the caller).
        today: the day the reply is read (dates without a year are inferred from it).

    Returns:
        At most one suggestion per kind and per sentence, without repeats of the same
        (kind, day, amount, reason).
    """
    out: list[Suggestion] = []
    seen: set[tuple] = set()

    def keep(s: Suggestion) -> None:
        key = (s.kind, s.on, s.amount, s.reason, s.reference)
        if key not in seen:
            seen.add(key)
            out.append(s)

    for sentence in sentences(strip_quoted(text)):
        folded = fold(sentence)
        quote = sentence[:500]
        paid = _PAID.search(folded)
        if paid and not negated(_clause(folded, paid.start())):
            dates = find_dates(folded, today, forward=False)
            on = _nearest_after(dates, paid.start())
            amounts = find_amounts(folded)
            keep(
                Suggestion(
                    PAID,
                    quote,
                    on=on if isinstance(on, date) and on <= today else None,
                    amount=_nearest_after(amounts, 0),  # type: ignore[arg-type]
                    reference=_reference(sentence),
                )
            )
        else:
            promise = _PROMISE.search(folded)
            if promise and not negated(_clause(folded, promise.start())):
                dates = [(p, d) for p, d in find_dates(folded, today) if d >= today]
                on = _nearest_after(dates, promise.start())
                if on is not None:
                    amounts = find_amounts(folded)
                    keep(
                        Suggestion(
                            PROMISE,
                            quote,
                            on=on,  # type: ignore[arg-type]
                            amount=_nearest_after(amounts, 0),  # type: ignore[arg-type]
                        )
                    )
        if _NO_DISPUTE.search(folded):
            continue
        for reason, pattern in _DISPUTE_RULES:
            if pattern.search(folded):
                keep(Suggestion(DISPUTE, quote, reason=reason))
                break
    return out
