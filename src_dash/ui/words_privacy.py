"""Words of the settings tab "RGPD"."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "set.tab.privacy": "RGPD",
        "rgpd.periods": "Durées de conservation",
        "rgpd.periods.intro": (
            "Appliquées chaque jour par le planificateur (variables SRC_DASH_RETENTION_…). "
            "Les écritures comptables ne sont jamais effacées."
        ),
        "rgpd.kind": "Données",
        "rgpd.period": "Conservées",
        "rgpd.due": "À effacer maintenant",
        "rgpd.forever": "sans limite",
        "rgpd.days": "{n} jours",
        "rgpd.kind.messages": "Corps et destinataires des messages envoyés",
        "rgpd.kind.replies": "Réponses lues dans la boîte de recouvrement",
        "rgpd.kind.logins": "Connexions (journal d'audit)",
        "rgpd.kind.audit": "Autres lignes du journal d'audit",
        "rgpd.kind.visits": "Adresses des visites de l'espace client",
        "rgpd.kind.attachments": "Pièces jointes envoyées par les clients",
        "rgpd.kind.space_events": "Actions des clients dans leur espace (et leur audit)",
        "rgpd.register": "Registre des traitements",
        "rgpd.register.intro": (
            "Ce que l'application garde de données personnelles, pourquoi et combien de temps. "
            "Export et effacement d'une personne : src-dash privacy export / erase."
        ),
        "rgpd.data": "Données",
        "rgpd.purpose": "Finalité",
        "rgpd.basis": "Base légale",
        "rgpd.seen_by": "Qui les voit",
        "rgpd.retention": "Conservation",
        "rgpd.at_end": "Au terme",
        "rgpd.tables": "Tables",
    },
    "en": {
        "set.tab.privacy": "GDPR",
        "rgpd.periods": "Retention periods",
        "rgpd.periods.intro": (
            "Applied every day by the scheduler (SRC_DASH_RETENTION_… settings). Accounting "
            "entries are never erased."
        ),
        "rgpd.kind": "Data",
        "rgpd.period": "Kept",
        "rgpd.due": "To erase now",
        "rgpd.forever": "no limit",
        "rgpd.days": "{n} days",
        "rgpd.kind.messages": "Bodies and recipients of sent messages",
        "rgpd.kind.replies": "Replies read from the collection mailbox",
        "rgpd.kind.logins": "Sign-ins (audit log)",
        "rgpd.kind.audit": "Other audit log lines",
        "rgpd.kind.visits": "Addresses of customer space visits",
        "rgpd.kind.attachments": "Attachments sent by customers",
        "rgpd.kind.space_events": "Customers' doings in their space (and their audit)",
        "rgpd.register": "Register of processing",
        "rgpd.register.intro": (
            "The personal data the app keeps, why and for how long (the register itself is in "
            "French, the language of the French authority). Export and erase a person: "
            "src-dash privacy export / erase."
        ),
        "rgpd.data": "Data",
        "rgpd.purpose": "Purpose",
        "rgpd.basis": "Legal basis",
        "rgpd.seen_by": "Who sees it",
        "rgpd.retention": "Retention",
        "rgpd.at_end": "At the end",
        "rgpd.tables": "Tables",
    },
}
