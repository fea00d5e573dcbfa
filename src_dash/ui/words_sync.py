"""Words of the sync overview's report of a run: the lines of class 41 it left out, its
warnings."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "sync.left_out": "Lignes écartées\u00a0:",
        "sync.warnings": "Avertissements\u00a0:",
        "sync.warnings.more": "… et {n} de plus (src-dash status --json)",
        "sync.acct.411": "411 (clients)",
        "sync.acct.413": "413 (effets à recevoir)",
        "sync.acct.416": "416 (clients douteux)",
        "sync.acct.418": "418 (factures à établir)",
        "sync.acct.419": "419 (avances reçues)",
        "sync.acct.41x": "autres comptes 41",
        "sync.reason.no_third_party": "sans compte tiers",
        "sync.reason.third_party_not_customer": "tiers non client",
        "sync.reason.customer_other_account": "lignes de clients hors 411 et 416",
        "sync.reason.not_a_customer": "mis à l'écart comme non clients",
    },
    "en": {
        "sync.left_out": "Lines left out:",
        "sync.warnings": "Warnings:",
        "sync.warnings.more": "… and {n} more (src-dash status --json)",
        "sync.acct.411": "411 (customers)",
        "sync.acct.413": "413 (bills receivable)",
        "sync.acct.416": "416 (doubtful customers)",
        "sync.acct.418": "418 (unbilled receivables)",
        "sync.acct.419": "419 (customer advances)",
        "sync.acct.41x": "other class 41 accounts",
        "sync.reason.no_third_party": "without a third-party account",
        "sync.reason.third_party_not_customer": "third party not a customer",
        "sync.reason.customer_other_account": "customer lines outside 411 and 416",
        "sync.reason.not_a_customer": "set aside as not customers",
    },
}
