"""Words of the login page's guard: throttled attempts, the published password to replace, the
password policy, the admin's banner."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "login.held": "Trop d'essais infructueux. Réessayez dans {n} s.",
        "login.locked": (
            "Trop d'essais infructueux : l'accès est bloqué jusqu'à {time}. "
            "Un administrateur peut le débloquer."
        ),
        "login.change.title": "Choisissez votre mot de passe",
        "login.change.intro": (
            "Votre mot de passe est celui publié pour la démonstration. "
            "Choisissez le vôtre pour continuer."
        ),
        "login.change.new": "Nouveau mot de passe",
        "login.change.again": "Nouveau mot de passe, encore",
        "login.change.submit": "Enregistrer et se connecter",
        "login.change.differ": "Les deux saisies diffèrent.",
        "login.pw.short": "Le mot de passe doit avoir au moins 10 caractères.",
        "login.pw.long": "Le mot de passe doit avoir 200 caractères au plus.",
        "login.pw.published": "Ce mot de passe est publié : choisissez le vôtre.",
        "login.pw.guessable": (
            "Ce mot de passe est trop facile à deviner (mot courant, suite, votre nom) : "
            "allongez-le, par exemple avec plusieurs mots."
        ),
        "login.banner.published": (
            "L'application est ouverte au réseau et {n} utilisateur(s) ont encore le mot de "
            "passe publié ({logins}) : ils devront en choisir un à leur prochaine connexion."
        ),
        "set.holds.title": "Connexions retenues",
        "set.holds.none": "Aucune connexion retenue en ce moment.",
        "set.holds.what": "Identifiant ou adresse",
        "set.holds.failures": "Échecs",
        "set.holds.until": "Bloqué jusqu'à",
        "set.holds.waiting": "attente de quelques secondes",
        "set.holds.address": "adresse {address}",
        "set.holds.release": "Débloquer",
        "set.holds.released": "{login} peut de nouveau se connecter",
    },
    "en": {
        "login.held": "Too many failed attempts. Try again in {n} s.",
        "login.locked": (
            "Too many failed attempts: access is locked until {time}. An administrator can "
            "unlock it."
        ),
        "login.change.title": "Choose your password",
        "login.change.intro": (
            "Your password is the one published for the demo. Choose your own to go on."
        ),
        "login.change.new": "New password",
        "login.change.again": "New password, again",
        "login.change.submit": "Save and sign in",
        "login.change.differ": "The two entries differ.",
        "login.pw.short": "The password must have at least 10 characters.",
        "login.pw.long": "The password must have 200 characters at most.",
        "login.pw.published": "This password is published: choose your own.",
        "login.pw.guessable": (
            "This password is too easy to guess (a common word, a sequence, your name): "
            "make it longer, for instance with several words."
        ),
        "set.holds.title": "Held sign-ins",
        "set.holds.none": "No sign-in held right now.",
        "set.holds.what": "Login or address",
        "set.holds.failures": "Failures",
        "set.holds.until": "Locked until",
        "set.holds.waiting": "waiting a few seconds",
        "set.holds.address": "address {address}",
        "set.holds.release": "Unlock",
        "set.holds.released": "{login} can sign in again",
        "login.banner.published": (
            "The app is open to the network and {n} user(s) still have the published password "
            "({logins}): they will have to choose one at their next sign-in."
        ),
    },
}
