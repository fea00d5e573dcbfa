"""Words of the FEC upload on the settings page's companies tab ("/reglages?tab=companies"):
the drop zone, the preview of a file and its import."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "set.fec.title": "Importer un FEC",
        "set.fec.intro": "Le fichier est vérifié en entier avant d'écrire quoi que ce soit\u00a0: "
        "un fichier en erreur ne change rien et l'erreur indique la ligne et la colonne.",
        "set.fec.company": "Code de la société FEC",
        "set.fec.drop": "Déposez le fichier FEC ici",
        "set.fec.choose": "Choisir un fichier",
        "set.fec.importing": "Import en cours…",
        "set.fec.refused": "Fichier refusé, rien n'a été importé",
        "set.fec.done": "{file} importé dans {code}\u00a0: {added} ajoutées, {changed} modifiées, "
        "{deleted} supprimées.",
        "set.fec.reading": "Lecture et vérification du fichier…",
        "set.fec.preview_title": "Avant l'import",
        "set.fec.preview_intro": "Rien n'est encore importé. Vérifiez ce que contient le fichier, "
        "écartez les comptes qui ne sont pas des clients, puis importez.",
        "set.fec.file": "Fichier",
        "set.fec.file_value": "{file} · {lines} lignes · {encoding}",
        "set.fec.period": "Période",
        "set.fec.period_value": "du {start} au {end}",
        "set.fec.into": "Société",
        "set.fec.into_new": "{code} (nouvelle société)",
        "set.fec.name": "Nom de la nouvelle société",
        "set.fec.customers": "Clients trouvés",
        "set.fec.entries": "Écritures clients",
        "set.fec.balance": "Solde clients (débit − crédit)",
        "set.fec.excluded": "Lignes de classe 41 écartées",
        "set.fec.excluded_none": "Aucune ligne de classe 41 écartée.",
        "set.fec.excluded_row": "{lines} ligne(s) · {amount}",
        "set.fec.reason.bills_receivable": "413\u00a0: effets à recevoir",
        "set.fec.reason.unbilled_receivables": "418\u00a0: factures à établir",
        "set.fec.reason.customer_advances": "419\u00a0: avances et acomptes reçus",
        "set.fec.reason.other_class_41": "Autres comptes de classe 41 (hors créances)",
        "set.fec.reason.not_a_customer": "Comptes écartés comme n'étant pas des clients",
        "set.fec.warnings": "Avertissements sur le fichier",
        "set.fec.accounts": "Comptes à vérifier",
        "set.fec.accounts_intro": "Ces comptes ressemblent à des comptes de recettes (caisse, "
        "carte bancaire…) plutôt qu'à des clients. Cochez «\u00a0pas un client\u00a0» pour les "
        "écarter de cet import et des suivants de la société.",
        "set.fec.not_customer": "Pas un client",
        "set.fec.suspect": "ressemble à une caisse",
        "set.fec.kept": "écarté aux imports précédents",
        "set.fec.changes": "Ce que l'import changerait",
        "set.fec.changes_value": "{added} ajoutées · {changed} modifiées · {deleted} supprimées · "
        "{unchanged} inchangées",
        "set.fec.new_customers": "{n} nouveau(x) client(s)",
        "set.fec.confirm_deletion": "Je confirme\u00a0: l'import supprimera 1 écriture déjà "
        "importée que ce fichier n'a plus.",
        "set.fec.confirm_deletions": "Je confirme\u00a0: l'import supprimera {n} écritures déjà "
        "importées que ce fichier n'a plus.",
        "set.fec.deletions_needed": "Confirmez les suppressions pour importer ce fichier.",
        "set.fec.import": "Importer",
        "set.fec.cancel": "Annuler",
        "set.fec.cancelled": "Import annulé\u00a0: rien n'a été importé.",
        "set.fec.recon_title": "Rapprochement",
        "set.fec.recon_ok": "Rapprochement\u00a0: écart {gap}. L'encours de l'application "
        "({app}) égale le solde clients du fichier.",
        "set.fec.recon_gap": "Rapprochement\u00a0: écart {gap} sur {n} client(s). Fichier\u00a0: "
        "{source}, application\u00a0: {app}.",
    },
    "en": {
        "set.fec.title": "Import a FEC file",
        "set.fec.intro": "The whole file is checked before anything is written: a file with an "
        "error changes nothing, and the error names the line and the column.",
        "set.fec.company": "FEC company code",
        "set.fec.drop": "Drop the FEC file here",
        "set.fec.choose": "Choose a file",
        "set.fec.importing": "Importing…",
        "set.fec.refused": "File refused, nothing was imported",
        "set.fec.done": "{file} imported into {code}: {added} added, {changed} changed, "
        "{deleted} deleted.",
        "set.fec.reading": "Reading and checking the file…",
        "set.fec.preview_title": "Before the import",
        "set.fec.preview_intro": "Nothing is imported yet. Check what the file holds, set aside "
        "the accounts that are not customers, then import.",
        "set.fec.file": "File",
        "set.fec.file_value": "{file} · {lines} lines · {encoding}",
        "set.fec.period": "Period",
        "set.fec.period_value": "{start} to {end}",
        "set.fec.into": "Company",
        "set.fec.into_new": "{code} (new company)",
        "set.fec.name": "Name of the new company",
        "set.fec.customers": "Customers found",
        "set.fec.entries": "Customer entries",
        "set.fec.balance": "Receivable balance (debit − credit)",
        "set.fec.excluded": "Class 41 lines left out",
        "set.fec.excluded_none": "No class 41 line left out.",
        "set.fec.excluded_row": "{lines} line(s) · {amount}",
        "set.fec.reason.bills_receivable": "413: bills of exchange receivable",
        "set.fec.reason.unbilled_receivables": "418: receivables not yet invoiced",
        "set.fec.reason.customer_advances": "419: advances and deposits received",
        "set.fec.reason.other_class_41": "Other class 41 accounts (not receivables)",
        "set.fec.reason.not_a_customer": "Accounts set aside as not customers",
        "set.fec.warnings": "Warnings about the file",
        "set.fec.accounts": "Accounts to check",
        "set.fec.accounts_intro": "These accounts look like accounts of receipts (cash, cards…) "
        "rather than customers. Tick “not a customer” to leave them out of this import and the "
        "company's next ones.",
        "set.fec.not_customer": "Not a customer",
        "set.fec.suspect": "looks like a cash account",
        "set.fec.kept": "set aside at earlier imports",
        "set.fec.changes": "What the import would change",
        "set.fec.changes_value": "{added} added · {changed} changed · {deleted} deleted · "
        "{unchanged} unchanged",
        "set.fec.new_customers": "{n} new customer(s)",
        "set.fec.confirm_deletion": "I confirm: the import will delete 1 entry already imported "
        "that this file no longer has.",
        "set.fec.confirm_deletions": "I confirm: the import will delete {n} entries already "
        "imported that this file no longer has.",
        "set.fec.deletions_needed": "Confirm the deletions to import this file.",
        "set.fec.import": "Import",
        "set.fec.cancel": "Cancel",
        "set.fec.cancelled": "Import cancelled: nothing was imported.",
        "set.fec.recon_title": "Reconciliation",
        "set.fec.recon_ok": "Reconciliation: gap {gap}. The app's outstanding ({app}) equals the "
        "file's receivable balance.",
        "set.fec.recon_gap": "Reconciliation: gap {gap} on {n} customer(s). File: {source}, app: "
        "{app}.",
    },
}
