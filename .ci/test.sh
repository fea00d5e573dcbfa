#!/usr/bin/env bash
# Run every check: ruff lint, ruff format, then pytest (unit, PostgreSQL and browser tests).
set -uo pipefail
cd "$(dirname "$0")/.."

SRC_DASH_INSTALL_POSTGRES=1 bash .ci/install.sh || exit 1

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if ! pg_isready -q -h 127.0.0.1; then
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    echo "test: starting PostgreSQL $version"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || exit 1
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
    pg_isready -h 127.0.0.1 || exit 1
fi

# Redis on 127.0.0.1:6379 (REDIS_URL for a run past one machine; the tests start their own too).
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
    echo "test: starting Redis"
    $SUDO service redis-server start >/dev/null 2>&1 \
        || redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" || exit 1
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
    redis-cli -h 127.0.0.1 ping >/dev/null || exit 1
fi

# The tests reach PostgreSQL as SRC_DASH_TEST_PG (tests/conftest.py), by default the database
# "test" as user postgres without password. On a fresh server, create that database and, when the
# server asks for a password on 127.0.0.1, give postgres one and say so in SRC_DASH_TEST_PG.
if [ -z "${SRC_DASH_TEST_PG:-}" ]; then
    pg_url="postgresql://postgres@127.0.0.1:5432/test"
    if ! psql "$pg_url" -Atqc "select 1" >/dev/null 2>&1; then
        as_pg=(sudo -u postgres)
        if [ "$(id -u)" -eq 0 ]; then as_pg=(runuser -u postgres --); fi
        "${as_pg[@]}" createdb test 2>/dev/null || true
        if ! psql "$pg_url" -Atqc "select 1" >/dev/null 2>&1; then
            "${as_pg[@]}" psql -qc "ALTER USER postgres PASSWORD 'postgres'" >/dev/null || exit 1
            export SRC_DASH_TEST_PG="postgresql://postgres:postgres@127.0.0.1:5432/test"
            echo "test: PostgreSQL tests use $SRC_DASH_TEST_PG"
        fi
    fi
fi

export PATH="$PWD/.tools/node_modules/.bin:$PWD/.venv/bin:$PATH"
export REFLEX_TELEMETRY_ENABLED=false REFLEX_CHECK_LATEST_VERSION=0 REFLEX_USE_SYSTEM_BUN=1
NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-$(npm config get registry 2>/dev/null || true)}"
export NPM_CONFIG_REGISTRY

status=0
step() {
    local name="$1"
    shift
    local started=$SECONDS
    echo "=== $name"
    if "$@"; then
        echo "=== $name: ok ($((SECONDS - started)) s)"
    else
        echo "=== $name: FAILED ($((SECONDS - started)) s)"
        status=1
    fi
}
step "ruff check" ruff check .
step "ruff format" ruff format --check .
step "pytest" pytest -q
# The same tests (the browser's aside) with the real clock two years ahead: "today" is pinned
# by the tests (SRC_DASH_TODAY), so nothing may depend on the real date.
step "pytest, real clock on 2028-11-22" \
    faketime "2028-11-22 09:00:00" pytest -q -p no:cacheprovider --ignore=tests/e2e
exit $status
