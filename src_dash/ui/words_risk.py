"""Words of the riskiest Top 10: what it is sorted by, each customer's top reason (issue 15).

The reasons are `scoring.REASONS` (and "on_time", "little_history"); `{value}` is the number the
reason is said with, `.one` and `.many` the singular and plural of a count.
"""

WORDS = {
    "fr": {
        "top.risk.sorted_by": "Trié par risque : score × encours exposé",
        "top.reason": "Raison principale",
        "reason.late_days": "paie en moyenne {value} j après l'échéance",
        "reason.share_late": "{value} % des factures payées en retard",
        "reason.trend_up": "retard en hausse",
        "reason.current_overdue": "échéances ouvertes en retard de {value} j",
        "reason.disputes.one": "{value} litige",
        "reason.disputes.many": "{value} litiges",
        "reason.broken_promises.one": "{value} promesse non tenue",
        "reason.broken_promises.many": "{value} promesses non tenues",
        "reason.bounced.one": "{value} impayé",
        "reason.bounced.many": "{value} impayés",
        "reason.on_time": "paie à l'échéance",
        "reason.little_history": "peu d'historique",
    },
    "en": {
        "top.risk.sorted_by": "Sorted by risk: score × exposure",
        "top.reason": "Top reason",
        "reason.late_days": "pays {value} days after the due date on average",
        "reason.share_late": "{value}% of invoices paid late",
        "reason.trend_up": "paying later and later",
        "reason.current_overdue": "open items {value} days overdue",
        "reason.disputes.one": "{value} dispute",
        "reason.disputes.many": "{value} disputes",
        "reason.broken_promises.one": "{value} broken promise",
        "reason.broken_promises.many": "{value} broken promises",
        "reason.bounced.one": "{value} bounced payment",
        "reason.bounced.many": "{value} bounced payments",
        "reason.on_time": "pays on the due date",
        "reason.little_history": "little history",
    },
}
