#!/usr/bin/env bash
# Install what src_dash needs on a fresh Debian/Ubuntu machine; safe to run again (idempotent).
#
# System packages (apt), the Python venv with the project in editable mode (PyPI), and bun for
# building the Reflex frontend (npm registry). Nothing is downloaded from anywhere else.
# SRC_DASH_INSTALL_POSTGRES=1 also installs the PostgreSQL server (the test suite uses it).
set -euo pipefail
cd "$(dirname "$0")/.."

BUN_VERSION=1.4.4
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# --- system packages -------------------------------------------------------------------------
packages=(unixodbc unixodbc-dev libsqliteodbc chromium poppler-utils)
command -v python3 >/dev/null 2>&1 || packages+=(python3)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# The tests also need PostgreSQL, libfaketime to run them at another date than today's,
# Dovecot (a real IMAP server the tests start for the collection mailbox) and Redis (the state of
# several backend workers: tests/deploy, `src-dash bench ui --workers N`).
if [ "${SRC_DASH_INSTALL_POSTGRES:-0}" = "1" ]; then
    packages+=(postgresql faketime dovecot-imapd redis-server)
fi
missing=()
for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# `python3 -m venv` needs ensurepip, packaged apart on Debian (python3.X-venv).
if command -v python3 >/dev/null 2>&1 && ! python3 -c "import ensurepip" >/dev/null 2>&1; then
    missing+=("python3-venv")
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "install: apt packages ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
        "${missing[@]}"
else
    echo "install: apt packages present"
fi

# --- Python ----------------------------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
# Reinstall only when pyproject.toml changed or the package cannot be imported.
stamp=.venv/.src_dash-installed
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] \
    || ! .venv/bin/python -c "import src_dash.cli, reflex, playwright" >/dev/null 2>&1; then
    echo "install: pip install -e .[test]"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[test]"
    echo "$want" >"$stamp"
else
    echo "install: Python packages up to date"
fi

# --- bun, for the Reflex frontend build ------------------------------------------------------
bun=.tools/node_modules/.bin/bun
if [ -x "$bun" ] && [ "$("$bun" --version 2>/dev/null)" = "$BUN_VERSION" ]; then
    echo "install: bun $BUN_VERSION present"
else
    echo "install: bun $BUN_VERSION from the npm registry"
    npm install --prefix .tools --no-fund --no-audit "bun@$BUN_VERSION"
fi
