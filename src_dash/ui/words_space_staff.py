"""Words of the staff side of the customer's space: the card's "Espace client" section (the link,
the activity, revoke, send, answer) and the dashboard's figure."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "cspace.title": "Espace client",
        "cspace.live": "Lien actif",
        "cspace.none": "Aucun lien actif",
        "cspace.until": "valable jusqu'au {day}",
        "cspace.last_use": "dernière visite le {moment}",
        "cspace.never_used": "jamais ouvert",
        "cspace.uses": "{count} ouverture(s)",
        "cspace.revoked": "accès révoqué le {moment}",
        "cspace.revoke": "Révoquer l'accès",
        "cspace.revoke.title": "Révoquer l'accès à l'espace client ?",
        "cspace.revoke.text": (
            "Tous les liens envoyés à ce client cesseront de fonctionner immédiatement. "
            "Vous pourrez lui en envoyer un nouveau."
        ),
        "cspace.revoke.confirm": "Révoquer",
        "cspace.revoked_ok": "Accès révoqué ({count} lien(s)).",
        "cspace.send": "Envoyer le lien",
        "cspace.sent_ok": "Lien envoyé à {to}.",
        "cspace.no_email": (
            "Aucun contact de relance de ce client n'a d'adresse e-mail : ajoutez-en une "
            "pour lui envoyer le lien."
        ),
        "cspace.activity": "Activité",
        "cspace.activity.none": "Le client n'a encore rien fait dans son espace.",
        "cspace.kind.visit": "Visite",
        "cspace.kind.statement": "Relevé téléchargé",
        "cspace.kind.promise": "Promesse de paiement",
        "cspace.kind.dispute": "Problème signalé",
        "cspace.kind.paid": "« Déjà payé »",
        "cspace.kind.message": "Message du client",
        "cspace.kind.answer": "Réponse envoyée",
        "cspace.promise": "{amount} au {day}",
        "cspace.answered": "Répondu",
        "cspace.answer": "Répondre",
        "cspace.answer.title": "Répondre au client",
        "cspace.answer.hint": (
            "La réponse s'affiche dans l'espace du client et part par e-mail à ses contacts "
            "de relance."
        ),
        "cspace.answer.body": "Votre réponse",
        "cspace.answer.send": "Envoyer la réponse",
        "cspace.answer.sent": "Réponse envoyée à {to}.",
        "cspace.answer.kept": (
            "Réponse enregistrée dans l'espace du client (aucun contact n'a d'adresse e-mail)."
        ),
        "cspace.by": "par {name}",
        "cspace.file": "Télécharger la pièce jointe",
        "cspace.status.queued": "en attente d'envoi",
        "cspace.status.sending": "en cours d'envoi",
        "cspace.status.handover": "en cours d'envoi",
        "cspace.status.sent": "envoyée",
        "dash.space": "Clients actifs sur leur espace",
        "dash.space.hint": "{days} derniers jours",
    },
    "en": {
        "cspace.title": "Customer space",
        "cspace.live": "Live link",
        "cspace.none": "No live link",
        "cspace.until": "valid until {day}",
        "cspace.last_use": "last visit {moment}",
        "cspace.never_used": "never opened",
        "cspace.uses": "opened {count} time(s)",
        "cspace.revoked": "access revoked {moment}",
        "cspace.revoke": "Revoke access",
        "cspace.revoke.title": "Revoke access to the customer space?",
        "cspace.revoke.text": (
            "Every link sent to this customer stops working at once. You can send them a new one."
        ),
        "cspace.revoke.confirm": "Revoke",
        "cspace.revoked_ok": "Access revoked ({count} link(s)).",
        "cspace.send": "Send the link",
        "cspace.sent_ok": "Link sent to {to}.",
        "cspace.no_email": (
            "None of this customer's dunning contacts has an email address: add one to send "
            "them the link."
        ),
        "cspace.activity": "Activity",
        "cspace.activity.none": "The customer has not done anything in their space yet.",
        "cspace.kind.visit": "Visit",
        "cspace.kind.statement": "Statement downloaded",
        "cspace.kind.promise": "Promise to pay",
        "cspace.kind.dispute": "Problem reported",
        "cspace.kind.paid": "“Already paid”",
        "cspace.kind.message": "Customer's message",
        "cspace.kind.answer": "Answer sent",
        "cspace.promise": "{amount} by {day}",
        "cspace.answered": "Answered",
        "cspace.answer": "Answer",
        "cspace.answer.title": "Answer the customer",
        "cspace.answer.hint": (
            "The answer shows in the customer's space and goes by email to their dunning contacts."
        ),
        "cspace.answer.body": "Your answer",
        "cspace.answer.send": "Send the answer",
        "cspace.answer.sent": "Answer sent to {to}.",
        "cspace.answer.kept": (
            "Answer kept in the customer's space (no contact has an email address)."
        ),
        "cspace.by": "by {name}",
        "cspace.file": "Download the attachment",
        "cspace.status.queued": "waiting to be sent",
        "cspace.status.sending": "being sent",
        "cspace.status.handover": "being sent",
        "cspace.status.sent": "sent",
        "dash.space": "Customers active in their space",
        "dash.space.hint": "last {days} days",
    },
}
