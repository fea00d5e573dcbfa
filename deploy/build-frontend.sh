#!/usr/bin/env bash
# Export the frontend as static files for nginx (once per release, on any one machine):
#   SRC_DASH_PUBLIC_URL=https://recouvrement.example.fr deploy/build-frontend.sh /srv/src-dash/frontend
# The pages call the backend at SRC_DASH_PUBLIC_URL (nginx proxies /_event, /_upload... there).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:?usage: build-frontend.sh OUTPUT_DIR}"
: "${SRC_DASH_PUBLIC_URL:?set SRC_DASH_PUBLIC_URL (the address users reach the app at)}"
export PATH="$PWD/.tools/node_modules/.bin:$PWD/.venv/bin:$PATH"
export REFLEX_TELEMETRY_ENABLED=false REFLEX_CHECK_LATEST_VERSION=0 REFLEX_USE_SYSTEM_BUN=1
unset REFLEX_BACKEND_ONLY
REFLEX_API_URL="$SRC_DASH_PUBLIC_URL" reflex export --frontend-only --no-zip --env prod
mkdir -p "$out"
rsync -a --delete .web/build/client/ "$out/"
echo "frontend exported to $out"
