#!/usr/bin/env bash
# Run ChatIDK: the server on its own embedded PostgreSQL, and the desktop client signed in to it.
#   ./run.sh                 server + one desktop client
#   ./run.sh --server-only   just the server (Ctrl+C stops it)
#   ./run.sh --client-only   one more client, e.g. to sign in as a second user
set -euo pipefail
source "$(dirname "$0")/scripts/venv.sh"
cd "$ROOT"
mode=${1:-all}
case $mode in
  --server-only) ensure_venv requirements-server.txt; exec "$VENV/bin/python" -m server ;;
  --client-only) ensure_venv requirements-desktop.txt; exec "$VENV/bin/python" -m desktop ;;
  all) ;;
  *) echo "usage: ./run.sh [--server-only | --client-only]" >&2; exit 2 ;;
esac
ensure_venv requirements-server.txt
ensure_venv requirements-desktop.txt
"$VENV/bin/python" -m server &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
port=${CHATIDK_PORT:-8000}
for _ in $(seq 1 150); do
  "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=1)" \
    2>/dev/null && break
  kill -0 $server 2>/dev/null || { echo "The server did not start; see the messages above." >&2; exit 1; }
  sleep 0.2
done
"$VENV/bin/python" -m desktop --server "http://127.0.0.1:$port"
