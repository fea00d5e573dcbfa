"""Master data of a demo company: sales reps, customers (identity, behaviour, terms), suppliers.

Everything is drawn from the company's one random generator, in a fixed order: changing the order
of the draws changes the whole base.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from src_dash.sources.demo import names
from src_dash.sources.demo.base import CompanyBase
from src_dash.sources.demo.common import phone_number, siret_number, slug, to_ascii, vat_number
from src_dash.sources.demo.model import Terms, Tiers
from src_dash.sources.demo.spec import BEHAVIOURS


@dataclass
class _Traits:
    """The customers picked for each special trait, drawn from one shuffled order."""

    not_rappel: Tiers
    currency: list[Tiers]
    eu: list[Tiers]
    dormant: list[Tiers]
    no_contact: list[Tiers]
    split: list[Tiers]
    big: list[Tiers]
    unapplied: list[Tiers]
    credits: list[Tiers]


class MasterData(CompanyBase):
    """Creates the collaborators, the customers and the suppliers (nothing simulated yet)."""

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
                    "CO_Telephone": phone_number(rng, "04"),
                    "CO_TelPortable": phone_number(rng, "06"),
                    "CO_EMail": f"{slug(first)}.{slug(last)}@{domain}",
                    "CO_ChargeRecouvr": int(collector),
                    "CO_Matricule": f"M{no:04d}",
                    "CO_DateCreation": self.ds(self.P0 - rng.randint(200, 3000)),
                }
            )
        self.sales_reps = [row["CO_No"] for row in self.collaborators if row["CO_Vendeur"]]

    def _make_customers(self) -> None:
        n = self.spec.customers
        customers = [Tiers(i) for i in range(n)]
        order = list(range(n))
        self.rng.shuffle(order)
        traits = _pick_traits(customers, order)
        self._draw_behaviours(customers, traits)
        _apply_traits(customers, order, traits)
        split_set = {id(c) for c in traits.split}
        for c in customers:
            self._customer_identity(c)
            self._customer_behaviour(c)
            self._customer_terms(c, id(c) in split_set)
        not_rappel = traits.not_rappel
        not_rappel.segment = "Interne"
        not_rappel.name = f"Filiale {self.spec.name.split()[1]} Services"[:35]
        not_rappel.classement = to_ascii(not_rappel.name).upper()[:17]
        not_rappel.dunned = False
        self._number_customers(customers)
        self.customers = customers

    def _draw_behaviours(self, customers: list[Tiers], traits: _Traits) -> None:
        """Weighted draw of the behaviours, then make sure each one exists."""
        rng = self.rng
        weights = self.flavour.behaviour_weights
        for c in customers:
            c.behaviour = rng.choices(BEHAVIOURS, weights)[0]
        if len(customers) >= len(BEHAVIOURS) + 1:
            counts = {b: 0 for b in BEHAVIOURS}
            for c in customers:
                counts[c.behaviour] += 1
            spare = [c for c in customers if c is not traits.not_rappel and c not in traits.dormant]
            rng.shuffle(spare)
            for b in BEHAVIOURS:
                while counts[b] == 0 and spare:
                    c = spare.pop()
                    if counts[c.behaviour] > 1:
                        counts[c.behaviour] -= 1
                        c.behaviour = b
                        counts[b] += 1
        traits.not_rappel.behaviour = "chronic"
        for c in traits.dormant:
            if c.behaviour not in ("good", "slow"):
                c.behaviour = "good"

    def _number_customers(self, customers: list[Tiers]) -> None:
        """Number the customers in creation order, as Sage would have; pick a few head offices."""
        customers.sort(key=lambda c: (c.created, c.index))
        used: set[str] = set()
        for number, c in enumerate(customers, start=1):
            if self.flavour.numeric_customer_codes:
                c.ct_num = f"C{number:06d}"
            else:
                stem = to_ascii(c.stem).upper()
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
        rng = self.rng
        heads = [c for c in customers if c.big]
        for c in customers:
            if heads and not c.big and rng.random() < 0.02:
                c.payer = rng.choice(heads).ct_num

    def _customer_identity(self, c: Tiers) -> None:
        surname = self.rng.choice(names.SURNAMES)
        if c.devise:
            self._foreign_identity(c)
        elif c.export_eu:
            self._eu_identity(c)
        else:
            self._french_identity(c, surname)
        self._identity_details(c)
        self._customer_history(c)

    def _foreign_identity(self, c: Tiers) -> None:
        """A customer billed in its own currency, outside the euro area."""
        rng = self.rng
        country, towns, phone_prefix = names.FOREIGN[c.iso]
        c.name = rng.choice(names.FOREIGN_NAMES[c.iso])
        c.country = country
        c.postal_code, c.town = rng.choice(towns)
        streets = ("Main Street", "High Street", "Rue du Rhône", "Park Avenue")
        self._abroad(c, streets, 250, phone_prefix, "Export")
        c.language = 1

    def _eu_identity(self, c: Tiers) -> None:
        """A customer of the euro area outside France (no VAT charged)."""
        rng = self.rng
        country, cp, town, phone_prefix = rng.choice(names.EU_EXPORT)
        c.name = rng.choice(names.FOREIGN_NAMES["EUR"])
        c.country, c.postal_code, c.town = country, cp, town
        streets = ("Rue Royale", "Hauptstraße", "Via Roma", "Carrer Major")
        self._abroad(c, streets, 120, phone_prefix, "Export UE")

    def _abroad(
        self, c: Tiers, streets: tuple[str, ...], numbers: int, phone_prefix: str, trade: str
    ) -> None:
        """Address, phone and accounting of a customer abroad, once its name and town are set."""
        rng = self.rng
        street = rng.choice(streets)
        c.address = f"{rng.randint(1, numbers)} {street}"
        c.phone = f"{phone_prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        c.vat = False
        c.segment = "Export"
        c.stem = c.name.split()[0]
        c.trade = trade
        c.account = self.acct("411100")

    def _french_identity(self, c: Tiers, surname: str) -> None:
        rng = self.rng
        cp, town, area = rng.choice(self.flavour.towns)
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
            self._trade_name(c, surname)
        c.postal_code, c.town = cp, town
        street = f"{rng.choice(names.STREET_KINDS)} {rng.choice(names.STREET_NAMES)}"
        c.address = f"{rng.randint(1, 180)} {street}"
        c.phone = phone_number(rng, area)
        if rng.random() < 0.25:
            c.fax = phone_number(rng, area)
        c.account = self.acct("411000")

    def _trade_name(self, c: Tiers, surname: str) -> None:
        """Name, trade, stem and segment of a small French business."""
        rng = self.rng
        trade, code = rng.choice(self.flavour.trades)
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

    def _identity_details(self, c: Tiers) -> None:
        """Sort key, domain, registration numbers, sales rep and payment method."""
        rng = self.rng
        c.name = c.name[:35]
        c.address = c.address[:35]
        c.classement = to_ascii(c.name).upper()[:17]
        if rng.random() < 0.3:
            c.complement = rng.choice(names.COMPLEMENTS)
        c.domain = (slug(c.name.replace(" SARL", "").replace(" SAS", ""))[:40] or "client") + (
            ".fr" if c.country == "France" else ".com"
        )
        c.siret = siret_number(rng) if c.country == "France" else ""
        c.vat_id = vat_number(c.siret[:9]) if c.siret else ""
        c.ape = rng.choice(("1071C", "4332A", "5610A", "4520A", "4711D", "7111Z", "1013A", "4941A"))
        c.co_no = rng.choice(self.sales_reps) if rng.random() > 0.04 else 0
        c.method = 1 if c.devise else rng.choices((1, 2, 3, 4, 5), (55, 20, 10, 10, 5))[0]

    def _customer_history(self, c: Tiers) -> None:
        """Creation date, loyalty, volumes, active period, credit limit and potential."""
        rng = self.rng
        fl = self.flavour
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

    def _customer_behaviour(self, c: Tiers) -> None:
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

    def _customer_terms(self, c: Tiers, split: bool) -> None:
        rng = self.rng
        if split and not c.devise:
            if rng.random() < 0.6:
                c.terms = [
                    Terms(0, 30, 0, Decimal("50")),
                    Terms(0, 60, 1, Decimal("0")),
                ]
            else:
                c.terms = [
                    Terms(0, 30, 0, Decimal("33.33")),
                    Terms(0, 60, 0, Decimal("33.33")),
                    Terms(0, 90, 1, Decimal("0")),
                ]
            return
        if c.method == 5:
            c.terms = [Terms(0, 0, 1, Decimal("0"))]
            return
        condition, days = rng.choices(((0, 30), (1, 45), (0, 60), (1, 30)), (35, 25, 20, 20))[0]
        c.terms = [Terms(condition, days, 1, Decimal("0"))]

    def _make_suppliers(self) -> None:
        rng = self.rng
        pool = list(names.SUPPLIERS)
        rng.shuffle(pool)
        count = rng.randint(4, 6)
        for k, (label, stem, expense) in enumerate(sorted(pool[:count]), start=1):
            s = Tiers(10_000 + k)
            s.ct_type = 1
            s.name = label
            s.classement = to_ascii(label).upper()[:17]
            s.ct_num = f"F{stem}"[:17]
            s.payer = s.ct_num
            s.trade = "Fournisseur"
            s.stem = stem
            cp, town, area = rng.choice(self.flavour.towns)
            s.postal_code, s.town = cp, town
            street = f"{rng.choice(names.STREET_KINDS)} {rng.choice(names.STREET_NAMES)}"
            s.address = f"{rng.randint(1, 90)} {street}"[:35]
            s.phone = phone_number(rng, area)
            s.domain = slug(label) + ".fr"
            s.email = f"facturation@{s.domain}"
            s.siret = siret_number(rng)
            s.vat_id = vat_number(s.siret[:9])
            s.account = self.acct("401000")
            s.created = self.P0 - rng.randint(300, 4000)
            s.median = rng.choice((300, 900, 2500, 6000))
            s.expense = self.acct(expense)
            s.method = 1
            s.segment = ""
            s.terms = [Terms(1, 30, 1, Decimal("0"))]
            s.dunned = False
            self.suppliers.append(s)


def _pick_traits(customers: list[Tiers], order: list[int]) -> _Traits:
    """Take the customers of each trait, in turn, from the shuffled `order`."""
    n = len(customers)
    pos = 0

    def take(k: int) -> list[Tiers]:
        nonlocal pos
        chosen = [customers[order[(pos + j) % n]] for j in range(k)]
        pos += k
        return chosen

    def quota(rate: float, minimum: int = 1) -> int:
        return max(minimum, round(rate * n)) if n >= 3 else minimum

    return _Traits(
        not_rappel=take(1)[0],
        currency=take(quota(0.03, 3)),
        eu=take(quota(0.015)),
        dormant=take(quota(0.035)),
        no_contact=take(quota(0.05)),
        split=take(quota(0.08)),
        big=take(quota(0.03)),
        unapplied=take(quota(0.08)),
        credits=take(quota(0.08)),
    )


def _apply_traits(customers: list[Tiers], order: list[int], traits: _Traits) -> None:
    """Set the flags of the picked customers; the "do not dun" one keeps none but its own."""
    for i, c in enumerate(traits.currency):
        c.devise = i % len(names.CURRENCIES) + 1
        c.iso = names.CURRENCIES[c.devise - 1][2]
    for c in traits.eu:
        if not c.devise:
            c.export_eu = True
    flags = (
        (traits.dormant, "dormant"),
        (traits.no_contact, "no_contact"),
        (traits.big, "big"),
        (traits.unapplied, "unapplied"),
        (traits.credits, "commercial_credits"),
    )
    for group, flag in flags:
        for c in group:
            setattr(c, flag, True)
    traits.credits[0].recent_credit = True
    not_rappel = traits.not_rappel
    not_rappel.not_rappel = 1
    for group in (traits.currency, traits.eu, traits.dormant, traits.no_contact, traits.big):
        if not_rappel in group:
            not_rappel.devise, not_rappel.iso = 0, ""
            not_rappel.export_eu = not_rappel.dormant = False
            not_rappel.no_contact = not_rappel.big = False
    # one customer is sure to show an open, partly paid invoice
    for i in order:
        c = customers[i]
        if not (c.devise or c.dormant or c.not_rappel):
            c.show_partial = True
            break
