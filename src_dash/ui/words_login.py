"""Words of the login page's guard: throttled attempts, the published password to replace, the
password policy, the admin's banner, the TOTP second factor (login, preferences, users tab)."""

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
        "login.code.title": "Code de vérification",
        "login.code.intro": (
            "Saisissez le code à 6 chiffres de votre application d'authentification, "
            "ou l'un de vos codes de secours."
        ),
        "login.code.label": "Code",
        "login.code.submit": "Vérifier et se connecter",
        "login.code.wrong": "Code incorrect ou déjà utilisé.",
        "prefs.tf.title": "Double authentification (TOTP)",
        "prefs.tf.off_intro": (
            "Après le mot de passe, un code de votre application d'authentification (FreeOTP, "
            "Aegis, Google Authenticator...) vous sera demandé à chaque connexion."
        ),
        "prefs.tf.on_intro": (
            "Activée : un code de votre application vous est demandé à chaque connexion. "
            "Codes de secours restants : {n}."
        ),
        "prefs.tf.start": "Activer",
        "prefs.tf.scan": (
            "Scannez ce QR code avec votre application, ou saisissez la clé ci-dessous, "
            "puis entrez le code qu'elle affiche."
        ),
        "prefs.tf.key": "Clé à saisir",
        "prefs.tf.qr": "QR code à scanner avec l'application d'authentification",
        "prefs.tf.code": "Code affiché par l'application",
        "prefs.tf.confirm": "Confirmer",
        "prefs.tf.cancel": "Annuler",
        "prefs.tf.codes_title": "Vos codes de secours",
        "prefs.tf.codes_intro": (
            "Chacun permet une connexion sans votre téléphone, une seule fois. Notez-les en lieu "
            "sûr : ils ne seront plus affichés."
        ),
        "prefs.tf.codes_done": "J'ai noté mes codes",
        "prefs.tf.proof": "Code actuel ou mot de passe",
        "prefs.tf.turn_off": "Désactiver",
        "prefs.tf.wrong_code": "Ce n'est pas le code affiché par l'application en ce moment.",
        "prefs.tf.wrong": "Code ou mot de passe incorrect.",
        "prefs.tf.on_done": "Double authentification activée",
        "prefs.tf.off_done": "Double authentification désactivée",
        "set.us.tf": "Double authentification",
        "set.us.tf_reset": "Réinitialiser la double authentification",
        "set.us.tf_reset_done": "{login} se connectera avec son seul mot de passe",
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
        "login.code.title": "Verification code",
        "login.code.intro": (
            "Type the 6-digit code from your authenticator app, or one of your recovery codes."
        ),
        "login.code.label": "Code",
        "login.code.submit": "Verify and sign in",
        "login.code.wrong": "Wrong or already used code.",
        "prefs.tf.title": "Two-factor authentication (TOTP)",
        "prefs.tf.off_intro": (
            "After your password, a code from your authenticator app (FreeOTP, Aegis, Google "
            "Authenticator...) will be asked at every sign-in."
        ),
        "prefs.tf.on_intro": (
            "On: a code from your app is asked at every sign-in. Recovery codes left: {n}."
        ),
        "prefs.tf.start": "Turn on",
        "prefs.tf.scan": (
            "Scan this QR code with your app, or type the key below, then enter the code it shows."
        ),
        "prefs.tf.key": "Key to type",
        "prefs.tf.qr": "QR code to scan with the authenticator app",
        "prefs.tf.code": "Code shown by the app",
        "prefs.tf.confirm": "Confirm",
        "prefs.tf.cancel": "Cancel",
        "prefs.tf.codes_title": "Your recovery codes",
        "prefs.tf.codes_intro": (
            "Each one signs you in once without your phone. Keep them somewhere safe: they will "
            "not be shown again."
        ),
        "prefs.tf.codes_done": "I have kept my codes",
        "prefs.tf.proof": "Current code or password",
        "prefs.tf.turn_off": "Turn off",
        "prefs.tf.wrong_code": "This is not the code the app shows now.",
        "prefs.tf.wrong": "Wrong code or password.",
        "prefs.tf.on_done": "Two-factor authentication is on",
        "prefs.tf.off_done": "Two-factor authentication is off",
        "set.us.tf": "Two-factor",
        "set.us.tf_reset": "Reset two-factor",
        "set.us.tf_reset_done": "{login} will sign in with their password alone",
    },
}
