"""The third parties of a demo base: F_COMPTET (customers and suppliers), their contacts
(F_CONTACTT) and payment terms (F_REGLEMENTT), and the behaviour CSV written beside the base.

Contacts and e-mail addresses come from a random generator of their own, so that adding a column
here never changes the simulated ledger.
"""

from __future__ import annotations

import csv
import random
import sqlite3
from pathlib import Path

from src_dash.sources.demo import names
from src_dash.sources.demo.base import CompanyBase
from src_dash.sources.demo.common import phone_number, slug
from src_dash.sources.demo.model import Tiers

Row = dict[str, object]


class TiersRows(CompanyBase):
    """Writes the customers and suppliers with their contacts and terms."""

    def _write_tiers(self, conn: sqlite3.Connection) -> None:
        rng = random.Random(f"contacts:{self.spec.code}:{self.spec.seed}")
        tiers_rows: list[Row] = []
        contacts: list[Row] = []
        terms_rows: list[Row] = []
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
            tiers_rows.append(self._comptet_row(t, system, rng))
            for person in people:
                contacts.append(
                    {"CT_Num": t.ct_num, "CT_No": len(contacts) + 1, **person, **system}
                )
            terms_rows.extend(self._terms_rows(t, created))
        self._insert(conn, "F_COMPTET", tiers_rows)
        self._insert(conn, "F_CONTACTT", contacts)
        self._insert(conn, "F_REGLEMENTT", terms_rows)

    def _comptet_row(self, t: Tiers, system: Row, rng: random.Random) -> Row:
        """The F_COMPTET row of a customer or supplier, free fields last."""
        customer = t.ct_type == 0
        return {
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

    def _terms_rows(self, t: Tiers, created: str) -> list[Row]:
        """The F_REGLEMENTT rows of a third party, one per due date of its terms."""
        return [
            {
                "CT_Num": t.ct_num,
                "N_Reglement": t.method,
                "RT_Condition": terms.condition,
                "RT_NbJour": terms.days,
                "RT_TRepart": terms.repart,
                "RT_VRepart": float(terms.value),
                **self._system(created),
            }
            for terms in t.terms
        ]

    def _contacts_of(self, c: Tiers, rng: random.Random) -> list[dict[str, object]]:
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
            email = f"{slug(first)}.{slug(last)}@{c.domain}" if rng.random() < 0.9 else ""
            people.append(
                {
                    "CT_Nom": last.upper() if rng.random() < 0.3 else last,
                    "CT_Prenom": first,
                    "CT_Civilite": int(female),
                    "CT_Fonction": rng.choice(names.FUNCTIONS_BY_SERVICE[service]),
                    "N_Service": service,
                    "N_Contact": {1: 1, 3: 2, 2: 3, 4: 4}[service],
                    "CT_Telephone": phone_number(rng, area) if area else c.phone,
                    "CT_TelPortable": (
                        phone_number(rng, rng.choice(("06", "07"))) if rng.random() < 0.6 else ""
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
