"""Words of the settings tab "Qualité des prévisions"."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "set.tab.forecast": "Qualité des prévisions",
        "fq.title": "Qualité des prévisions",
        "fq.intro": (
            "Le modèle apprend de l'historique de chaque société. Ici, il est rejoué à des dates "
            "passées (sans voir l'avenir) et comparé à ce qui s'est passé, et à trois règles "
            "simples calculées sur les mêmes factures."
        ),
        "fq.none": "Aucun calcul encore : lancez-le pour mesurer les prévisions sur vos données.",
        "fq.run": "Recalculer",
        "fq.run_at": "Calculé le {at}, sur {n} dates mensuelles",
        "fq.ran": "Qualité des prévisions recalculée",
        "fq.method": "Méthode",
        "fq.auc": "Retard > 15 j : AUC",
        "fq.auc_hint": "1 = classe parfaitement les retards, 0,5 = au hasard (plus haut = mieux)",
        "fq.mae": "Date de paiement : écart moyen",
        "fq.mae_hint": "jours d'écart entre la date prévue et la date réelle (plus bas = mieux)",
        "fq.days": "j",
        "fq.method.model": "Modèle src_dash",
        "fq.method.share_late": "Part de factures payées en retard",
        "fq.method.days_beyond_terms": "Jours au-delà des termes (pondérés)",
        "fq.method.mean_delay": "Échéance + retard moyen du client",
        "fq.verdict": (
            "Le modèle fait mieux que la meilleure règle simple à {auc} dates sur {n} pour le "
            "retard, et à {mae} dates sur {n} pour la date de paiement."
        ),
        "fq.verdict.none": "Pas assez de factures réglées pour mesurer.",
        "fq.cutoffs": "Date par date",
        "fq.cutoff": "Date",
        "fq.items": "Factures",
        "fq.model": "Modèle",
        "fq.rule": "Meilleure règle",
        "fq.wins": "Modèle meilleur",
        "fq.wins.auc": "retard",
        "fq.wins.mae": "date",
        "fq.cash": "Prévision d'encaissements : prévu un mois avant, encaissé",
        "fq.cash.none": "Pas encore de mois passé à comparer.",
        "fq.month": "Mois",
        "fq.made_on": "Prévu le",
        "fq.expected": "Prévu",
        "fq.collected": "Encaissé",
        "fq.gap": "Écart",
    },
    "en": {
        "set.tab.forecast": "Forecast quality",
        "fq.title": "Forecast quality",
        "fq.intro": (
            "The model learns from each company's history. Here it is replayed at past dates "
            "(without seeing the future) and compared with what happened, and with three simple "
            "rules computed on the same invoices."
        ),
        "fq.none": "Not computed yet: run it to measure the predictions on your data.",
        "fq.run": "Compute again",
        "fq.run_at": "Computed on {at}, at {n} monthly dates",
        "fq.ran": "Forecast quality computed again",
        "fq.method": "Method",
        "fq.auc": "Late > 15 d: AUC",
        "fq.auc_hint": "1 = ranks late payers perfectly, 0.5 = at random (higher is better)",
        "fq.mae": "Pay date: mean error",
        "fq.mae_hint": "days between the predicted and the actual pay date (lower is better)",
        "fq.days": "d",
        "fq.method.model": "src_dash model",
        "fq.method.share_late": "Share of invoices paid late",
        "fq.method.days_beyond_terms": "Days beyond terms (weighted)",
        "fq.method.mean_delay": "Due date + the customer's mean delay",
        "fq.verdict": (
            "The model beats the best simple rule at {auc} of {n} dates for lateness, and at "
            "{mae} of {n} dates for the pay date."
        ),
        "fq.verdict.none": "Not enough settled invoices to measure.",
        "fq.cutoffs": "Date by date",
        "fq.cutoff": "Date",
        "fq.items": "Invoices",
        "fq.model": "Model",
        "fq.rule": "Best rule",
        "fq.wins": "Model better",
        "fq.wins.auc": "lateness",
        "fq.wins.mae": "date",
        "fq.cash": "Cash-in forecast: forecast a month before, collected",
        "fq.cash.none": "No past month to compare yet.",
        "fq.month": "Month",
        "fq.made_on": "Forecast on",
        "fq.expected": "Forecast",
        "fq.collected": "Collected",
        "fq.gap": "Gap",
    },
}
