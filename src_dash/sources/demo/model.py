"""Simulation objects of the demo generator: third parties, pieces, lines and lettering groups."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from src_dash.sources.demo.common import end_of_month

# Kinds of line: invoice, recovery indemnity, credit note, payment, unapplied payment, exchange
# difference, carried-forward ("à-nouveau") line.
K_INV, K_IND, K_AVR, K_PAY, K_UNAP, K_DIFF, K_RAN = range(7)


class Group:
    """A set of lines lettered together; `final_day` is the day the last one was posted."""

    __slots__ = ("final_day",)

    def __init__(self, final_day: int) -> None:
        self.final_day = final_day


class Piece:
    """A sales, credit-note or miscellaneous piece (journal VTE or OD) of one third party."""

    __slots__ = (
        "kind", "day", "tiers", "lines", "ht", "tva", "num", "label", "reference", "aff", "order",
    )  # fmt: skip

    def __init__(self, kind: int, day: int, tiers: Tiers, ht: int, tva: int) -> None:
        self.kind = kind
        self.day = day
        self.tiers = tiers
        self.lines: list[Line] = []
        self.ht = ht
        self.tva = tva
        self.num = ""
        self.label = ""
        self.reference = ""
        self.aff = ""
        self.order = ""  # free field "N° commande" of its F_ECRITUREC lines


class Line:
    """One line on a third-party account (411 or 401) and, after resolution, its lettering."""

    __slots__ = (
        "kind", "sens", "day", "doc_day", "due", "cents", "cur", "rate", "piece", "ref", "label",
        "tiers", "group", "partials", "partial_of", "src", "is_item",
        "lettre", "code", "lettreq", "status", "regle", "dregle", "rappel", "drelance", "mday",
    )  # fmt: skip

    def __init__(
        self,
        kind: int,
        sens: int,
        day: int,
        cents: int,
        tiers: Tiers,
        *,
        is_item: bool = False,
        due: int | None = None,
        piece: Piece | None = None,
        cur: int = 0,
        rate: Decimal | None = None,
        ref: str = "",
        label: str = "",
        doc_day: int | None = None,
    ) -> None:
        self.kind = kind
        self.sens = sens
        self.day = day
        self.doc_day = day if doc_day is None else doc_day
        self.due = due
        self.cents = cents
        self.cur = cur
        self.rate = rate
        self.piece = piece
        self.ref = ref
        self.label = label
        self.tiers = tiers
        self.group: Group | None = None
        self.partials: list[Line] | None = None
        self.partial_of: Line | None = None
        self.src: Line | None = None
        self.is_item = is_item
        self.lettre = 0
        self.code = ""
        self.lettreq = 0
        self.status = 0
        self.regle = 0
        self.dregle: int | None = None
        self.rappel = 0
        self.drelance: int | None = None
        self.mday = day


@dataclass
class Terms:
    """One row of F_REGLEMENTT: condition 0 net / 1 end of month civil / 2 end of month."""

    condition: int
    days: int
    repart: int  # 0 percentage, 1 balance
    value: Decimal

    def due(self, day: int) -> int:
        if self.condition == 0:
            return day + self.days
        if self.condition == 1:
            return end_of_month(day + self.days)
        return end_of_month(day) + self.days


class Tiers:
    """A third party (customer or supplier) with its master data and simulated lines."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.ct_num = ""
        self.ct_type = 0
        self.name = ""
        self.classement = ""
        self.trade = ""
        self.stem = ""
        self.address = ""
        self.complement = ""
        self.postal_code = ""
        self.town = ""
        self.country = "France"
        self.phone = ""
        self.fax = ""
        self.email = ""
        self.domain = ""
        self.contact = ""
        self.siret = ""
        self.vat_id = ""
        self.ape = ""
        self.co_no = 0
        self.credit_limit = 0
        self.risk = 1
        self.not_rappel = 0
        self.not_penal = 0
        self.dormant = False
        self.devise = 0  # N_Devise, 0 = EUR
        self.iso = ""
        self.vat = True
        self.account = ""
        self.payer = ""
        self.created = 0
        self.language = 0
        self.segment = "PME"
        self.loyalty = ""
        self.entry_date: int | None = None
        self.potential = 0
        self.method = 1
        self.terms: list[Terms] = []
        self.behaviour = "good"
        self.mean = 0.0
        self.sd = 3.0
        self.mix: tuple[float, float, float, float] | None = None  # erratic: m1, sd1, m2, sd2
        self.dispute_rate = 0.0
        self.partial_rate = 0.0
        self.batch: str | None = None
        self.weight = 1.0
        self.median = 500.0
        self.start = 0
        self.end = 0
        self.no_contact = False
        self.unapplied = False
        self.commercial_credits = False
        self.dunned = True
        self.export_eu = False
        self.big = False
        self.expense = ""
        self.months = 0.0
        self.recent_credit = False
        self.show_partial = False
        self.lines: list[Line] = []
        self.pieces: list[Piece] = []
