"""A private IMAP server for the tests and `src-dash bench dunning`: Dovecot (Debian's
dovecot-imapd) started as its own process with a configuration in a temporary folder (127.0.0.1 on
a free port, plaintext login allowed, one passwd-file user, a maildir in the folder), stopped after.

Run as root (containers), Dovecot's login and mail processes still need an unprivileged user: the
`dovecot` and `dovenull` users the package creates then own the mail folder.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from src_dash.dunning.inbox import ImapConfig

USER, PASSWORD = "relances", "s3cret-imap"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dovecot_binary() -> str:
    """The dovecot program (installed by .ci/install.sh: dovecot-imapd)."""
    found = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if found is None:
        raise RuntimeError("dovecot is not installed: apt-get install dovecot-imapd")
    return found


class Dovecot:
    """A Dovecot IMAP server of one user (`USER`, `PASSWORD`) on 127.0.0.1."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="src_dash_dovecot_"))
        os.chmod(self.root, 0o755)  # the mail user must reach its maildir
        self.process: subprocess.Popen | None = None

    def _users(self) -> tuple[str, str, str, int, int]:
        """(login user, internal user, internal group, mail uid, mail gid)."""
        if os.geteuid() != 0:
            me = pwd.getpwuid(os.geteuid()).pw_name
            group = grp.getgrgid(os.getegid()).gr_name
            return me, me, group, os.geteuid(), os.getegid()
        internal = pwd.getpwnam("dovecot")
        group = grp.getgrgid(internal.pw_gid).gr_name
        return "dovenull", "dovecot", group, internal.pw_uid, internal.pw_gid

    def _write_config(self) -> Path:
        login, internal, group, uid, gid = self._users()
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir(exist_ok=True)
        for sub in ("mail", "home"):
            os.chown(self.root / sub, uid, gid)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        conf = self.root / "dovecot.conf"
        conf.write_text(
            f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
mail_fsync = never
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = {login}
default_internal_user = {internal}
default_internal_group = {group}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{self.root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
        )
        return conf

    def start(self) -> Dovecot:
        """Start the server and wait until it answers a login."""
        conf = self._write_config()
        self.process = subprocess.Popen(
            [dovecot_binary(), "-F", "-c", str(conf)],
            # Not under the tests' libfaketime: the server keeps the machine's clock.
            env={k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with self.client():
                    return self
            except (OSError, imaplib.IMAP4.error):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = (self.root / "dovecot.log").read_text(errors="replace")[-2000:]
                    self.stop()
                    raise RuntimeError(f"dovecot did not start:\n{log}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server (the process group it started) and remove its folder."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        """A logged-in IMAP client (use it as a context manager)."""
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(USER, PASSWORD)
        return imap

    def deliver(self, *mails: bytes, folder: str = "INBOX") -> None:
        """Put mails in a folder (IMAP APPEND), as the mail server would deliver them."""
        with self.client() as imap:
            if folder != "INBOX":
                imap.create(folder)  # "already exists" is fine
            for raw in mails:
                typ, data = imap.append(folder, None, None, raw)
                if typ != "OK":
                    raise RuntimeError(f"dovecot refused a mail: {data!r}")

    def config(self, **changes: object) -> ImapConfig:
        """The mailbox settings that point at this server."""
        values = {
            "host": "127.0.0.1",
            "port": self.port,
            "user": USER,
            "password": PASSWORD,
            "tls": "none",
            "folder": "INBOX",
            "timeout": 10.0,
        }
        return ImapConfig(**(values | changes))  # type: ignore[arg-type]

    def env(self) -> dict[str, str]:
        """The SRC_DASH_IMAP_* variables that point at this server."""
        return {
            "SRC_DASH_IMAP_HOST": "127.0.0.1",
            "SRC_DASH_IMAP_PORT": str(self.port),
            "SRC_DASH_IMAP_USER": USER,
            "SRC_DASH_IMAP_PASSWORD": PASSWORD,
            "SRC_DASH_IMAP_TLS": "none",
        }
