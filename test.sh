#!/usr/bin/env bash
# The whole test suite: lint, then every test (server, end-to-end, desktop). Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/scripts/venv.sh"
cd "$ROOT"
bash scripts/system-packages.sh
ensure_venv requirements-dev.txt
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
exec "$VENV/bin/python" -m pytest "$@"
