"""A real IMAP server for the tests: Dovecot, started by `src_dash.dunning.dovecot.Dovecot`.

Import it from a test as ``from imap_helpers import Dovecot`` (tests/dunning is the test's folder).
"""

from src_dash.dunning.dovecot import PASSWORD, USER, Dovecot, dovecot_binary

__all__ = ["PASSWORD", "USER", "Dovecot", "dovecot_binary"]
