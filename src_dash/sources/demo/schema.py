"""DDL of the demo Sage 100 base: real table and column names, SQL-Server-like declared types.

SQLite keeps the declared types (`varchar(35)`, `numeric(24,6)`, `smalldatetime`, ...), which the
SQLite ODBC driver reports to pyodbc much as SQL Server would. Columns the generator does not fill
get the default Sage would have written (0, '' or the 1753-01-01 empty date).
"""

from __future__ import annotations

import sqlite3

SENTINEL_1753 = "1753-01-01 00:00:00"
SENTINEL_1900 = "1900-01-01 00:00:00"

_NOW_MINUTE = "(strftime('%Y-%m-%d %H:%M:00','now'))"
_NOW_SECOND = "(strftime('%Y-%m-%d %H:%M:%S','now'))"

Column = tuple[
    str, str, str | None
]  # name, declared type, default SQL (None: nullable, no default)


def _v(name: str, length: int) -> Column:
    return (name, f"varchar({length})", "''")


def _c(name: str, length: int) -> Column:
    return (name, f"char({length})", "''")


def _s(name: str) -> Column:
    return (name, "smallint", "0")


def _i(name: str) -> Column:
    return (name, "int", "0")


def _n(name: str) -> Column:
    return (name, "numeric(24,6)", "0")


def _dt(name: str, nullable: bool = False) -> Column:
    return (name, "datetime", None if nullable else f"'{SENTINEL_1753}'")


def _system() -> list[Column]:
    """The `cb*` system columns every Sage table ends with (cbMarq comes first)."""
    return [
        _s("cbProt"),
        _c("cbCreateur", 4),
        ("cbModification", "smalldatetime", _NOW_MINUTE),
        _i("cbReplication"),
        _s("cbFlag"),
        ("cbCreation", "datetime", _NOW_SECOND),
        ("cbCreationUser", "uniqueidentifier", None),
    ]


FREE_FIELDS_COMPTET: list[Column] = [
    ("Fidélité", "varchar(21)", "''"),
    ("Segment", "varchar(21)", "''"),
    ("Date entrée", "datetime", None),
    ("Potentiel", "numeric(24,6)", "0"),
]

FREE_FIELDS_ECRITUREC: list[Column] = [
    ("Code affaire", "varchar(21)", "''"),
    ("N° commande", "varchar(21)", "''"),
]

# cbSysLibre rows: (CB_File, CB_Name, CB_Pos, CB_Type, CB_Len). CB_Type: 0 deleted, 9 text,
# 14 date, 20 amount. "Ancien code" was deleted in Sage: its column no longer exists.
SYSLIBRE_ROWS: list[tuple[str, str, int, int, int]] = [
    ("F_COMPTET", "Fidélité", 1, 9, 21),
    ("F_COMPTET", "Segment", 2, 9, 21),
    ("F_COMPTET", "Ancien code", 3, 0, 21),
    ("F_COMPTET", "Date entrée", 4, 14, 8),
    ("F_COMPTET", "Potentiel", 5, 20, 14),
    ("F_ECRITUREC", "Code affaire", 1, 9, 21),
    ("F_ECRITUREC", "N° commande", 2, 9, 21),
    ("F_DOCENTETE", "NATURE BL", 1, 9, 21),
    ("F_ARTICLE", "Gamme", 1, 9, 35),
]

F_COMPTET: list[Column] = [
    _v("CT_Num", 17),
    _v("CT_Intitule", 35),
    _s("CT_Type"),
    _v("CG_NumPrinc", 13),
    _v("CT_Qualite", 17),
    _v("CT_Classement", 17),
    _v("CT_Contact", 35),
    _v("CT_Adresse", 35),
    _v("CT_Complement", 35),
    _v("CT_CodePostal", 9),
    _v("CT_Ville", 35),
    _v("CT_CodeRegion", 25),
    _v("CT_Pays", 35),
    _v("CT_Raccourci", 7),
    _i("BT_Num"),
    _v("CT_Ape", 7),
    _v("CT_Identifiant", 25),
    _v("CT_Siret", 15),
    *[_v(f"CT_Statistique{i:02d}", 21) for i in range(1, 11)],
    _v("CT_Commentaire", 35),
    _n("CT_Encours"),
    _n("CT_Assurance"),
    _v("CT_NumPayeur", 17),
    _s("N_Risque"),
    _i("CO_No"),
    _s("N_CatTarif"),
    _n("CT_Taux01"),
    _n("CT_Taux02"),
    _n("CT_Taux03"),
    _n("CT_Taux04"),
    _s("N_CatCompta"),
    _s("N_Devise"),
    _s("N_Period"),
    _s("CT_Facture"),
    _s("CT_BLFact"),
    _s("CT_Langue"),
    _v("CT_LangueISO2", 3),
    _s("N_Expedition"),
    _s("N_Condition"),
    _s("CT_Saut"),
    _s("CT_Lettrage"),
    _s("CT_ValidEch"),
    _s("CT_Sommeil"),
    _i("DE_No"),
    _s("CT_ControlEnc"),
    _s("CT_NotRappel"),
    _s("N_Analytique"),
    _v("CA_Num", 13),
    _v("CT_Telephone", 21),
    _v("CT_Telecopie", 21),
    _v("CT_EMail", 69),
    _v("CT_Site", 69),
    _v("CT_Coface", 25),
    _s("CT_Surveillance"),
    _dt("CT_SvDateCreate"),
    _v("CT_SvFormeJuri", 33),
    _v("CT_SvEffectif", 11),
    _n("CT_SvCA"),
    _n("CT_SvResultat"),
    _s("CT_SvIncident"),
    _dt("CT_SvDateIncid"),
    _s("CT_SvPrivil"),
    _v("CT_SvRegul", 3),
    _v("CT_SvCotation", 5),
    _dt("CT_SvDateMaj"),
    _v("CT_SvObjetMaj", 61),
    _dt("CT_SvDateBilan"),
    _s("CT_SvNbMoisBilan"),
    _s("N_AnalytiqueIFRS"),
    _v("CA_NumIFRS", 13),
    _s("CT_PrioriteLivr"),
    _s("CT_LivrPartielle"),
    _i("MR_No"),
    _s("CT_NotPenal"),
    _i("EB_No"),
    _v("CT_NumCentrale", 17),
    _dt("CT_DateCreate"),
    _dt("CT_DateMAJ"),
    _s("CT_FactureElec"),
    _s("CT_TypeNIF"),
    _v("CT_RepresentInt", 35),
    _v("CT_RepresentNIF", 25),
    _s("CT_EdiCodeType"),
    _v("CT_EdiCode", 23),
    _v("CT_EdiCodeSage", 9),
    _s("CT_ProfilSoc"),
    _s("CT_StatutContrat"),
    _dt("CT_DateFermeDebut"),
    _dt("CT_DateFermeFin"),
    _s("CT_EchangeRappro"),
    _s("CT_EchangeCR"),
    _i("PI_NoEchange"),
    _s("CT_BonAPayer"),
    _s("CT_DelaiTransport"),
    _s("CT_DelaiAppro"),
    _s("CT_AnnulationCR"),
    _v("CT_Facebook", 35),
    _v("CT_LinkedIn", 35),
    _s("CT_ExclureTrait"),
    _s("CT_GDPR"),
    _s("CT_Prospect"),
    _s("CT_CessionCreance"),
    ("cbCT_Num", "varbinary(18)", None),
    ("cbCT_Intitule", "varbinary(36)", None),
    *_system(),
    *FREE_FIELDS_COMPTET,
]

F_CONTACTT: list[Column] = [
    _v("CT_Num", 17),
    _i("CT_No"),
    _v("CT_Nom", 35),
    _v("CT_Prenom", 35),
    _v("CT_Fonction", 35),
    _s("N_Service"),
    _v("CT_Telephone", 21),
    _v("CT_TelPortable", 21),
    _v("CT_Telecopie", 21),
    _v("CT_EMail", 69),
    _s("CT_Civilite"),
    _s("N_Contact"),
    _v("CT_Skype", 35),
    _v("CT_Facebook", 35),
    _v("CT_LinkedIn", 35),
    *_system(),
]

F_COLLABORATEUR: list[Column] = [
    _i("CO_No"),
    _v("CO_Nom", 35),
    _v("CO_Prenom", 35),
    _v("CO_Fonction", 35),
    _v("CO_Adresse", 35),
    _v("CO_Complement", 35),
    _v("CO_CodePostal", 9),
    _v("CO_Ville", 35),
    _v("CO_CodeRegion", 25),
    _v("CO_Pays", 35),
    _v("CO_Service", 35),
    _s("CO_Vendeur"),
    _s("CO_Caissier"),
    _dt("CO_DateCreation"),
    _s("CO_Acheteur"),
    _v("CO_Telephone", 21),
    _v("CO_Telecopie", 21),
    _v("CO_EMail", 69),
    _v("CO_TelPortable", 21),
    _v("CO_Matricule", 11),
    _s("CO_Sommeil"),
    _s("CO_Receptionnaire"),
    _i("PROT_No"),
    _s("CO_ChargeRecouvr"),
    _s("CO_Financier"),
    *_system(),
]

F_ECRITUREC: list[Column] = [
    _v("JO_Num", 7),
    _i("EC_No"),
    _i("EC_NoLink"),
    ("JM_Date", "datetime", None),
    _s("EC_Jour"),
    _dt("EC_Date"),
    _v("EC_Piece", 13),
    _v("EC_RefPiece", 17),
    _v("EC_TresoPiece", 17),
    _v("CG_Num", 13),
    _v("CG_NumCont", 13),
    ("CT_Num", "varchar(17)", None),
    _v("EC_Intitule", 35),
    _s("N_Reglement"),
    ("EC_Echeance", "datetime", None),
    _n("EC_Parite"),
    _n("EC_Quantite"),
    _s("N_Devise"),
    _s("EC_Sens"),
    _n("EC_Montant"),
    _s("EC_Lettre"),
    _v("EC_Lettrage", 3),
    _s("EC_Point"),
    _v("EC_Pointage", 3),
    _s("EC_Impression"),
    _s("EC_Cloture"),
    _s("EC_CType"),
    _s("EC_Rappel"),
    _v("CT_NumCont", 17),
    _s("EC_LettreQ"),
    _v("EC_LettrageQ", 3),
    _s("EC_ANType"),
    _s("EC_RType"),
    _n("EC_Devise"),
    _v("EC_Remise", 13),
    _s("EC_ExportExpert"),
    _s("EC_ExportRappro"),
    _v("TA_Code", 5),
    _s("EC_Norme"),
    _s("TA_Provenance"),
    _s("EC_PenalType"),
    _dt("EC_DatePenal"),
    _dt("EC_DateRelance", True),
    _dt("EC_DateRappro"),
    _v("EC_Reference", 17),
    _s("EC_StatusRegle"),
    _n("EC_MontantRegle"),
    _dt("EC_DateRegle"),
    _v("EC_RIB", 35),
    _dt("EC_DateOp"),
    _i("EC_NoCloture"),
    _dt("EC_DateCloture"),
    ("EC_FactureGUID", "uniqueidentifier", None),
    ("EC_FactureFile", "uniqueidentifier", None),
    _s("EC_StatFinexKap"),
    _s("EC_ExtProvenance"),
    _v("EC_ExtSequence", 69),
    _v("EC_PayNowUrl", 255),
    _i("SAC_id"),
    ("cbHash", "varbinary(32)", None),
    _s("cbHashVersion"),
    _dt("cbHashDate", True),
    _i("cbHashOrder"),
    ("cbEC_Piece", "varbinary(14)", None),
    ("cbCT_Num", "varbinary(18)", None),
    *_system(),
    *FREE_FIELDS_ECRITUREC,
]

F_COMPTEG: list[Column] = [
    _v("CG_Num", 13),
    _s("CG_Type"),
    _v("CG_Intitule", 35),
    _v("CG_Classement", 17),
    _s("N_Nature"),
    _s("CG_Report"),
    _v("CR_Num", 13),
    _v("CG_Raccourci", 7),
    _s("CG_Saut"),
    _s("CG_Regroup"),
    _s("CG_Analytique"),
    _s("CG_Echeance"),
    _s("CG_Quantite"),
    _s("CG_Lettrage"),
    _s("CG_Tiers"),
    _dt("CG_DateCreate"),
    _s("CG_Devise"),
    _s("N_Devise"),
    _v("TA_Code", 5),
    _s("CG_Sommeil"),
    _s("CG_ReportAnal"),
    _s("CG_LettrageSaisie"),
    *_system(),
]

F_JOURNAUX: list[Column] = [
    _v("JO_Num", 7),
    _v("JO_Intitule", 35),
    _v("CG_Num", 13),
    _s("JO_Type"),
    _s("JO_NumPiece"),
    _s("JO_Contrepartie"),
    _s("JO_SaisAnal"),
    _s("JO_NotCalcTot"),
    _s("JO_Rappro"),
    _s("JO_Sommeil"),
    _s("JO_Reglement"),
    _s("JO_SuiviTreso"),
    _s("JO_IFRS"),
    *_system(),
]

F_REGLEMENTT: list[Column] = [
    _v("CT_Num", 17),
    _s("N_Reglement"),
    _s("RT_Condition"),
    _s("RT_NbJour"),
    *[_s(f"RT_JourTb{i:02d}") for i in range(1, 7)],
    _s("RT_TRepart"),
    _n("RT_VRepart"),
    *_system(),
]

P_REGLEMENT: list[Column] = [
    _s("cbIndice"),
    _v("R_Code", 3),
    _v("R_Intitule", 35),
    _s("R_ModePaieDebit"),
    _s("R_ModePaieCredit"),
    _v("R_EdiCode", 3),
    _i("EB_NoEncaiss"),
    _i("EB_NoDecaiss"),
    *_system(),
]

P_DEVISE: list[Column] = [
    _s("cbIndice"),
    _v("D_Intitule", 35),
    _v("D_Format", 31),
    _n("D_Cours"),
    _n("D_CoursP"),
    _v("D_Monnaie", 21),
    _v("D_SousMonnaie", 21),
    _v("D_CodeISO", 3),
    _v("D_Sigle", 5),
    _s("D_Mode"),
    _s("N_DeviseCot"),
    _n("D_CoursClot"),
    _s("D_Euro"),
    _v("D_CodeISONum", 5),
    _v("D_CodeRemise", 3),
    *_system(),
]

P_SERVICECPTA: list[Column] = [
    _s("cbIndice"),
    _v("S_Intitule", 35),
    _v("S_Abrege", 3),
    *_system(),
]

P_CONTACT: list[Column] = [_s("cbIndice"), _v("C_Intitule", 35), *_system()]

P_CRISQUE: list[Column] = [
    _s("cbIndice"),
    _v("R_Intitule", 35),
    _s("R_Type"),
    _n("R_Min"),
    _n("R_Max"),
    *_system(),
]

P_DOSSIER: list[Column] = [
    _v("D_RaisonSoc", 35),
    _v("D_Profession", 35),
    _v("D_Adresse", 35),
    _v("D_Complement", 35),
    _v("D_CodePostal", 9),
    _v("D_Ville", 35),
    _v("D_CodeRegion", 25),
    _v("D_Pays", 35),
    _v("D_Commentaire", 35),
    _v("D_Siret", 15),
    _v("D_Ape", 7),
    _v("D_Identifiant", 25),
    *[
        c
        for i in range(1, 6)
        for c in (_dt(f"D_DebutExo{i:02d}", True), _dt(f"D_FinExo{i:02d}", True))
    ],
    _s("N_DeviseCompte"),
    _s("N_DeviseEquival"),
    _v("D_Telephone", 21),
    _v("D_Telecopie", 21),
    _v("D_EMail", 69),
    _v("D_EMailSoc", 69),
    _v("D_Site", 69),
    _v("D_FormeJuridique", 35),
    _n("D_Capital"),
    _dt("D_DateClot"),
    _s("D_CloturePeriod"),
    _s("D_ArchivePeriod"),
    _n("D_PenalTaux"),
    _s("D_PenalImputation"),
    _n("D_ForfaitImpayes"),
    _n("D_RappelSoldeMin"),
    _v("JO_NumPenal", 7),
    _v("JO_NumImpayes", 7),
    _s("D_Delai"),
    *_system(),
]

TABLES: dict[str, list[Column]] = {
    "P_DOSSIER": P_DOSSIER,
    "P_DEVISE": P_DEVISE,
    "P_REGLEMENT": P_REGLEMENT,
    "P_SERVICECPTA": P_SERVICECPTA,
    "P_CONTACT": P_CONTACT,
    "P_CRISQUE": P_CRISQUE,
    "F_COMPTEG": F_COMPTEG,
    "F_JOURNAUX": F_JOURNAUX,
    "F_COLLABORATEUR": F_COLLABORATEUR,
    "F_COMPTET": F_COMPTET,
    "F_CONTACTT": F_CONTACTT,
    "F_REGLEMENTT": F_REGLEMENTT,
    "F_ECRITUREC": F_ECRITUREC,
}

# Tables whose rows Sage users edit daily: an AFTER UPDATE trigger stamps cbModification, to the
# minute, as Sage's TG_CBUPD_<table> triggers do on SQL Server.
TRIGGERED_TABLES: tuple[str, ...] = ("F_COMPTET", "F_CONTACTT", "F_ECRITUREC", "F_COLLABORATEUR")

INDEXES: tuple[tuple[str, str, str], ...] = (
    # (index name, table, columns); names follow Sage's I<table-abbrev>_<columns> habit
    ("ICT_NUM", "F_COMPTET", '"CT_Num"'),
    ("ICT_TYPE", "F_COMPTET", '"CT_Type", "CT_Num"'),
    ("ICT_CBMODIF", "F_COMPTET", '"cbModification"'),
    ("ICO_CTNUM", "F_CONTACTT", '"CT_Num", "CT_No"'),
    ("ICO_CBMODIF", "F_CONTACTT", '"cbModification"'),
    ("ICL_CONO", "F_COLLABORATEUR", '"CO_No"'),
    ("IRT_CTNUM", "F_REGLEMENTT", '"CT_Num", "N_Reglement"'),
    ("ICG_NUM", "F_COMPTEG", '"CG_Num"'),
    ("IJO_NUM", "F_JOURNAUX", '"JO_Num"'),
    ("IEC_NO", "F_ECRITUREC", '"EC_No"'),
    ("IEC_CTNUM", "F_ECRITUREC", '"CT_Num", "JM_Date"'),
    ("IEC_JMDATE", "F_ECRITUREC", '"JM_Date", "JO_Num"'),
    ("IEC_CGNUM", "F_ECRITUREC", '"CG_Num", "CT_Num"'),
    ("IEC_LETTRAGE", "F_ECRITUREC", '"CT_Num", "EC_Lettrage"'),
    ("IEC_CBMODIF", "F_ECRITUREC", '"cbModification"'),
)

UNIQUE_INDEXES: frozenset[str] = frozenset({"ICT_NUM", "IEC_NO", "ICL_CONO", "ICG_NUM", "IJO_NUM"})


def quote(name: str) -> str:
    """Quote an identifier for SQLite (free-field names hold spaces and accents)."""
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(table: str, columns: list[Column]) -> str:
    """Return the CREATE TABLE statement of one table, cbMarq first."""
    parts = ['"cbMarq" INTEGER PRIMARY KEY']
    for name, sqltype, default in columns:
        if default is None:
            parts.append(f"{quote(name)} {sqltype} NULL")
        else:
            parts.append(f"{quote(name)} {sqltype} NOT NULL DEFAULT {default}")
    return f"CREATE TABLE {quote(table)} (\n  " + ",\n  ".join(parts) + "\n)"


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table of the demo base (no index, no trigger: those come after the load)."""
    for table, columns in TABLES.items():
        conn.execute(create_table_sql(table, columns))
    conn.execute(
        "CREATE TABLE cbSysLibre (\n"
        "  CB_File varchar(128) NOT NULL,\n  CB_Name varchar(128) NOT NULL,\n"
        "  CB_Pos smallint NOT NULL DEFAULT 0,\n  CB_Type smallint NOT NULL DEFAULT 0,\n"
        "  CB_Len smallint NOT NULL DEFAULT 0,\n  CB_Flag smallint NOT NULL DEFAULT 0,\n"
        "  CB_Formule varchar(1024) NOT NULL DEFAULT '',\n"
        "  CB_Creator char(4) NOT NULL DEFAULT '',\n"
        "  PRIMARY KEY (CB_File, CB_Name)\n)"
    )


def create_indexes_and_triggers(conn: sqlite3.Connection) -> None:
    """Create the indexes and the cbModification triggers, once the data is loaded."""
    for name, table, cols in INDEXES:
        unique = "UNIQUE " if name in UNIQUE_INDEXES else ""
        conn.execute(f"CREATE {unique}INDEX {name} ON {table} ({cols})")
    # A change is stamped with the current minute, or with the newest stamp of the table when
    # the clock is behind it: a demo base is built for its "today", which may be ahead of the
    # machine's clock, and a server's stamps never go back in time.
    for table in TRIGGERED_TABLES:
        conn.execute(
            f"CREATE TRIGGER TG_CBUPD_{table} AFTER UPDATE ON {table} FOR EACH ROW "
            "WHEN NEW.cbModification IS OLD.cbModification BEGIN "
            f"UPDATE {table} SET cbModification = max(strftime('%Y-%m-%d %H:%M:00','now'), "
            f"(SELECT max(cbModification) FROM {table})) "
            "WHERE cbMarq = NEW.cbMarq; END"
        )


def column_names(table: str) -> list[str]:
    """Return the column names of a table, cbMarq first."""
    return ["cbMarq", *[name for name, _, _ in TABLES[table]]]
