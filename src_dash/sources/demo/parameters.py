"""The parameter tables of a demo base: the company (P_DOSSIER and its fiscal years), currencies,
payment methods, services, contact kinds, risks, general accounts, journals and sales reps.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from src_dash.sources.demo import names, schema
from src_dash.sources.demo.base import CompanyBase
from src_dash.sources.demo.common import luhn_digit, to_ascii, vat_number

Row = dict[str, object]


class ParameterRows(CompanyBase):
    """Writes the company's parameters and charts (everything but third parties and entries)."""

    def _write_parameters(self, conn: sqlite3.Connection) -> None:
        system = self._system(self.stamp(self.P0 - 400))
        self._insert(conn, "P_DOSSIER", [self._dossier_row(system)])
        for table, rows in _parameter_tables(system):
            self._insert(conn, table, rows)
        self._insert(conn, "F_COMPTEG", self._account_rows(system))
        self._insert(conn, "F_JOURNAUX", self._journal_rows(system))
        self._insert(conn, "F_COLLABORATEUR", [{**row, **system} for row in self.collaborators])
        conn.executemany(
            "INSERT INTO cbSysLibre (CB_File, CB_Name, CB_Pos, CB_Type, CB_Len, CB_Flag, "
            "CB_Formule, CB_Creator) VALUES (?, ?, ?, ?, ?, 0, '', ?)",
            [(*row, self.flavour.staff_user) for row in schema.SYSLIBRE_ROWS],
        )

    def _dossier_row(self, system: Row) -> Row:
        """P_DOSSIER: identity of the company, its five fiscal-year slots, dunning settings."""
        fl = self.flavour
        adresse, complement, cp, ville, phone = fl.company_address
        siren = fl.company_siren
        nic = "0002" + luhn_digit(siren + "0002")
        year = self.today.year
        dossier: Row = {
            "D_RaisonSoc": self.spec.name[:35],
            "D_Profession": fl.activity[:35],
            "D_Adresse": adresse,
            "D_Complement": complement,
            "D_CodePostal": cp,
            "D_Ville": ville,
            "D_Pays": "France",
            "D_Siret": siren + nic,
            "D_Ape": "2511Z",
            "D_Identifiant": vat_number(siren),
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
        return dossier

    def _account_rows(self, system: Row) -> list[Row]:
        """F_COMPTEG: the general accounts, in the company's account length."""
        return [
            {
                "CG_Num": self.acct(stem),
                "CG_Type": 0,
                "CG_Intitule": label,
                "CG_Classement": to_ascii(label).upper()[:17],
                "N_Nature": nature,
                "CG_Lettrage": letterable,
                "CG_Tiers": letterable,
                "CG_Echeance": letterable,
                "CG_Report": 1 if stem[0] in "1234589" else 0,
                "CG_DateCreate": self.ds(self.P0 - 2000),
                **system,
            }
            for stem, label, nature, letterable in _general_accounts(self.flavour.sales_label)
        ]

    def _journal_rows(self, system: Row) -> list[Row]:
        """F_JOURNAUX: purchases, sales, bank, miscellaneous and carried-forward journals."""
        journals = (
            # JO_Type: 0 purchases, 1 sales, 2 treasury, 3 general
            ("ACH", "Journal des achats", "", 0),
            ("VTE", "Journal des ventes", "", 1),
            ("BQ1", "Banque Crédit Lyonnais", self.acct("512000"), 2),
            ("OD", "Opérations diverses", "", 3),
            ("RAN", "À-nouveaux", "", 3),
        )
        return [
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
        ]


def _parameter_tables(system: Row) -> list[tuple[str, list[Row]]]:
    """P_DEVISE, P_REGLEMENT, P_SERVICECPTA, P_CONTACT and P_CRISQUE, from the word lists."""
    iso_numbers = {"USD": "840", "GBP": "826", "CHF": "756"}
    currencies: list[Row] = [
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
    ]
    methods: list[Row] = [
        {
            "cbIndice": idx,
            "R_Code": code,
            "R_Intitule": label,
            "R_ModePaieDebit": idx,
            "R_ModePaieCredit": idx,
            **system,
        }
        for idx, code, label in names.PAYMENT_METHODS
    ]
    services: list[Row] = [
        {"cbIndice": idx, "S_Intitule": label, "S_Abrege": abbr, **system}
        for idx, label, abbr in names.SERVICES
    ]
    contacts: list[Row] = [
        {"cbIndice": idx, "C_Intitule": label, **system} for idx, label in names.CONTACT_TYPES
    ]
    risks: list[Row] = [
        {
            "cbIndice": idx,
            "R_Intitule": label,
            "R_Type": kind,
            "R_Min": float(low),
            "R_Max": float(high),
            **system,
        }
        for idx, label, kind, low, high in names.RISKS
    ]
    return [
        ("P_DEVISE", currencies),
        ("P_REGLEMENT", methods),
        ("P_SERVICECPTA", services),
        ("P_CONTACT", contacts),
        ("P_CRISQUE", risks),
    ]


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
