#!/usr/bin/env bash
# Install truth (run by ./test.sh): the product runs from venvs that hold ONLY its runtime requirements.
# A test or build requirement (pytest pulls in `packaging`, for one) must never hide a missing runtime one, so:
#   1. .venv-server-only/ gets requirements-server.txt alone, .venv-desktop-only/ requirements-desktop.txt alone
#      (each reinstalled only when its requirements change);
#   2. every module server/ and desktop/ import is found in its own venv (scripts/import_audit.py);
#   3. `./run.sh --server-only` starts from the server venv on a fresh embedded database until /healthz answers;
#   4. `python -m desktop --smoke-test URL` from the desktop venv registers, sends and receives against it.
set -euo pipefail
source "$(dirname "$0")/venv.sh"
cd "$ROOT"
server_venv=$ROOT/.venv-server-only
desktop_venv=$ROOT/.venv-desktop-only
VENV=$server_venv FRESH_VENV=1 ensure_venv requirements-server.txt
VENV=$desktop_venv FRESH_VENV=1 ensure_venv requirements-desktop.txt

echo "== install truth: imports =="
"$server_venv/bin/python" scripts/import_audit.py server
"$desktop_venv/bin/python" scripts/import_audit.py desktop
"$server_venv/bin/python" scripts/import_audit.py shared
"$desktop_venv/bin/python" scripts/import_audit.py shared

echo "== install truth: ./run.sh --server-only from $(basename "$server_venv"), the client from $(basename "$desktop_venv") =="
scratch=$(mktemp -d)
port=$("$server_venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CHATIDK_VENV=$server_venv CHATIDK_DATA_DIR=$scratch/data CHATIDK_PORT=$port CHATIDK_WORKERS=1 \
  CHATIDK_BCRYPT_ROUNDS=4 ./run.sh --server-only >"$scratch/server.log" 2>&1 &
server=$!
stop_server() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$scratch"
}
trap stop_server EXIT
url=http://127.0.0.1:$port
# Generous: a busy machine may take a while to init a database cluster. Every error until then is transient.
if ! "$server_venv/bin/python" - "$url" "$server" <<'PY'
import os, sys, time, urllib.request
url, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 180
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit("the server exited")
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=10) as answer:
            if answer.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.2)
sys.exit("the server did not answer /healthz within 180 s")
PY
then
  echo "install truth: FAILED, the server from requirements-server.txt alone did not come up:" >&2
  tail -40 "$scratch/server.log" >&2
  exit 1
fi
echo "   server answers $url/healthz ($(grep -o 'ChatIDK listening on .*' "$scratch/server.log" | head -1))"
if ! QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="qt.multimedia.*=false" CHATIDK_DESKTOP_DATA_DIR=$scratch/desktop CHATIDK_DESKTOP_CREDENTIALS=file \
  "$desktop_venv/bin/python" -m desktop --smoke-test "$url" --smoke-timeout 120; then
  echo "install truth: FAILED, the client from requirements-desktop.txt alone failed its smoke test" >&2
  tail -40 "$scratch/server.log" >&2
  exit 1
fi
echo "install truth: OK"
