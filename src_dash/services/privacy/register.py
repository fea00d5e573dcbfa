"""The register of processing (registre des traitements, RGPD art. 30) as data.

One `Processing` per purpose: what personal data, why, on which legal basis, in which tables,
who sees it, how long it is kept and what happens at the end. The CLI prints it, the settings
page can show it, and docs/rgpd.md says the same in prose.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime

from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.services.admin import require_admin
from src_dash.services.privacy.retention import RetentionSettings, preview_retention


@dataclass(frozen=True)
class Processing:
    """One processing of personal data (un traitement)."""

    name: str
    data: tuple[str, ...]
    purpose: str
    legal_basis: str
    tables: tuple[str, ...]
    seen_by: str
    retention: str
    at_end: str


PROCESSING: tuple[Processing, ...] = (
    Processing(
        name="Contacts des clients (Sage 100)",
        data=("civilité, nom, prénom", "fonction, service", "téléphone, mobile", "email"),
        purpose="Adresser les relances et appeler le bon interlocuteur chez le client.",
        legal_basis="Intérêt légitime (recouvrement des créances), art. 6.1.f",
        tables=("contact", "customer (email, téléphone de l'entreprise)"),
        seen_by="admins, chargés de recouvrement (leur portefeuille), commerciaux (leurs clients)",
        retention="La relation commerciale, puis 3 ans (CNIL, données clients)",
        at_end="Anonymisation sur demande ou en fin de relation (`src-dash privacy erase`)",
    ),
    Processing(
        name="Messages envoyés (emails, courriers)",
        data=("destinataires (nom, email)", "objet et corps du message", "PDF des courriers"),
        purpose="Relancer les impayés et garder la trace de la relance (historique).",
        legal_basis="Intérêt légitime ; obligation légale de conservation (C. com. L123-22)",
        tables=("message", "message_item", "action"),
        seen_by="admins, chargés de recouvrement et commerciaux du client",
        retention="10 ans (correspondance commerciale, C. com. L123-22)",
        at_end="Corps et destinataires effacés ; la ligne d'historique (date, niveau, montant) "
        "reste",
    ),
    Processing(
        name="Réponses lues dans la boîte de recouvrement",
        data=("adresse et nom de l'expéditeur", "objet, texte de la réponse"),
        purpose="Mettre les réponses des clients sur leur fil et proposer les suites.",
        legal_basis="Intérêt légitime (recouvrement)",
        tables=("inbound_mail",),
        seen_by="admins, chargés de recouvrement du client",
        retention="3 ans (CNIL) ; les promesses et litiges qu'elles ont créés restent",
        at_end="Texte, nom de l'expéditeur et suggestions effacés ; la ligne reste",
    ),
    Processing(
        name="Suivi : notes d'appel, commentaires, promesses, litiges",
        data=("texte libre des collaborateurs (peut nommer un contact)", "auteur, date"),
        purpose="Suivre le dossier du client (promesses, litiges, échanges).",
        legal_basis="Intérêt légitime (recouvrement)",
        tables=("comment", "promise", "dispute", "action (note)", "flag", "alert"),
        seen_by="admins, chargés de recouvrement et commerciaux du client",
        retention="Durée de la créance puis 3 ans ; noms effacés sur demande",
        at_end="Les mentions d'un contact effacé y sont remplacées par « Contact effacé »",
    ),
    Processing(
        name="Utilisateurs de l'application, connexions et journal d'audit",
        data=("identifiant, nom, email, rôle", "sessions", "connexions (adresse IP)", "actions"),
        purpose="Contrôler l'accès, tracer qui a fait quoi (sécurité, preuve).",
        legal_basis="Intérêt légitime (sécurité, art. 32) ; obligation de traçabilité",
        tables=("app_user", "user_session", "login_throttle", "audit_log"),
        seen_by="admins",
        retention="Connexions : 1 an (CNIL, journalisation 6 mois à 1 an) ; autres lignes "
        "d'audit : 10 ans",
        at_end="Lignes supprimées ; les lignes privacy.* (preuves des droits exercés) restent",
    ),
    Processing(
        name="Espace client (visites, actions, pièces jointes)",
        data=(
            "adresse IP des visites",
            "ce que le client y a fait (visites, promesses, signalements, demandes)",
            "fichiers envoyés (nom, contenu ; dossier space-attachments)",
            "messages écrits",
            "demandes : numéro et moment d'un rappel, contact de facturation proposé (nom, "
            "e-mail, téléphone)",
        ),
        purpose="Permettre au client de voir son compte, promettre, signaler un problème.",
        legal_basis="Intérêt légitime (recouvrement) ; mesures précontractuelles",
        tables=(
            "space_link",
            "space_event",
            "space_handled",
            "space_attachment",
            "space_throttle",
            "space_request",
            "audit_log (space.* côté client)",
        ),
        seen_by="admins, chargés de recouvrement du client",
        retention="Adresses IP : 1 an ; événements et leurs lignes d'audit : 3 ans ; "
        "pièces jointes : 3 ans ; demandes : tant que le client est suivi (effacées ou exportées "
        "avec la personne sur demande)",
        at_end="Adresse IP effacée ; événements et lignes d'audit supprimés ; fichier et ligne "
        "de la pièce jointe supprimés",
    ),
)


def register_rows() -> list[dict[str, object]]:
    """The register as plain rows (lists for the tuples), for the CLI's JSON and the settings."""
    return [
        {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(p).items()}
        for p in PROCESSING
    ]


@dataclass(frozen=True)
class PrivacyOverview:
    """What the settings page shows: the register, the retention periods (days, 0 = forever)
    and what is past its period now (rows, by kind; see `apply_retention`)."""

    processing: tuple[Processing, ...]
    periods: dict[str, int]
    due: dict[str, int]


def privacy_overview(
    engine: Engine,
    who: Viewer | None,
    now: datetime | None = None,
    settings: RetentionSettings | None = None,
) -> PrivacyOverview:
    """The register with the retention periods and what is due now, for an admin.

    Raises:
        AccessDenied: the viewer is not an admin.
        ValueError: a retention period in the environment is not a number of days.
    """
    require_admin(who)
    settings = settings or RetentionSettings.from_env()
    preview = preview_retention(engine, now, settings=settings)
    periods = {f.name: getattr(settings, f.name) for f in fields(settings)}
    return PrivacyOverview(PROCESSING, periods, dict(preview["counts"]))
