"""Build Sage-100-shaped demo bases: SQLite files with the real Sage table and column names.

The connector (`sage100.py`) reads these files through unixODBC and the SQLite ODBC driver exactly
as it reads SQL Server, so the schema follows Sage 100c (see `demo_schema.py`) and the data follows
Sage's habits: 411 lines with CT_Num, counterpart lines without, split due dates, lettering codes,
partial settlements, carried-forward ("à-nouveaux") lines, currencies, empty-date sentinels.

Everything is deterministic from the spec's seed and the `today` date. Amounts are computed in
integer cents (exact, as Decimal would be) and stored as numeric(24,6).

Fiscal years: three calendar years Y-2 (closed, D_DateClot = its last day), Y-1 and Y (open),
with Y = today's year. Every item still open at the end of Y-2 is carried forward by one line of
journal RAN on the first day of Y-1 (EC_ANType = 1); later payments letter against that line. Only
the open years give the right balances.

Run `python -m src_dash.sources.demo --help` to build bases from the command line.
"""

from __future__ import annotations

import argparse
import csv
import gc
import math
import os
import random
import sqlite3
import string
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from src_dash.sources import demo_names as names
from src_dash.sources import demo_schema as schema
from src_dash.sources.demo_schema import SENTINEL_1753, SENTINEL_1900, quote

DEFAULT_TODAY = date(2026, 11, 22)
DEFAULT_CUSTOMERS = 300

BEHAVIOURS: tuple[str, ...] = ("good", "slow", "chronic", "erratic", "disputing")

# Estimated customer (411) lines per invoice, used to turn an `entries` target into an invoice
# rate: échéances + share of a payment + partials, credit notes, carried-forward lines.
_LINES_PER_INVOICE = 2.2

_K_INV, _K_IND, _K_AVR, _K_PAY, _K_UNAP, _K_DIFF, _K_RAN = range(7)
_REMINDER_OFFSETS = (15, 30, 45)
_TIMES = tuple(f"{8 + (i * 7) % 11:02d}:{(i * 13) % 60:02d}:00" for i in range(97))


def _codes() -> tuple[str, ...]:
    letters = string.ascii_uppercase
    return tuple(a + b + c for a in letters for b in letters for c in letters)


_CODES = _codes()
_CODES_LOWER = tuple(code.lower() for code in _CODES)


# --------------------------------------------------------------------------------------------
# Public API


@dataclass(frozen=True)
class DemoCompanySpec:
    """What to build for one demo company (one Sage base).

    Attributes:
        code: short company code, also the flavour key ("DEMO1", "DEMO2").
        name: company name (P_DOSSIER.D_RaisonSoc).
        customers: number of customer accounts (CT_Type = 0).
        entries: target number of customer-account (411) lines, None for the natural amount.
        seed: seed of the random generator.
    """

    code: str
    name: str
    customers: int
    entries: int | None
    seed: int


@dataclass(frozen=True)
class DemoSummary:
    """What `build_demo_base` built.

    Attributes:
        path: the SQLite file.
        code: company code.
        customers: number of customer accounts.
        customer_entries: F_ECRITUREC lines on customer accounts (all years, RAN included).
        total_entries: all F_ECRITUREC lines.
        seconds: wall time of the build.
    """

    path: Path
    code: str
    customers: int
    customer_entries: int
    total_entries: int
    seconds: float


def default_specs(
    customers: int | None = None, entries: int | None = None, seed: int = 42
) -> list[DemoCompanySpec]:
    """Return the two default demo companies, sharing totals 2/3 - 1/3.

    Args:
        customers: total number of customers (default 300).
        entries: total target of customer (411) lines, None for the natural amount (24 months,
            one to three invoices a month per customer).
        seed: base seed; each company derives its own.

    Returns:
        The specs of "Atelier Dumas SAS" (DEMO1) and "Provence Emballages SARL" (DEMO2).
    """
    total = DEFAULT_CUSTOMERS if customers is None else customers
    if total < 2:
        raise ValueError(f"at least 2 customers are needed for two companies, got {total}")
    first = round(total * 2 / 3)
    e1 = e2 = None
    if entries is not None:
        e1 = round(entries * 2 / 3)
        e2 = entries - e1
    return [
        DemoCompanySpec("DEMO1", "Atelier Dumas SAS", first, e1, seed),
        DemoCompanySpec("DEMO2", "Provence Emballages SARL", total - first, e2, seed + 1000),
    ]


def odbc_connection_string(path: Path, driver: str = "SQLite3") -> str:
    """Return the ODBC connection string that opens a demo base with the SQLite ODBC driver."""
    return f"DRIVER={{{driver}}};Database={Path(path).resolve()}"


def behaviour_path(path: Path) -> Path:
    """Return the CSV written next to a base with each customer's generated payment behaviour."""
    return Path(path).with_suffix(".behaviour.csv")


def build_demo_base(path: Path, spec: DemoCompanySpec, today: date = DEFAULT_TODAY) -> DemoSummary:
    """Build one demo Sage 100 base, replacing `path` atomically, and its behaviour CSV.

    Args:
        path: the SQLite file to write.
        spec: what to build.
        today: the date the base is as of; entries go up to the day before.

    Returns:
        Counts and timing of the build.
    """
    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    # Millions of small live objects: the cyclic GC would rescan them over and over.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        company = _Company(spec, today)
        company.generate()
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA cache_size=-200000")
            conn.execute("PRAGMA temp_store=MEMORY")
            schema.create_schema(conn)
            customer_entries, total_entries = company.write(conn)
            schema.create_indexes_and_triggers(conn)
            conn.commit()
        finally:
            conn.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        if gc_was_enabled:
            gc.enable()
    os.replace(tmp, path)
    csv_tmp = path.with_name(f".{path.name}.{os.getpid()}.csv.tmp")
    company.write_behaviour_csv(csv_tmp)
    os.replace(csv_tmp, behaviour_path(path))
    return DemoSummary(
        path=path,
        code=spec.code,
        customers=spec.customers,
        customer_entries=customer_entries,
        total_entries=total_entries,
        seconds=time.perf_counter() - started,
    )


def build_demo_bases(
    directory: Path,
    specs: Iterable[DemoCompanySpec],
    today: date = DEFAULT_TODAY,
    workers: int | None = None,
) -> list[DemoSummary]:
    """Build several demo bases (`<directory>/<code>.sqlite`), in parallel processes.

    Args:
        directory: folder of the bases.
        specs: companies to build.
        today: the date the bases are as of.
        workers: number of processes (default: one per company, at most the CPU count);
            1 builds in this process.

    Returns:
        One summary per spec, in the order of `specs`.
    """
    specs = list(specs)
    directory = Path(directory)
    jobs = [(directory / f"{spec.code}.sqlite", spec, today) for spec in specs]
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers <= 1 or len(jobs) <= 1:
        return [build_demo_base(*job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(build_demo_base, *job) for job in jobs]
        return [future.result() for future in futures]


def touch_entries(path: Path, fraction: float, seed: int) -> int:
    """Simulate a day of Sage work on about `fraction` of the customer (411) lines.

    The day worked is the one after the latest posting date in the base. It letters open
    invoices with new payments (new rows, plus the bank line), dunns overdue items (EC_Rappel,
    EC_DateRelance), edits labels, unletters a few lettered groups and deletes a handful of open
    invoices (whole pieces). Updates go through the AFTER UPDATE triggers, which stamp
    cbModification with the current minute; new rows get it from the column default.

    Args:
        path: a base built by `build_demo_base`.
        fraction: share of the customer lines to touch (0.01 = 1 %).
        seed: seed of the choices.

    Returns:
        Number of F_ECRITUREC rows inserted, updated or deleted.
    """
    rng = random.Random(seed)
    conn = sqlite3.connect(Path(path))
    try:
        with conn:
            return _touch(conn, rng, fraction)
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------
# Dates and money helpers


def _weekday(day: int) -> int:
    return (day - 1) % 7


def _business(day: int) -> int:
    """Move a Saturday or Sunday to the next Monday."""
    wd = _weekday(day)
    return day + 2 if wd == 5 else day + 1 if wd == 6 else day


def _end_of_month(day: int) -> int:
    d = date.fromordinal(day)
    first_next = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return first_next.toordinal() - 1


def _to_eur(cur_cents: int, rate: Decimal) -> int:
    """Amount in currency cents -> EUR cents, rate = units of currency for 1 EUR."""
    return int((Decimal(cur_cents) / rate).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _to_cur(eur_cents: int, rate: Decimal) -> int:
    return int((Decimal(eur_cents) * rate).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _vat(ht_cents: int) -> int:
    """20 % VAT, rounded half up to the cent."""
    return (ht_cents * 20 + 50) // 100


def _ht_of(ttc_cents: int) -> int:
    return (ttc_cents * 100 + 60) // 120


def _money(cents: int) -> float:
    # The nearest double of a 2-decimal amount reads back exactly with repr / to_money.
    return cents / 100


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    k = 0
    p = rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _ascii(text: str) -> str:
    table = str.maketrans(
        "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝ",
        "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY",
    )
    return text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").translate(table)


def _slug(text: str) -> str:
    out = []
    for ch in _ascii(text).lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def _luhn_digit(digits: str) -> str:
    """Digit that makes `digits + digit` pass the Luhn check (SIREN / SIRET keys)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def _siret(rng: random.Random) -> str:
    siren = f"{rng.randint(1, 9)}{rng.randint(0, 9999999):07d}"
    siren += _luhn_digit(siren)
    nic = f"{rng.randint(1, 99):04d}"
    return siren + nic + _luhn_digit(siren + nic)


def _vat_number(siren: str) -> str:
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def _phone(rng: random.Random, area: str) -> str:
    return f"{area} " + " ".join(f"{rng.randint(10, 99)}" for _ in range(4))


# --------------------------------------------------------------------------------------------
# Simulation objects


class _Group:
    """A set of lines lettered together; `final_day` is the day the last one was posted."""

    __slots__ = ("final_day",)

    def __init__(self, final_day: int) -> None:
        self.final_day = final_day


class _Piece:
    """A sales, credit-note or miscellaneous piece (journal VTE or OD) of one third party."""

    __slots__ = (
        "kind", "day", "tiers", "lines", "ht", "tva", "num", "label", "reference", "aff", "order",
    )  # fmt: skip

    def __init__(self, kind: int, day: int, tiers: _Tiers, ht: int, tva: int) -> None:
        self.kind = kind
        self.day = day
        self.tiers = tiers
        self.lines: list[_Line] = []
        self.ht = ht
        self.tva = tva
        self.num = ""
        self.label = ""
        self.reference = ""
        self.aff = ""
        self.order = ""  # free field "N° commande" of its F_ECRITUREC lines


class _Line:
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
        tiers: _Tiers,
        *,
        is_item: bool = False,
        due: int | None = None,
        piece: _Piece | None = None,
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
        self.group: _Group | None = None
        self.partials: list[_Line] | None = None
        self.partial_of: _Line | None = None
        self.src: _Line | None = None
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
class _Terms:
    """One row of F_REGLEMENTT: condition 0 net / 1 end of month civil / 2 end of month."""

    condition: int
    days: int
    repart: int  # 0 percentage, 1 balance
    value: Decimal

    def due(self, day: int) -> int:
        if self.condition == 0:
            return day + self.days
        if self.condition == 1:
            return _end_of_month(day + self.days)
        return _end_of_month(day) + self.days


class _Tiers:
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
        self.terms: list[_Terms] = []
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
        self.lines: list[_Line] = []
        self.pieces: list[_Piece] = []


# --------------------------------------------------------------------------------------------
# The generator


class _Company:
    """Generates one company: master data, simulated ledger, then rows for SQLite."""

    def __init__(self, spec: DemoCompanySpec, today: date) -> None:
        if spec.customers < 1:
            raise ValueError(f"{spec.code}: at least one customer is needed")
        self.spec = spec
        self.flavour = (
            names.FLAVOURS.get(spec.code)
            or list(names.FLAVOURS.values())[spec.seed % len(names.FLAVOURS)]
        )
        self.rng = random.Random(f"{spec.code}:{spec.seed}:{today.isoformat()}")
        self.today = today
        self.T = today.toordinal()
        year = today.year
        self.Y2 = date(year - 2, 1, 1).toordinal()
        self.B = date(year - 1, 1, 1).toordinal()
        self.year_end = date(year, 12, 31).toordinal()
        start = date(year - 2, today.month, min(today.day, 28))
        self.P0 = start.toordinal()
        self.customers: list[_Tiers] = []
        self.suppliers: list[_Tiers] = []
        self.collaborators: list[dict[str, object]] = []
        self.ran_lines: list[_Line] = []
        self.bank_lines: list[_Line] = []
        self.pieces_by_day: dict[int, list[_Piece]] = {}
        self._day_str: dict[int, str] = {}
        self._jm: dict[int, tuple[str, int]] = {}
        self._rates: dict[tuple[int, int], Decimal] = {}
        self._counter = 0

    # ---- accounts

    def acct(self, stem: str) -> str:
        """Account number in the company's length (6: 411000, 8: 41100000)."""
        return stem.ljust(self.flavour.account_digits, "0")

    # ---- dates

    def ds(self, day: int) -> str:
        s = self._day_str.get(day)
        if s is None:
            s = date.fromordinal(day).isoformat() + " 00:00:00"
            self._day_str[day] = s
        return s

    def jm(self, day: int) -> tuple[str, int]:
        v = self._jm.get(day)
        if v is None:
            d = date.fromordinal(day)
            v = (d.replace(day=1).isoformat() + " 00:00:00", d.day)
            self._jm[day] = v
        return v

    def stamp(self, day: int) -> str:
        self._counter += 1
        return self.ds(day)[:11] + _TIMES[self._counter % 97]

    def rate(self, devise: int, day: int) -> Decimal:
        """Daily rate of a currency: units of currency for 1 EUR, 4 decimals."""
        key = (devise, day)
        r = self._rates.get(key)
        if r is None:
            base = float(names.CURRENCIES[devise - 1][4])
            drift = 0.035 * math.sin(2 * math.pi * (day % 365) / 365 + devise)
            wobble = 0.008 * math.sin(2 * math.pi * day / 23 + 2 * devise)
            r = Decimal(f"{base * (1 + drift + wobble):.4f}")
            self._rates[key] = r
        return r

    # ---- master data

    def generate(self) -> None:
        """Create master data and simulate the whole ledger (nothing written yet)."""
        self._make_collaborators()
        self._make_customers()
        self._make_suppliers()
        self._calibrate()
        for c in self.customers:
            self._simulate_customer(c)
            self._resolve(c)
        for s in self.suppliers:
            self._simulate_supplier(s)
            self._resolve(s)
        self._number_pieces()

    def _make_collaborators(self) -> None:
        rng = self.rng
        count = rng.randint(5, 8)
        domain = self.flavour.company_email.split("@")[1]
        used: set[str] = set()
        for no in range(1, count + 1):
            female = rng.random() < 0.5
            first = rng.choice(names.FIRST_NAMES_F if female else names.FIRST_NAMES_M)
            last = rng.choice(names.SURNAMES)
            while last in used:
                last = rng.choice(names.SURNAMES)
            used.add(last)
            collector = no <= 2
            function = (
                ("Chargée de recouvrement" if female else "Chargé de recouvrement")
                if collector
                else rng.choice(("Commercial", "Responsable secteur", "Technico-commercial"))
            )
            self.collaborators.append(
                {
                    "CO_No": no,
                    "CO_Nom": last.upper(),
                    "CO_Prenom": first,
                    "CO_Fonction": function,
                    "CO_Service": "Comptabilité" if collector else "Commercial",
                    "CO_Vendeur": int(not collector),
                    "CO_Telephone": _phone(rng, "04"),
                    "CO_TelPortable": _phone(rng, "06"),
                    "CO_EMail": f"{_slug(first)}.{_slug(last)}@{domain}",
                    "CO_ChargeRecouvr": int(collector),
                    "CO_Matricule": f"M{no:04d}",
                    "CO_DateCreation": self.ds(self.P0 - rng.randint(200, 3000)),
                }
            )
        self.sales_reps = [row["CO_No"] for row in self.collaborators if row["CO_Vendeur"]]

    def _make_customers(self) -> None:
        rng = self.rng
        fl = self.flavour
        n = self.spec.customers
        customers = [_Tiers(i) for i in range(n)]
        order = list(range(n))
        rng.shuffle(order)
        pos = 0

        def take(k: int) -> list[_Tiers]:
            nonlocal pos
            chosen = [customers[order[(pos + j) % n]] for j in range(k)]
            pos += k
            return chosen

        def quota(rate: float, minimum: int = 1) -> int:
            return max(minimum, round(rate * n)) if n >= 3 else minimum

        not_rappel = take(1)[0]
        currency_customers = take(quota(0.03, 3))
        eu_customers = take(quota(0.015))
        dormant = take(quota(0.035))
        no_contact = take(quota(0.05))
        split = take(quota(0.08))
        big = take(quota(0.03))
        unapplied = take(quota(0.08))
        credits = take(quota(0.08))

        # behaviours: weighted draw, then make sure each one exists
        weights = fl.behaviour_weights
        for c in customers:
            c.behaviour = rng.choices(BEHAVIOURS, weights)[0]
        if n >= len(BEHAVIOURS) + 1:
            counts = {b: 0 for b in BEHAVIOURS}
            for c in customers:
                counts[c.behaviour] += 1
            spare = [c for c in customers if c is not not_rappel and c not in dormant]
            rng.shuffle(spare)
            for b in BEHAVIOURS:
                while counts[b] == 0 and spare:
                    c = spare.pop()
                    if counts[c.behaviour] > 1:
                        counts[c.behaviour] -= 1
                        c.behaviour = b
                        counts[b] += 1
        not_rappel.behaviour = "chronic"
        for c in dormant:
            if c.behaviour not in ("good", "slow"):
                c.behaviour = "good"

        for i, c in enumerate(currency_customers):
            c.devise = i % len(names.CURRENCIES) + 1
            c.iso = names.CURRENCIES[c.devise - 1][2]
        for c in eu_customers:
            if not c.devise:
                c.export_eu = True
        for c in dormant:
            c.dormant = True
        for c in no_contact:
            c.no_contact = True
        for c in big:
            c.big = True
        for c in unapplied:
            c.unapplied = True
        for c in credits:
            c.commercial_credits = True
        credits[0].recent_credit = True
        not_rappel.not_rappel = 1
        for group in (currency_customers, eu_customers, dormant, no_contact, big):
            if not_rappel in group:
                not_rappel.devise, not_rappel.iso = 0, ""
                not_rappel.export_eu = not_rappel.dormant = False
                not_rappel.no_contact = not_rappel.big = False
        split_set = {id(c) for c in split}
        # one customer is sure to show an open, partly paid invoice
        for i in order:
            c = customers[i]
            if not (c.devise or c.dormant or c.not_rappel):
                c.show_partial = True
                break

        for c in customers:
            self._customer_identity(c)
            self._customer_behaviour(c)
            self._customer_terms(c, id(c) in split_set)
        not_rappel.segment = "Interne"
        not_rappel.name = f"Filiale {self.spec.name.split()[1]} Services"[:35]
        not_rappel.classement = _ascii(not_rappel.name).upper()[:17]
        not_rappel.dunned = False

        # numbering in creation order, as Sage would have
        customers.sort(key=lambda c: (c.created, c.index))
        used: set[str] = set()
        for number, c in enumerate(customers, start=1):
            if fl.numeric_customer_codes:
                c.ct_num = f"C{number:06d}"
            else:
                stem = _ascii(c.stem).upper()
                stem = "".join(ch for ch in stem if ch.isalnum())[:11] or "CLIENT"
                code = stem
                k = 1
                while code in used:
                    k += 1
                    code = f"{stem}{k}"
                c.ct_num = code
            used.add(c.ct_num)
            c.payer = c.ct_num
        # a few subsidiaries paid by a head office
        heads = [c for c in customers if c.big]
        for c in customers:
            if heads and not c.big and rng.random() < 0.02:
                c.payer = rng.choice(heads).ct_num
        self.customers = customers

    def _customer_identity(self, c: _Tiers) -> None:
        rng = self.rng
        fl = self.flavour
        surname = rng.choice(names.SURNAMES)
        if c.devise:
            iso = c.iso
            country, towns, phone_prefix = names.FOREIGN[iso]
            c.name = rng.choice(names.FOREIGN_NAMES[iso])
            c.country = country
            c.postal_code, c.town = rng.choice(towns)
            street = rng.choice(("Main Street", "High Street", "Rue du Rhône", "Park Avenue"))
            c.address = f"{rng.randint(1, 250)} {street}"
            c.phone = f"{phone_prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            c.vat = False
            c.language = 1
            c.segment = "Export"
            c.stem = c.name.split()[0]
            c.trade = "Export"
            c.account = self.acct("411100")
        elif c.export_eu:
            country, cp, town, phone_prefix = rng.choice(names.EU_EXPORT)
            c.name = rng.choice(names.FOREIGN_NAMES["EUR"])
            c.country, c.postal_code, c.town = country, cp, town
            street = rng.choice(("Rue Royale", "Hauptstraße", "Via Roma", "Carrer Major"))
            c.address = f"{rng.randint(1, 120)} {street}"
            c.phone = f"{phone_prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            c.vat = False
            c.segment = "Export"
            c.stem = c.name.split()[0]
            c.trade = "Export UE"
            c.account = self.acct("411100")
        else:
            cp, town, area = rng.choice(fl.towns)
            if c.big:
                pattern = rng.choice(names.BIG_ACCOUNTS)
                c.name = pattern.format(town=town, surname=surname)
                c.segment = (
                    "Collectivité"
                    if pattern.startswith(("Mairie", "Commu", "CHU", "Lyc"))
                    else "Grand compte"
                )
                c.trade = c.segment
                c.stem = c.name.split()[0][:4] + town
            else:
                trade, code = rng.choice(fl.trades)
                c.trade = trade
                style = rng.random()
                if style < 0.55:
                    c.name = f"{trade} {surname}"
                elif style < 0.7:
                    c.name = f"{trade} {surname} & Fils"
                elif style < 0.85:
                    place = rng.choice(names.STREET_NAMES)
                    c.name = f"{trade} {place}"
                    surname = place.split()[-1].split("'")[-1]
                else:
                    kin = rng.choice(("et Associés", "Frères", "Père & Fille", "Sœurs"))
                    c.name = f"{surname} {kin}"
                if rng.random() < 0.6:
                    c.name = f"{c.name} {rng.choice(names.LEGAL_FORMS)}"
                c.stem = code + surname
                c.segment = "TPE" if rng.random() < 0.35 else "PME"
            c.postal_code, c.town = cp, town
            street = f"{rng.choice(names.STREET_KINDS)} {rng.choice(names.STREET_NAMES)}"
            c.address = f"{rng.randint(1, 180)} {street}"
            c.phone = _phone(rng, area)
            if rng.random() < 0.25:
                c.fax = _phone(rng, area)
            c.account = self.acct("411000")
        c.name = c.name[:35]
        c.address = c.address[:35]
        c.classement = _ascii(c.name).upper()[:17]
        if rng.random() < 0.3:
            c.complement = rng.choice(names.COMPLEMENTS)
        c.domain = (_slug(c.name.replace(" SARL", "").replace(" SAS", ""))[:40] or "client") + (
            ".fr" if c.country == "France" else ".com"
        )
        c.siret = _siret(rng) if c.country == "France" else ""
        c.vat_id = _vat_number(c.siret[:9]) if c.siret else ""
        c.ape = rng.choice(("1071C", "4332A", "5610A", "4520A", "4711D", "7111Z", "1013A", "4941A"))
        c.co_no = rng.choice(self.sales_reps) if rng.random() > 0.04 else 0
        c.method = 1 if c.devise else rng.choices((1, 2, 3, 4, 5), (55, 20, 10, 10, 5))[0]
        if rng.random() < 0.8 and not c.big:
            c.created = self.P0 - rng.randint(30, 6500)
        elif c.big:
            c.created = self.P0 - rng.randint(400, 6500)
        else:
            c.created = rng.randint(self.P0, self.T - 60)
        c.entry_date = None if rng.random() < 0.15 else c.created + rng.randint(0, 20)
        c.not_penal = int(c.big or rng.random() < 0.05)
        years = (self.T - c.created) / 365
        c.loyalty = "Or" if years > 8 else "Argent" if years > 4 else "Bronze" if years > 1 else ""
        c.weight = rng.lognormvariate(0, 0.7) * (4 if c.big else 1)
        c.median = fl.median_invoice_eur * rng.lognormvariate(0, 0.7) * (2.5 if c.big else 1)
        c.start = max(self.P0, c.created)
        c.end = self.T - 1
        if c.dormant:
            c.end = self.T - rng.randint(380, 560)
            c.start = max(self.P0, min(c.start, c.end - 200))
        yearly = c.median * 12 * c.weight * fl.natural_invoices_per_month
        c.credit_limit = 0 if rng.random() < 0.15 else max(1000, round(yearly / 4, -3))
        c.potential = round(yearly * rng.uniform(1.0, 2.0), -2)

    def _customer_behaviour(self, c: _Tiers) -> None:
        rng = self.rng
        b = c.behaviour
        if b == "good":
            c.mean, c.sd, c.dispute_rate, c.partial_rate = (
                rng.uniform(-4, 2), rng.uniform(2, 5), 0.005, 0.01,
            )  # fmt: skip
        elif b == "slow":
            c.mean, c.sd, c.dispute_rate, c.partial_rate = (
                rng.uniform(10, 25), rng.uniform(4, 9), 0.01, 0.05,
            )  # fmt: skip
        elif b == "chronic":
            c.mean, c.sd, c.dispute_rate, c.partial_rate = (
                rng.uniform(30, 90), rng.uniform(8, 20), 0.03, 0.12,
            )  # fmt: skip
        elif b == "erratic":
            m1, m2 = rng.uniform(-2, 5), rng.uniform(25, 70)
            c.mix = (m1, 4.0, m2, 20.0)
            c.mean = (m1 + m2) / 2
            c.sd = math.sqrt(0.5 * (16 + 400) + 0.25 * (m2 - m1) ** 2)
            c.dispute_rate, c.partial_rate = 0.03, 0.08
        else:
            c.mean, c.sd, c.dispute_rate, c.partial_rate = (
                rng.uniform(0, 20), rng.uniform(5, 10), rng.uniform(0.15, 0.3), 0.04,
            )  # fmt: skip
        if c.devise:
            c.partial_rate = 0.0
        if b in ("slow", "chronic", "erratic") or rng.random() < 0.3:
            c.batch = rng.choice((None, "month", "week")) if rng.random() < 0.6 else None
        c.risk = 2 if b == "chronic" else 1
        if b == "chronic" and rng.random() < 0.2:
            c.risk = 3
        c.dunned = rng.random() < 0.85

    def _customer_terms(self, c: _Tiers, split: bool) -> None:
        rng = self.rng
        if split and not c.devise:
            if rng.random() < 0.6:
                c.terms = [
                    _Terms(0, 30, 0, Decimal("50")),
                    _Terms(0, 60, 1, Decimal("0")),
                ]
            else:
                c.terms = [
                    _Terms(0, 30, 0, Decimal("33.33")),
                    _Terms(0, 60, 0, Decimal("33.33")),
                    _Terms(0, 90, 1, Decimal("0")),
                ]
            return
        if c.method == 5:
            c.terms = [_Terms(0, 0, 1, Decimal("0"))]
            return
        condition, days = rng.choices(((0, 30), (1, 45), (0, 60), (1, 30)), (35, 25, 20, 20))[0]
        c.terms = [_Terms(condition, days, 1, Decimal("0"))]

    def _make_suppliers(self) -> None:
        rng = self.rng
        pool = list(names.SUPPLIERS)
        rng.shuffle(pool)
        count = rng.randint(4, 6)
        for k, (label, stem, expense) in enumerate(sorted(pool[:count]), start=1):
            s = _Tiers(10_000 + k)
            s.ct_type = 1
            s.name = label
            s.classement = _ascii(label).upper()[:17]
            s.ct_num = f"F{stem}"[:17]
            s.payer = s.ct_num
            s.trade = "Fournisseur"
            s.stem = stem
            cp, town, area = rng.choice(self.flavour.towns)
            s.postal_code, s.town = cp, town
            street = f"{rng.choice(names.STREET_KINDS)} {rng.choice(names.STREET_NAMES)}"
            s.address = f"{rng.randint(1, 90)} {street}"[:35]
            s.phone = _phone(rng, area)
            s.domain = _slug(label) + ".fr"
            s.email = f"facturation@{s.domain}"
            s.siret = _siret(rng)
            s.vat_id = _vat_number(s.siret[:9])
            s.account = self.acct("401000")
            s.created = self.P0 - rng.randint(300, 4000)
            s.median = rng.choice((300, 900, 2500, 6000))
            s.expense = self.acct(expense)
            s.method = 1
            s.segment = ""
            s.terms = [_Terms(1, 30, 1, Decimal("0"))]
            s.dunned = False
            self.suppliers.append(s)

    # ---- volumes

    def _calibrate(self) -> None:
        fl = self.flavour
        exposure = 0.0
        for c in self.customers:
            c.months = max(0.0, (c.end - c.start) / 30.44)
            exposure += c.weight * c.months
        if self.spec.entries is None:
            self.base_rate = fl.natural_invoices_per_month
        else:
            self.base_rate = self.spec.entries / (_LINES_PER_INVOICE * max(exposure, 1e-9))

    # ---- simulation of one customer

    def _draw_delay(self, c: _Tiers) -> int:
        rng = self.rng
        if c.mix is not None:
            m1, s1, m2, s2 = c.mix
            return round(rng.gauss(m1, s1) if rng.random() < 0.5 else rng.gauss(m2, s2))
        return round(rng.gauss(c.mean, c.sd))

    def _snap(self, c: _Tiers, day: int) -> int:
        if c.batch == "week":
            day += (4 - _weekday(day)) % 7
        elif c.batch == "month":
            d = date.fromordinal(day)
            if d.day <= 10:
                day = date(d.year, d.month, 10).toordinal()
            elif d.day <= 25:
                day = date(d.year, d.month, 25).toordinal()
            else:
                day = _end_of_month(day) + 10
        return _business(day)

    def _invoice_days(self, c: _Tiers) -> list[int]:
        rng = self.rng
        if c.end <= c.start:
            return []
        count = _poisson(rng, self.base_rate * c.weight * c.months)
        span = c.end - c.start
        days = []
        while len(days) < count:
            d = c.start + rng.randint(0, span)
            if _weekday(d) >= 5:
                continue
            if date.fromordinal(d).month == 8 and rng.random() < 0.5:
                continue
            days.append(d)
        if c.not_rappel:
            days += [_business(self.T - 125), _business(self.T - 80)]
        days.sort()
        return days

    def _simulate_customer(self, c: _Tiers) -> None:
        rng = self.rng
        T = self.T
        items: list[_Line] = []
        open_credits: list[_Line] = []
        plan: dict[int, list[_Line]] = {}
        force_open_from = T - 160 if c.not_rappel else None

        for day in self._invoice_days(c):
            for line in self._invoice(c, day):
                items.append(line)
                if force_open_from is None or line.due < force_open_from:
                    self._plan_item(c, line, plan)
        if c.show_partial:
            for line in self._invoice(c, _business(T - 50)):
                items.append(line)
                partial_day = _business(line.due + 2)
                cents = round(line.cents * 0.4, -2)
                if partial_day < T and 0 < cents < line.cents:
                    credit = self._payment_line(c, partial_day, cents, _K_PAY, None)
                    line.partials = [credit]
                    credit.partial_of = line

        low = max(c.start, T - 400)
        if c.commercial_credits and low < c.end:
            for _ in range(rng.randint(1, 3)):
                day = _business(rng.randint(low, c.end))
                if day >= T:
                    continue
                cents = round(c.median * rng.uniform(0.05, 0.5)) * 100
                open_credits.append(
                    self._credit_note(c, day, cents, names.COMMERCIAL_CREDIT_LABELS)
                )
        if c.recent_credit:
            # too recent to be deducted from a payment yet: an open credit note
            cents = round(c.median * 0.2) * 100
            self._credit_note(c, _business(T - 6), cents, names.COMMERCIAL_CREDIT_LABELS)

        self._indemnities(c, items, plan)
        self._payments(c, plan, open_credits)

        if c.unapplied and not c.dormant:
            for _ in range(rng.randint(1, 2)):
                day = _business(T - rng.randint(3, 200))
                if day >= T:
                    day = _business(T - 10)
                cents = rng.choice((200, 300, 500, 1000, 1500, 2500)) * 100
                self._payment_line(c, day, cents, _K_UNAP, None)

    def _invoice(self, c: _Tiers, day: int) -> list[_Line]:
        """Create a sales invoice piece; return its 411 lines, one per due date."""
        rng = self.rng
        ht = max(1500, round(rng.lognormvariate(math.log(c.median), 0.6) * 100))
        if c.devise:
            rate = self.rate(c.devise, day)
            cur_total = _to_cur(ht, rate)
            total = _to_eur(cur_total, rate)
            piece = _Piece(_K_INV, day, c, total, 0)
        else:
            rate = None
            cur_total = 0
            tva = _vat(ht) if c.vat else 0
            total = ht + tva
            piece = _Piece(_K_INV, day, c, ht, tva)
        if rng.random() < 0.4:
            piece.reference = f"BC {rng.randint(1000, 99999)}"
        if not self.flavour.numeric_customer_codes and rng.random() < 0.2:
            piece.aff = f"AFF-{rng.randint(100, 999)}"
        self._add_piece(c, piece)
        remaining, remaining_cur = total, cur_total
        for k, terms in enumerate(c.terms):
            if k == len(c.terms) - 1:
                cents, cur = remaining, remaining_cur
            else:
                cents = int((Decimal(total) * terms.value / 100).to_integral_value())
                cur = int((Decimal(cur_total) * terms.value / 100).to_integral_value())
            remaining -= cents
            remaining_cur -= cur
            line = _Line(
                _K_INV, 0, day, cents, c, is_item=True, due=terms.due(day), piece=piece,
                cur=cur, rate=rate,
            )  # fmt: skip
            piece.lines.append(line)
            c.lines.append(line)
        return piece.lines

    def _add_piece(self, c: _Tiers, piece: _Piece) -> None:
        c.pieces.append(piece)
        self.pieces_by_day.setdefault(piece.day, []).append(piece)

    def _credit_note(
        self,
        c: _Tiers,
        day: int,
        cents: int,
        labels: tuple[str, ...],
        cur: int = 0,
        rate: Decimal | None = None,
    ) -> _Line:
        if c.devise and rate is None:
            rate = self.rate(c.devise, day)
            cur = _to_cur(cents, rate)
            cents = _to_eur(cur, rate)
        if c.vat:
            ht = _ht_of(cents)
            piece = _Piece(_K_AVR, day, c, ht, cents - ht)
        else:
            piece = _Piece(_K_AVR, day, c, cents, 0)
        piece.label = self.rng.choice(labels)
        self._add_piece(c, piece)
        line = _Line(_K_AVR, 1, day, cents, c, due=day, piece=piece, cur=cur, rate=rate)
        piece.lines.append(line)
        c.lines.append(line)
        return line

    def _plan_item(self, c: _Tiers, item: _Line, plan: dict[int, list[_Line]]) -> None:
        rng = self.rng
        T = self.T
        due = item.due
        if rng.random() < c.dispute_rate:
            resolved = _business(due + rng.randint(45, 240))
            if resolved >= T:
                return
            full = rng.random() < 0.35
            if full:
                cents = item.cents
            else:
                cents = round(item.cents * rng.uniform(0.1, 0.6))
                cents = max(1, min(item.cents - 1, cents))
            # at the invoice's rate, so that the residual stays consistent in currency
            cur = round(item.cur * cents / item.cents) if c.devise else 0
            credit = self._credit_note(
                c, resolved, cents, names.DISPUTE_LABELS, cur=cur, rate=item.rate
            )
            if full:
                group = _Group(resolved)
                item.group = credit.group = group
                return
            item.partials = [credit]
            credit.partial_of = item
            settle = resolved + rng.randint(5, 45)
        else:
            settle = max(due + self._draw_delay(c), item.day + 1)
            if c.partial_rate and rng.random() < c.partial_rate and settle - item.day > 12:
                first = max(item.day + 3, due - 10)
                if first < settle - 2:
                    partial_day = _business(rng.randint(first, settle - 3))
                    if partial_day < min(T, settle):
                        cents = round(item.cents * rng.uniform(0.2, 0.7), -3)
                        if 0 < cents < item.cents:
                            credit = self._payment_line(c, partial_day, cents, _K_PAY, None)
                            item.partials = [credit]
                            credit.partial_of = item
        settle = self._snap(c, settle)
        if item.partials:
            settle = max(settle, _business(item.partials[-1].day + 1))
        if settle < T:
            plan.setdefault(settle, []).append(item)

    def _indemnities(self, c: _Tiers, items: list[_Line], plan: dict[int, list[_Line]]) -> None:
        """40 € recovery indemnities (journal OD, no due date) on some very late items."""
        if c.behaviour not in ("chronic", "erratic") or c.devise or c.not_rappel:
            return
        rng = self.rng
        paid_on = {id(item): day for day, its in plan.items() for item in its}
        days = sorted(plan)
        for item in items:
            settled = paid_on.get(id(item), self.T)
            day = _business(item.due + 45)
            if settled - item.due <= 45 or day >= min(settled, self.T) or rng.random() > 0.25:
                continue
            piece = _Piece(_K_IND, day, c, 4000, 0)
            piece.label = "Indemnité forfaitaire recouvrement"
            self._add_piece(c, piece)
            line = _Line(_K_IND, 0, day, 4000, c, is_item=True, due=None, piece=piece)
            piece.lines.append(line)
            c.lines.append(line)
            if rng.random() < 0.5:
                later = [d for d in days if d >= day + 10]
                if later:
                    plan[later[0]].append(line)

    def _payment_line(
        self,
        c: _Tiers,
        day: int,
        cents: int,
        kind: int,
        rate: Decimal | None,
        cur: int | None = None,
    ) -> _Line:
        rng = self.rng
        if c.devise:
            rate = rate or self.rate(c.devise, day)
            if cur is None:
                cur = _to_cur(cents, rate)
                cents = _to_eur(cur, rate)
        else:
            cur = 0
        method = c.method
        self._counter += 1
        if kind == _K_UNAP:
            ref = f"VIR{self._counter:09d}"[:17]
            label = f"Acompte {c.name}"
        elif method == 2:
            ref = f"CHQ {rng.randint(1000000, 9999999)}"
            label = f"Chèque {c.name}"
        elif method == 3:
            ref = f"LCR{self._counter:08d}"
            label = f"LCR {c.name}"
        elif method == 4:
            ref = f"PRLV{self._counter:08d}"
            label = f"Prlv {c.name}"
        elif method == 5:
            ref = f"CB{self._counter:08d}"
            label = f"CB {c.name}"
        else:
            ref = f"VIR{self._counter:09d}"
            label = f"Vir. {c.name}"
        doc_day = day - rng.randint(1, 4) if method == 2 else day
        line = _Line(
            kind, 1, day, cents, c, cur=cur, rate=rate, ref=ref, label=label[:35], doc_day=doc_day
        )
        c.lines.append(line)
        self.bank_lines.append(line)
        return line

    def _payments(self, c: _Tiers, plan: dict[int, list[_Line]], open_credits: list[_Line]) -> None:
        rng = self.rng
        for day in sorted(plan):
            items = plan[day]
            total = 0
            total_cur = 0
            members: list[_Line] = []
            for item in items:
                total += item.cents
                total_cur += item.cur
                members.append(item)
                if item.partials:
                    for p in item.partials:
                        total -= p.cents
                        total_cur -= p.cur
                        members.append(p)
            if not c.devise:
                for credit in list(open_credits):
                    if credit.day <= day - 7 and credit.cents < total and rng.random() < 0.7:
                        total -= credit.cents
                        members.append(credit)
                        open_credits.remove(credit)
            if total <= 0:
                continue
            group = _Group(day)
            if c.devise:
                rate = self.rate(c.devise, day)
                pay_eur = _to_eur(total_cur, rate)
                payment = self._payment_line(c, day, pay_eur, _K_PAY, rate, total_cur)
                diff = total - pay_eur
                if diff:
                    line = _Line(
                        _K_DIFF, 1 if diff > 0 else 0, day, abs(diff), c,
                        label=f"Écart de change {c.iso}", ref=payment.ref,
                    )  # fmt: skip
                    line.group = group
                    c.lines.append(line)
                    self.bank_lines.append(line)
            else:
                payment = self._payment_line(c, day, total, _K_PAY, None)
            payment.group = group
            for line in members:
                line.group = group

    # ---- simulation of one supplier

    def _simulate_supplier(self, s: _Tiers) -> None:
        rng = self.rng
        day = self.P0 + rng.randint(0, 20)
        while day < self.T:
            d = _business(day)
            if d >= self.T:
                break
            ht = round(s.median * rng.lognormvariate(0, 0.3)) * 100
            tva = _vat(ht)
            piece = _Piece(_K_INV, d, s, ht, tva)
            piece.reference = f"F{date.fromordinal(d).year}-{rng.randint(100, 9999)}"
            self._add_piece(s, piece)
            item = _Line(
                _K_INV, 1, d, ht + tva, s, is_item=True, due=s.terms[0].due(d), piece=piece
            )
            piece.lines.append(item)
            s.lines.append(item)
            pay = _business(item.due + rng.randint(-3, 6))
            if pay < self.T:
                payment = _Line(_K_PAY, 0, pay, ht + tva, s, label=f"Vir. {s.name}"[:35])
                payment.ref = f"VIRSEPA{rng.randint(100000, 999999)}"
                group = _Group(pay)
                item.group = payment.group = group
                s.lines.append(payment)
                self.bank_lines.append(payment)
            day += rng.randint(25, 35)

    # ---- lettering, carried-forward lines, reminders

    def _resolve(self, t: _Tiers) -> None:
        """Decide lettering codes and flags per line, and create the RAN lines of Y-2."""
        B = self.B
        clusters: dict[tuple, list] = {}
        seq = 0

        # Codes follow the order of lettering (the last day of each cluster), as in Sage.
        def add(key: tuple, line: _Line, lettered: bool) -> None:
            nonlocal seq
            cl = clusters.get(key)
            if cl is None:
                seq += 1
                cl = clusters[key] = [line.day, seq, lettered, []]
            elif line.day > cl[0]:
                cl[0] = line.day
            cl[3].append(line)

        open_part: list[_Line] = []
        for line in t.lines:
            if line.day >= B:
                open_part.append(line)
                continue
            g = line.group
            if g is not None and g.final_day < B:
                add(("G", id(g), 0), line, True)
            elif line.partial_of is not None:
                add(("P", id(line.partial_of)), line, False)
            elif line.is_item:
                before = [p for p in line.partials or () if p.day < B]
                after = [p for p in line.partials or () if p.day >= B]
                if before:
                    add(("P", id(line)), line, False)
                residual = line.cents - sum(p.cents for p in before)
                residual_cur = line.cur - sum(p.cur for p in before)
                ran = self._ran(line, residual, residual_cur)
                ran.group = g
                if after:
                    ran.partials = after
                    for p in after:
                        p.partial_of = ran
                open_part.append(ran)
            else:
                ran = self._ran(line, line.cents, line.cur)
                ran.group = g
                open_part.append(ran)
        for line in open_part:
            if line.group is not None:
                add(("G", id(line.group), 1), line, True)
            elif line.partial_of is not None:
                add(("P", id(line.partial_of)), line, False)
            elif line.partials:
                add(("P", id(line)), line, False)

        for index, (_, _, lettered, members) in enumerate(
            sorted(clusters.values(), key=lambda v: (v[0], v[1]))
        ):
            if lettered:
                code = _CODES[index % len(_CODES)]
                final = max(m.day for m in members)
                for m in members:
                    m.lettre, m.code, m.status, m.regle, m.dregle = 1, code, 2, m.cents, final
                    if t.devise and m.kind != _K_DIFF:
                        m.lettreq = 1
            else:
                code = _CODES_LOWER[index % len(_CODES)]
                item = next(m for m in members if m.is_item)
                paid = [m for m in members if m is not item]
                for p in paid:
                    p.code, p.status, p.regle, p.dregle = code, 2, p.cents, p.day
                item.code, item.status = code, 1
                item.regle = sum(p.cents for p in paid)
                item.dregle = max(p.day for p in paid)

        for line in t.lines:
            self._finish(t, line, self.B if line.day < B else self.T)
        for line in open_part:
            if line.kind == _K_RAN:
                self._finish(t, line, self.T)

    def _ran(self, line: _Line, cents: int, cur: int) -> _Line:
        ran = _Line(
            _K_RAN, line.sens, self.B, cents, line.tiers, is_item=line.is_item, due=line.due,
            piece=line.piece, cur=cur, rate=line.rate, ref=line.ref, label=line.label,
            doc_day=line.doc_day,
        )  # fmt: skip
        ran.src = line
        self.ran_lines.append(ran)
        return ran

    def _finish(self, t: _Tiers, line: _Line, cutoff: int) -> None:
        """Reminders and modification day of a line, once its lettering is known."""
        mday = line.day
        if line.dregle is not None and line.dregle > mday:
            mday = line.dregle
        if line.is_item and line.due is not None and t.dunned and t.ct_type == 0:
            end = line.dregle if line.lettre else cutoff
            count = 0
            for offset in _REMINDER_OFFSETS:
                if line.due + offset < end:
                    count += 1
            if count:
                line.rappel = count
                line.drelance = line.due + _REMINDER_OFFSETS[count - 1]
                if line.drelance > mday:
                    mday = line.drelance
        line.mday = mday

    # ---- numbering

    def _number_pieces(self) -> None:
        fl = self.flavour
        seq = {_K_INV: 0, _K_AVR: 0, _K_IND: 0, -1: 0}
        # The customers' order numbers (free field "N° commande") on about a third of the
        # invoices, numbered per year. A generator of their own, so that the rest of the base
        # is what it was before the field existed.
        orders = random.Random(f"orders:{self.spec.code}:{self.spec.seed}")
        order_seq: dict[int, int] = {}
        for day in sorted(self.pieces_by_day):
            for piece in self.pieces_by_day[day]:
                if piece.tiers.ct_type == 1:
                    seq[-1] += 1
                    piece.num = f"AC{seq[-1]:07d}"
                    piece.label = f"Fact {piece.reference} {piece.tiers.name}"[:35]
                    continue
                seq[piece.kind] += 1
                n = seq[piece.kind]
                if piece.kind == _K_INV:
                    piece.num = f"{fl.invoice_prefix}{n:07d}"
                    piece.label = f"Fact {piece.num} {piece.tiers.name}"[:35]
                    if orders.random() < 0.35:
                        year = date.fromordinal(day).year
                        order_seq[year] = order_seq.get(year, 0) + 1
                        piece.order = f"CMD-{year}-{order_seq[year]:05d}"
                elif piece.kind == _K_AVR:
                    piece.num = f"{fl.credit_prefix}{n:07d}"
                    piece.label = f"{piece.label} {piece.num}"[:35]
                else:
                    piece.num = f"OD{n:07d}"

    # ---- writing

    def write(self, conn: sqlite3.Connection) -> tuple[int, int]:
        """Insert every row; return (customer entries, total entries)."""
        self._write_parameters(conn)
        self._write_tiers(conn)
        cols = ["EC_No", *_ENTRY_COLUMNS]
        sql = (
            f"INSERT INTO F_ECRITUREC ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)})"
        )
        customer_entries = 0
        total = 0
        batch: list[tuple] = []
        for row, is_customer in self._entry_rows():
            total += 1
            customer_entries += is_customer
            batch.append((total, *row))
            if len(batch) >= 50_000:
                conn.executemany(sql, batch)
                batch.clear()
        if batch:
            conn.executemany(sql, batch)
        return customer_entries, total

    def _entry_rows(self) -> Iterator[tuple[tuple, bool]]:
        """Rows of F_ECRITUREC in posting order; within a day: RAN, VTE, ACH, OD, BQ1.

        Yields (row, is a customer line). EC_No is added by `write`, so cbMarq and EC_No both
        follow the posting order.
        """
        buckets: dict[int, list[list]] = {}

        def bucket(day: int) -> list[list]:
            b = buckets.get(day)
            if b is None:
                b = buckets[day] = [[], [], [], [], []]  # RAN, VTE, ACH, OD, BQ1
            return b

        for day, pieces in self.pieces_by_day.items():
            b = bucket(day)
            for piece in pieces:
                if piece.tiers.ct_type == 1:
                    b[2].extend(self._purchase_rows(piece))
                elif piece.kind == _K_IND:
                    b[3].extend(self._piece_rows(piece))
                else:
                    b[1].extend(self._piece_rows(piece))
        bank_total: dict[int, int] = {}
        for line in self.bank_lines:
            b = bucket(line.day)
            b[4].append((self._tiers_row(line), line.tiers.ct_type == 0))
            if line.tiers.ct_type == 1:
                b[4].append((self._bank_supplier_row(line), False))
            elif line.kind == _K_DIFF:
                b[4].append((self._exchange_row(line), False))
            else:
                bank_total[line.day] = bank_total.get(line.day, 0) + line.cents
        for day, cents in bank_total.items():
            buckets[day][4].append((self._bank_row(day, cents), False))
        if self.ran_lines:
            b = bucket(self.B)
            net = 0
            for line in self.ran_lines:
                b[0].append((self._tiers_row(line), line.tiers.ct_type == 0))
                net += line.cents if line.sens == 0 else -line.cents
            b[0].append((self._ran_balance_row(net), False))
        for day in sorted(buckets):
            for journal in buckets[day]:
                yield from journal

    # rows -------------------------------------------------------------------------------

    def _tiers_row(self, line: _Line) -> tuple:
        t = line.tiers
        src = line.src if line.kind == _K_RAN else line
        kind = src.kind
        day = line.day
        if line.kind == _K_RAN:
            journal = "RAN"
        elif kind in (_K_INV, _K_AVR):
            journal = "ACH" if t.ct_type == 1 else "VTE"
        elif kind == _K_IND:
            journal = "OD"
        else:
            journal = "BQ1"
        jm, jour = self.jm(day)
        piece = src.piece
        if piece is not None:
            ec_piece = piece.num
            ref_piece = piece.reference if t.ct_type == 1 else piece.num
            reference = "" if t.ct_type == 1 else piece.reference
            label = piece.label
            aff = piece.aff
            order = piece.order
        else:
            ec_piece = self._bank_piece(src.day) if t.ct_type == 0 else src.ref[:13]
            ref_piece = src.ref[:17]
            reference = ""
            label = src.label
            aff = order = ""
        if kind in (_K_INV, _K_AVR) and src.due is not None:
            due = self.ds(src.due)
        elif kind == _K_IND:
            due = SENTINEL_1900
        else:
            due = SENTINEL_1753
        if t.ct_type == 1:
            contra = t.expense if kind == _K_INV else self.acct("512000")
        elif kind in (_K_INV, _K_AVR):
            contra = self.acct("706000")
        elif kind == _K_IND:
            contra = self.acct("758000")
        else:
            contra = self.acct("512000")
        return (
            journal, jm, jour, self.ds(src.doc_day), ec_piece, ref_piece, reference, label,
            t.account, contra, t.ct_num, t.method if kind != _K_IND else 0, due,
            float(line.rate) if line.rate is not None else 0.0, t.devise, line.sens,
            _money(line.cents), line.lettre, line.code, line.lettreq,
            line.code if line.lettreq else "", line.status, _money(line.regle),
            self.ds(line.dregle) if line.dregle is not None else SENTINEL_1900,
            _money(line.cur), line.rappel,
            self.ds(line.drelance) if line.drelance is not None else None,
            1 if line.kind == _K_RAN else 0, 1 if day < self.B else 0, 0, "", "",
            self.flavour.staff_user if journal in ("BQ1", "OD", "RAN") else "GESC",
            self.stamp(line.mday), self.stamp(day), aff, order,
        )  # fmt: skip

    def _plain_row(
        self,
        journal: str,
        day: int,
        piece: str,
        ref: str,
        label: str,
        account: str,
        contra: str,
        sens: int,
        cents: int,
        *,
        ct_num: str | None = "",
        ta_code: str = "",
        point: tuple[int, str] = (0, ""),
        user: str = "GESC",
    ) -> tuple:
        jm, jour = self.jm(day)
        stamp = self.stamp(day)
        return (
            journal, jm, jour, self.ds(day), piece, ref, "", label, account, contra, ct_num, 0,
            SENTINEL_1753, 0.0, 0, sens, _money(cents), 0, "", 0, "", 0, 0.0, SENTINEL_1900, 0.0,
            0, None, 0, 1 if day < self.B else 0, point[0], point[1], ta_code, user, stamp,
            stamp, "", "",
        )  # fmt: skip

    def _piece_rows(self, piece: _Piece) -> Iterator[tuple[tuple, bool]]:
        for line in piece.lines:
            yield self._tiers_row(line), True
        c = piece.tiers
        if piece.kind == _K_IND:
            yield (
                self._plain_row(
                    "OD", piece.day, piece.num, piece.num, piece.label, self.acct("758000"),
                    c.account, 1, piece.ht, user=self.flavour.staff_user,
                ),
                False,
            )  # fmt: skip
            return
        sens = 1 if piece.kind == _K_INV else 0
        yield (
            self._plain_row(
                "VTE", piece.day, piece.num, piece.num, piece.label, self.acct("706000"),
                c.account, sens, piece.ht, ta_code="C20" if piece.tva else "",
            ),
            False,
        )  # fmt: skip
        if piece.tva:
            yield (
                self._plain_row(
                    "VTE", piece.day, piece.num, piece.num, piece.label, self.acct("445710"),
                    c.account, sens, piece.tva, ta_code="C20",
                ),
                False,
            )  # fmt: skip

    def _purchase_rows(self, piece: _Piece) -> Iterator[tuple[tuple, bool]]:
        for line in piece.lines:
            yield self._tiers_row(line), False
        s = piece.tiers
        for account, cents, ta in (
            (s.expense, piece.ht, "D20"),
            (self.acct("445660"), piece.tva, "D20"),
        ):
            yield (
                self._plain_row(
                    "ACH", piece.day, piece.num, piece.reference, piece.label, account,
                    s.account, 0, cents, ta_code=ta, user=self.flavour.staff_user,
                ),
                False,
            )  # fmt: skip

    def _bank_piece(self, day: int) -> str:
        return "RB" + self.ds(day)[2:10].replace("-", "")

    def _point(self, day: int) -> tuple[int, str]:
        if day < self.T - 20:
            d = date.fromordinal(day)
            return 1, f"{string.ascii_uppercase[d.month - 1]}{d.year % 100:02d}"
        return 0, ""

    def _bank_row(self, day: int, cents: int) -> tuple:
        return self._plain_row(
            "BQ1", day, self._bank_piece(day), "", f"Relevé du {date.fromordinal(day):%d/%m/%Y}",
            self.acct("512000"), self.acct("411000"), 0, cents, point=self._point(day),
            user=self.flavour.staff_user,
        )  # fmt: skip

    def _bank_supplier_row(self, line: _Line) -> tuple:
        return self._plain_row(
            "BQ1", line.day, line.ref[:13], line.ref, line.label, self.acct("512000"),
            line.tiers.account, 1, line.cents, point=self._point(line.day),
            user=self.flavour.staff_user,
        )  # fmt: skip

    def _exchange_row(self, line: _Line) -> tuple:
        loss = line.sens == 1  # 411 credited: the customer paid less euros than invoiced
        return self._plain_row(
            "BQ1", line.day, self._bank_piece(line.day), line.ref[:17], line.label,
            self.acct("666000" if loss else "766000"), line.tiers.account, 0 if loss else 1,
            line.cents, user=self.flavour.staff_user,
        )  # fmt: skip

    def _ran_balance_row(self, net: int) -> tuple:
        return self._plain_row(
            "RAN", self.B, "AN" + str(date.fromordinal(self.B).year), "",
            "Report à nouveau tiers", self.acct("890000"), "", 1 if net >= 0 else 0, abs(net),
            ct_num=None, user=self.flavour.staff_user,
        )  # fmt: skip

    # ---- master-data rows

    def _insert(self, conn: sqlite3.Connection, table: str, rows: list[dict[str, object]]) -> None:
        """Insert rows given as {column: value} dicts (all with the keys of the first one)."""
        if not rows:
            return
        cols = list(rows[0])
        sql = (
            f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)})"
        )
        conn.executemany(sql, [tuple(row[c] for c in cols) for row in rows])

    def _system(self, created: str, modified: str | None = None) -> dict[str, object]:
        return {
            "cbCreateur": self.flavour.staff_user,
            "cbModification": modified or created,
            "cbCreation": created,
        }

    def _write_parameters(self, conn: sqlite3.Connection) -> None:
        fl = self.flavour
        system = self._system(self.stamp(self.P0 - 400))
        adresse, complement, cp, ville, phone = fl.company_address
        siren = fl.company_siren
        nic = "0002" + _luhn_digit(siren + "0002")
        year = self.today.year
        dossier: dict[str, object] = {
            "D_RaisonSoc": self.spec.name[:35],
            "D_Profession": fl.activity[:35],
            "D_Adresse": adresse,
            "D_Complement": complement,
            "D_CodePostal": cp,
            "D_Ville": ville,
            "D_Pays": "France",
            "D_Siret": siren + nic,
            "D_Ape": "2511Z",
            "D_Identifiant": _vat_number(siren),
        }
        for k in range(1, 6):
            first = date(year - 3 + k, 1, 1).toordinal() if k <= 3 else None
            last = date(year - 3 + k, 12, 31).toordinal() if k <= 3 else None
            dossier[f"D_DebutExo{k:02d}"] = self.ds(first) if first else None
            dossier[f"D_FinExo{k:02d}"] = self.ds(last) if last else None
        dossier.update(
            {
                "N_DeviseCompte": 0,
                "D_Telephone": phone,
                "D_EMail": fl.company_email,
                "D_EMailSoc": fl.company_email,
                "D_Site": "www." + fl.company_email.split("@")[1],
                "D_FormeJuridique": self.spec.name.split()[-1],
                "D_Capital": 50000,
                "D_DateClot": self.ds(date(year - 2, 12, 31).toordinal()),
                "D_PenalTaux": 12.15,
                "D_ForfaitImpayes": 40,
                "D_RappelSoldeMin": 15,
                "JO_NumPenal": "OD",
                "JO_NumImpayes": "OD",
                **system,
            }
        )
        self._insert(conn, "P_DOSSIER", [dossier])
        iso_numbers = {"USD": "840", "GBP": "826", "CHF": "756"}
        self._insert(
            conn,
            "P_DEVISE",
            [
                {
                    "cbIndice": idx,
                    "D_Intitule": label,
                    "D_Format": "#\u00a0##0,00",
                    "D_Cours": float(rate),
                    "D_CoursP": float(rate),
                    "D_Monnaie": label,
                    "D_SousMonnaie": "centième",
                    "D_CodeISO": iso,
                    "D_Sigle": sym,
                    "D_CodeISONum": iso_numbers[iso],
                    **system,
                }
                for idx, label, iso, sym, rate in names.CURRENCIES
            ],
        )
        self._insert(
            conn,
            "P_REGLEMENT",
            [
                {
                    "cbIndice": idx,
                    "R_Code": code,
                    "R_Intitule": label,
                    "R_ModePaieDebit": idx,
                    "R_ModePaieCredit": idx,
                    **system,
                }
                for idx, code, label in names.PAYMENT_METHODS
            ],
        )
        self._insert(
            conn,
            "P_SERVICECPTA",
            [
                {"cbIndice": idx, "S_Intitule": label, "S_Abrege": abbr, **system}
                for idx, label, abbr in names.SERVICES
            ],
        )
        self._insert(
            conn,
            "P_CONTACT",
            [
                {"cbIndice": idx, "C_Intitule": label, **system}
                for idx, label in names.CONTACT_TYPES
            ],
        )
        self._insert(
            conn,
            "P_CRISQUE",
            [
                {
                    "cbIndice": idx,
                    "R_Intitule": label,
                    "R_Type": kind,
                    "R_Min": float(low),
                    "R_Max": float(high),
                    **system,
                }
                for idx, label, kind, low, high in names.RISKS
            ],
        )
        self._insert(
            conn,
            "F_COMPTEG",
            [
                {
                    "CG_Num": self.acct(stem),
                    "CG_Type": 0,
                    "CG_Intitule": label,
                    "CG_Classement": _ascii(label).upper()[:17],
                    "N_Nature": nature,
                    "CG_Lettrage": letterable,
                    "CG_Tiers": letterable,
                    "CG_Echeance": letterable,
                    "CG_Report": 1 if stem[0] in "1234589" else 0,
                    "CG_DateCreate": self.ds(self.P0 - 2000),
                    **system,
                }
                for stem, label, nature, letterable in _general_accounts(fl.sales_label)
            ],
        )
        journals = (
            # JO_Type: 0 purchases, 1 sales, 2 treasury, 3 general
            ("ACH", "Journal des achats", "", 0),
            ("VTE", "Journal des ventes", "", 1),
            ("BQ1", "Banque Crédit Lyonnais", self.acct("512000"), 2),
            ("OD", "Opérations diverses", "", 3),
            ("RAN", "À-nouveaux", "", 3),
        )
        self._insert(
            conn,
            "F_JOURNAUX",
            [
                {
                    "JO_Num": code,
                    "JO_Intitule": label,
                    "CG_Num": account,
                    "JO_Type": kind,
                    "JO_NumPiece": 2 if kind == 2 else 1,
                    "JO_Rappro": int(kind == 2),
                    "JO_Reglement": int(kind == 2),
                    "JO_SuiviTreso": int(kind == 2),
                    **system,
                }
                for code, label, account, kind in journals
            ],
        )
        self._insert(conn, "F_COLLABORATEUR", [{**row, **system} for row in self.collaborators])
        conn.executemany(
            "INSERT INTO cbSysLibre (CB_File, CB_Name, CB_Pos, CB_Type, CB_Len, CB_Flag, "
            "CB_Formule, CB_Creator) VALUES (?, ?, ?, ?, ?, 0, '', ?)",
            [(*row, fl.staff_user) for row in schema.SYSLIBRE_ROWS],
        )

    def _write_tiers(self, conn: sqlite3.Connection) -> None:
        rng = random.Random(f"contacts:{self.spec.code}:{self.spec.seed}")
        tiers_rows: list[dict[str, object]] = []
        contacts: list[dict[str, object]] = []
        terms_rows: list[dict[str, object]] = []
        everyone = sorted(
            self.customers + self.suppliers, key=lambda x: (x.created, x.ct_type, x.ct_num)
        )
        for t in everyone:
            customer = t.ct_type == 0
            people = self._contacts_of(t, rng) if customer else []
            if customer:
                draw = rng.random()
                if t.no_contact or draw >= 0.9:
                    t.email = ""
                else:
                    t.email = f"{'compta' if draw < 0.7 else 'contact'}@{t.domain}"
                t.contact = f"{people[0]['CT_Prenom']} {people[0]['CT_Nom']}"[:35] if people else ""
            created = self.stamp(t.created)
            system = self._system(created, self.stamp(max(t.created, self.T - rng.randint(1, 700))))
            tiers_rows.append(
                {
                    "CT_Num": t.ct_num,
                    "CT_Intitule": t.name,
                    "CT_Type": t.ct_type,
                    "CG_NumPrinc": t.account,
                    "CT_Qualite": "Client" if customer else "Fournisseur",
                    "CT_Classement": t.classement,
                    "CT_Contact": t.contact,
                    "CT_Adresse": t.address,
                    "CT_Complement": t.complement,
                    "CT_CodePostal": t.postal_code,
                    "CT_Ville": t.town,
                    "CT_Pays": t.country,
                    "CT_Ape": t.ape,
                    "CT_Identifiant": t.vat_id,
                    "CT_Siret": t.siret,
                    "CT_Statistique01": t.trade[:21],
                    "CT_Encours": float(t.credit_limit),
                    "CT_NumPayeur": t.payer,
                    "N_Risque": t.risk if customer else 0,
                    "CO_No": t.co_no,
                    "CT_Langue": t.language,
                    "CT_LangueISO2": "EN" if t.language else "FR",
                    "CT_Sommeil": int(t.dormant),
                    "CT_NotRappel": t.not_rappel,
                    "CT_NotPenal": t.not_penal,
                    "CT_Telephone": t.phone,
                    "CT_Telecopie": t.fax,
                    "CT_EMail": t.email,
                    "CT_Site": f"www.{t.domain}" if rng.random() < 0.4 else "",
                    "CT_DateCreate": self.ds(t.created),
                    "N_Devise": t.devise,
                    "CT_Raccourci": t.ct_num[:7],
                    "CT_Lettrage": int(customer),
                    **system,
                    "Fidélité": t.loyalty,
                    "Segment": t.segment if customer else "",
                    "Date entrée": (
                        self.ds(t.entry_date) if customer and t.entry_date is not None else None
                    ),
                    "Potentiel": float(t.potential),
                }
            )
            for person in people:
                contacts.append(
                    {"CT_Num": t.ct_num, "CT_No": len(contacts) + 1, **person, **system}
                )
            for terms in t.terms:
                terms_rows.append(
                    {
                        "CT_Num": t.ct_num,
                        "N_Reglement": t.method,
                        "RT_Condition": terms.condition,
                        "RT_NbJour": terms.days,
                        "RT_TRepart": terms.repart,
                        "RT_VRepart": float(terms.value),
                        **self._system(created),
                    }
                )
        self._insert(conn, "F_COMPTET", tiers_rows)
        self._insert(conn, "F_CONTACTT", contacts)
        self._insert(conn, "F_REGLEMENTT", terms_rows)

    def _contacts_of(self, c: _Tiers, rng: random.Random) -> list[dict[str, object]]:
        """F_CONTACTT columns of a customer's contacts; none for the "no contact" ones."""
        if c.no_contact:
            return []
        services = []
        if rng.random() < 0.8:
            services.append(1)
        for service in (3, 2, 4):
            if rng.random() < (0.55 if service == 3 else 0.3):
                services.append(service)
        if not services:
            services.append(3)
        people = []
        area = c.phone[:2] if c.country == "France" else ""
        for service in services:
            female = rng.random() < 0.55
            first = rng.choice(names.FIRST_NAMES_F if female else names.FIRST_NAMES_M)
            last = rng.choice(names.SURNAMES)
            email = f"{_slug(first)}.{_slug(last)}@{c.domain}" if rng.random() < 0.9 else ""
            people.append(
                {
                    "CT_Nom": last.upper() if rng.random() < 0.3 else last,
                    "CT_Prenom": first,
                    "CT_Civilite": int(female),
                    "CT_Fonction": rng.choice(names.FUNCTIONS_BY_SERVICE[service]),
                    "N_Service": service,
                    "N_Contact": {1: 1, 3: 2, 2: 3, 4: 4}[service],
                    "CT_Telephone": _phone(rng, area) if area else c.phone,
                    "CT_TelPortable": (
                        _phone(rng, rng.choice(("06", "07"))) if rng.random() < 0.6 else ""
                    ),
                    "CT_Telecopie": c.fax,
                    "CT_EMail": email[:69],
                }
            )
        return people

    def write_behaviour_csv(self, path: Path) -> None:
        """Write each customer's generated payment behaviour (for tests and scoring checks)."""
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(
                ["CT_Num", "behaviour", "mean_delay_days", "delay_sd_days", "dispute_rate"]
            )
            for c in sorted(self.customers, key=lambda x: x.ct_num):
                writer.writerow(
                    [c.ct_num, c.behaviour, f"{c.mean:.2f}", f"{c.sd:.2f}", f"{c.dispute_rate:.3f}"]
                )


def _general_accounts(sales_label: str) -> tuple[tuple[str, str, int, int], ...]:
    """F_COMPTEG rows: (6-digit stem, label, N_Nature, letterable with due dates and tiers)."""
    return (
        ("401000", "Fournisseurs", 2, 1),
        ("411000", "Clients", 1, 1),
        ("411100", "Clients export", 1, 1),
        ("416000", "Clients douteux", 1, 1),
        ("445660", "TVA déductible sur ABS", 0, 0),
        ("445710", "TVA collectée", 0, 0),
        ("512000", "Banque Crédit Lyonnais", 5, 0),
        ("601000", "Achats de matières premières", 0, 0),
        ("606100", "Fournitures non stockables", 0, 0),
        ("606400", "Fournitures administratives", 0, 0),
        ("612200", "Crédit-bail mobilier", 0, 0),
        ("624100", "Transports sur achats", 0, 0),
        ("626000", "Frais postaux et télécom.", 0, 0),
        ("666000", "Pertes de change", 0, 0),
        ("706000", sales_label, 0, 0),
        ("758000", "Produits divers de gestion", 0, 0),
        ("766000", "Gains de change", 0, 0),
        ("890000", "Bilan d'ouverture", 0, 0),
    )


# Columns the generator fills in F_ECRITUREC, in the order of the row tuples (EC_No first).
_ENTRY_COLUMNS: tuple[str, ...] = (
    "JO_Num", "JM_Date", "EC_Jour", "EC_Date", "EC_Piece", "EC_RefPiece", "EC_Reference",
    "EC_Intitule", "CG_Num", "CG_NumCont", "CT_Num", "N_Reglement", "EC_Echeance", "EC_Parite",
    "N_Devise", "EC_Sens", "EC_Montant", "EC_Lettre", "EC_Lettrage", "EC_LettreQ", "EC_LettrageQ",
    "EC_StatusRegle", "EC_MontantRegle", "EC_DateRegle", "EC_Devise", "EC_Rappel",
    "EC_DateRelance", "EC_ANType", "EC_Cloture", "EC_Point", "EC_Pointage", "TA_Code",
    "cbCreateur", "cbModification", "cbCreation", "Code affaire", "N° commande",
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# touch_entries


def _touch(conn: sqlite3.Connection, rng: random.Random, fraction: float) -> int:
    closed_until = conn.execute("SELECT D_DateClot FROM P_DOSSIER").fetchone()[0]
    customers = dict(conn.execute("SELECT CT_Num, CT_Intitule FROM F_COMPTET WHERE CT_Type = 0"))
    # one scan of the open-year customer lines; every choice below is made from it
    lines = [
        row
        for row in conn.execute(
            "SELECT cbMarq, CT_Num, CG_Num, EC_Montant, N_Reglement, EC_Piece, JO_Num, JM_Date, "
            "EC_Sens, EC_Lettre, EC_Lettrage, EC_StatusRegle, N_Devise, EC_Echeance "
            "FROM F_ECRITUREC WHERE JM_Date > ? AND CG_Num LIKE '411%' ORDER BY cbMarq",
            (closed_until,),
        )
        if row[1] in customers
    ]
    target = max(1, round(fraction * len(lines)))
    (last_month,) = conn.execute("SELECT MAX(JM_Date) FROM F_ECRITUREC").fetchone()
    (last_jour,) = conn.execute(
        "SELECT MAX(EC_Jour) FROM F_ECRITUREC WHERE JM_Date = ?", (last_month,)
    ).fetchone()
    day = date.fromisoformat(last_month[:10]) + timedelta(days=last_jour)
    day_s = day.isoformat() + " 00:00:00"
    jm_s = day.replace(day=1).isoformat() + " 00:00:00"
    (next_no,) = conn.execute("SELECT COALESCE(MAX(EC_No), 0) + 1 FROM F_ECRITUREC").fetchone()
    touched: set[int] = set()

    last_code: dict[str, int] = {}
    for row in lines:
        code = row[10].upper()
        if code in _CODE_INDEX:
            last_code[row[1]] = max(last_code.get(row[1], -1), _CODE_INDEX[code])

    def next_code(ct_num: str) -> str:
        index = last_code.get(ct_num, -1) + 1
        last_code[ct_num] = index
        return _CODES[index % len(_CODES)]

    # 1. payments lettered with open invoices (and the day's bank line)
    open_invoices = [
        row
        for row in lines
        if row[8] == 0
        and row[9] == 0
        and row[11] == 0
        and row[12] == 0
        and row[6] in ("VTE", "RAN")
    ]
    chosen = rng.sample(open_invoices, min(max(1, target * 2 // 5), len(open_invoices)))
    bank_piece = "RB" + day.strftime("%y%m%d")
    bank_total = Decimal(0)
    (bank,) = conn.execute(
        "SELECT CG_Num FROM F_COMPTEG WHERE CG_Num LIKE '512%' ORDER BY CG_Num"
    ).fetchone()
    for cb, ct_num, account, amount, method, *_ in chosen:
        code = next_code(ct_num)
        cur = conn.execute(
            "INSERT INTO F_ECRITUREC (EC_No, JO_Num, JM_Date, EC_Jour, EC_Date, EC_Piece, "
            "EC_RefPiece, EC_Intitule, CG_Num, CG_NumCont, CT_Num, N_Reglement, EC_Echeance, "
            "EC_Sens, EC_Montant, EC_Lettre, EC_Lettrage, EC_StatusRegle, EC_MontantRegle, "
            "EC_DateRegle, cbCreateur) "
            "VALUES (?, 'BQ1', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 1, ?, 2, ?, ?, 'SYNC')",
            (next_no, jm_s, day.day, day_s, bank_piece, f"VIR{next_no:09d}",
             f"Vir. {customers[ct_num]}"[:35], account, bank, ct_num, method, SENTINEL_1753,
             amount, code, amount, day_s),
        )  # fmt: skip
        touched.add(cur.lastrowid)
        next_no += 1
        bank_total += Decimal(repr(amount))
        conn.execute(
            "UPDATE F_ECRITUREC SET EC_Lettre = 1, EC_Lettrage = ?, EC_StatusRegle = 2, "
            "EC_MontantRegle = EC_Montant, EC_DateRegle = ? WHERE cbMarq = ?",
            (code, day_s, cb),
        )
        touched.add(cb)
    if chosen:
        cur = conn.execute(
            "INSERT INTO F_ECRITUREC (EC_No, JO_Num, JM_Date, EC_Jour, EC_Date, EC_Piece, "
            "EC_Intitule, CG_Num, CG_NumCont, CT_Num, EC_Echeance, EC_Sens, EC_Montant, "
            "EC_DateRegle, cbCreateur) "
            "VALUES (?, 'BQ1', ?, ?, ?, ?, ?, ?, ?, '', ?, 0, ?, ?, 'SYNC')",
            (next_no, jm_s, day.day, day_s, bank_piece, f"Relevé du {day:%d/%m/%Y}", bank,
             chosen[0][2], SENTINEL_1753, float(bank_total), SENTINEL_1900),
        )  # fmt: skip
        touched.add(cur.lastrowid)
        next_no += 1

    # 2. reminders on overdue open items
    overdue = [
        row[0]
        for row in lines
        if row[8] == 0 and row[9] == 0 and row[0] not in touched and row[13]
        and "1901-01-01" < row[13] < day_s
    ]  # fmt: skip
    for cb in rng.sample(overdue, min(max(1, target // 5), len(overdue))):
        conn.execute(
            "UPDATE F_ECRITUREC SET EC_Rappel = EC_Rappel + 1, EC_DateRelance = ? WHERE cbMarq = ?",
            (day_s, cb),
        )
        touched.add(cb)

    # 3. label edits
    for row in rng.sample(lines, min(max(1, target // 5), len(lines))):
        if row[0] not in touched:
            conn.execute(
                "UPDATE F_ECRITUREC SET EC_Intitule = substr(EC_Intitule, 1, 31) || ' (c)' "
                "WHERE cbMarq = ?",
                (row[0],),
            )
            touched.add(row[0])

    # 4. unlettering of a few lettered groups (all lines of a group are in the open years)
    groups: dict[tuple[str, str], list[int]] = {}
    for row in lines:
        if row[9] == 1 and row[12] == 0:
            groups.setdefault((row[1], row[10]), []).append(row[0])
    keys = list(groups)
    for key in rng.sample(keys, min(max(1, target // 20), len(keys))):
        members = groups[key]
        if touched.intersection(members):
            continue
        conn.execute(
            "UPDATE F_ECRITUREC SET EC_Lettre = 0, EC_Lettrage = '', EC_LettreQ = 0, "
            "EC_LettrageQ = '', EC_StatusRegle = 0, EC_MontantRegle = 0, EC_DateRegle = ? "
            f"WHERE cbMarq IN ({', '.join('?' for _ in members)})",
            (SENTINEL_1900, *members),
        )
        touched.update(members)

    # 5. deletion of a handful of open invoices (whole VTE pieces of the open years)
    candidates = [row for row in open_invoices if row[6] == "VTE" and row[0] not in touched]
    rng.shuffle(candidates)
    deleted = 0
    for row in candidates:
        if deleted >= min(5, max(1, target // 50)):
            break
        piece_lines = conn.execute(
            "SELECT cbMarq, CT_Num, EC_Lettre, EC_StatusRegle FROM F_ECRITUREC "
            "WHERE JM_Date = ? AND JO_Num = 'VTE' AND EC_Piece = ?",
            (row[7], row[5]),
        ).fetchall()
        tiers_lines = [r for r in piece_lines if r[1]]
        if any(r[2] or r[3] or r[0] in touched for r in tiers_lines):
            continue
        conn.executemany("DELETE FROM F_ECRITUREC WHERE cbMarq = ?", [(r[0],) for r in piece_lines])
        touched.update(r[0] for r in piece_lines)
        deleted += 1
    return len(touched)


_CODE_INDEX = {code: i for i, code in enumerate(_CODES)}


# --------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> None:
    """Build the default demo bases from the command line and print what was built."""
    parser = argparse.ArgumentParser(description="Build Sage-100-shaped demo bases (SQLite).")
    parser.add_argument("--out", type=Path, default=Path("data/demo"), help="output folder")
    parser.add_argument("--customers", type=int, default=None, help="total customers (300)")
    parser.add_argument("--entries", type=int, default=None, help="total target of 411 lines")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--today", type=date.fromisoformat, default=DEFAULT_TODAY)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    specs = default_specs(args.customers, args.entries, args.seed)
    for s in build_demo_bases(args.out, specs, args.today, args.workers):
        print(
            f"{s.code}: {s.path} customers={s.customers} customer_entries={s.customer_entries} "
            f"total_entries={s.total_entries} seconds={s.seconds:.1f}"
        )
    print(f"total seconds={time.perf_counter() - started:.1f}")


if __name__ == "__main__":
    main()
