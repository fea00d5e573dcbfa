"""The password policy: long enough, not published, not easy to guess.

Guessability is estimated by zxcvbn (Dropbox's estimator: dictionaries of common passwords,
names and words, keyboard patterns, dates, l33t substitutions), a kept library rather than a
home-made list; the user's own login, name and email, and the product's words, count as known
to an attacker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 200
# zxcvbn's scores go from 0 (a top-100 password) to 4; 3 is "safely unguessable: moderate
# protection from an offline slow-hash scenario" (about 10^8 guesses and more).
MIN_SCORE = 3
# The password the README publishes for the demo users: never a user's chosen one.
PUBLISHED = ("demo-src-dash",)
_PRODUCT_WORDS = ("src_dash", "src-dash", "srcdash", "sage", "recouvrement", "relance", "demo")


@dataclass(frozen=True)
class PasswordProblem:
    """Why a password is refused: `code` for the UI's words, `message` in English."""

    code: str
    message: str


def password_problem(
    password: str, *, login: str = "", name: str = "", email: str = ""
) -> PasswordProblem | None:
    """What is wrong with `password` for this user, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return PasswordProblem("short", f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        return PasswordProblem("long", f"the password must have {MAX_LENGTH} characters at most")
    if not password.strip():
        return PasswordProblem("guessable", "the password is too easy to guess")
    if password in PUBLISHED:
        return PasswordProblem("published", "the password is published: choose your own")
    known = [w for w in (login, name, email, *email.split("@"), *name.split()) if w]
    if _only_known_words(password, known):
        return PasswordProblem("guessable", "the password is made of your own names")
    if zxcvbn(password, user_inputs=[*known, *_PRODUCT_WORDS])["score"] < MIN_SCORE:
        return PasswordProblem("guessable", "the password is too easy to guess")
    return None


def _only_known_words(password: str, known: list[str]) -> bool:
    """Whether the password's words are all the user's own (login, names, email) or the
    product's, whatever digits and punctuation join them ("claire.martin", "Martin-2026")."""
    words = {w for k in (*known, *_PRODUCT_WORDS) for w in re.findall(r"[^\W\d_]+", k.lower())}
    found = re.findall(r"[^\W\d_]+", password.lower())
    return bool(found) and all(w in words for w in found)
