#!/usr/bin/env bash
# Start src_dash on http://localhost:3000 (SRC_DASH_PORT) with the demo companies synced.
#
# Installs what is missing, migrates the store, builds the demo on an empty store, starts a local
# mail sink on 127.0.0.1:8025, then runs the app in prod mode (frontend and backend on one port)
# in the foreground. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/install.sh

export PATH="$PWD/.tools/node_modules/.bin:$PWD/.venv/bin:$PATH"
export REFLEX_TELEMETRY_ENABLED=false REFLEX_CHECK_LATEST_VERSION=0 REFLEX_USE_SYSTEM_BUN=1
# Naming the registry spares Reflex its registry latency probe.
NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-$(npm config get registry 2>/dev/null || true)}"
export NPM_CONFIG_REGISTRY
port="${SRC_DASH_PORT:-3000}"
data_dir="${SRC_DASH_DATA_DIR:-$PWD/data}"
mkdir -p "$data_dir"

src-dash migrate

companies="$(src-dash status --json | python -c 'import json,sys; print(len(json.load(sys.stdin)["companies"]))')"
if [ "$companies" = "0" ]; then
    echo "start: empty store, building the demo companies"
    if ! src-dash demo; then
        echo "start: WARNING: the demo did not sync cleanly; the overview shows the error" >&2
    fi
else
    echo "start: the store holds $companies companies"
fi

# A local SMTP sink so that emails sent by the app land in files (read back by the app).
sink_pid=""
smtp_host="${SMTP_HOST:-127.0.0.1}"
smtp_port="${SMTP_PORT:-8025}"
if [ "$smtp_host" = "127.0.0.1" ] || [ "$smtp_host" = "localhost" ]; then
    if python -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $smtp_port)) == 0)"; then
        python -m src_dash.dunning.mailsink --host 127.0.0.1 --port "$smtp_port" \
            --dir "${SRC_DASH_MAIL_SINK_DIR:-$data_dir/mail-sink}" >>"$data_dir/mail-sink.log" 2>&1 &
        sink_pid=$!
        # A message in doubt after a crash is looked up in the sink rather than sent twice.
        export SRC_DASH_DELIVERY_CHECK="${SRC_DASH_DELIVERY_CHECK:-sink}"
        echo "start: mail sink on 127.0.0.1:$smtp_port, one .eml per mail in $data_dir/mail-sink"
    else
        echo "start: something already listens on 127.0.0.1:$smtp_port, using it as the mail server"
    fi
fi
cleanup() { if [ -n "$sink_pid" ]; then kill "$sink_pid" 2>/dev/null || true; fi; }
trap cleanup EXIT

echo "start: building the frontend and starting the app; it will be at http://localhost:$port"
reflex run --env prod --frontend-port "$port"
