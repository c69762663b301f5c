#!/usr/bin/env bash
# The whole test suite: lint and type check (ruff; mypy as configured in pyproject.toml); install truth (the
# product from venvs of its runtime requirements alone, scripts/runtime-venvs.sh); every test (server, end-to-end, desktop); then the packaging smoke test (the desktop
# app built with PyInstaller and run against a live server). Extra arguments go to pytest and skip the install
# truth and packaging steps; CHATIDK_SKIP_PACKAGE_SMOKE=1 skips the packaging step alone.
# pytest runs in CHATIDK_TEST_WORKERS parallel processes (pytest-xdist; default 3: the tests mostly wait on
# servers and events, so 3 keep 2 cores busy), each test file whole in one worker (--dist loadfile, so module
# fixtures start once); CHATIDK_TEST_WORKERS=0 runs it serially in one process.
set -euo pipefail
source "$(dirname "$0")/scripts/venv.sh"
cd "$ROOT"
bash scripts/system-packages.sh
ensure_venv requirements-dev.txt
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/mypy"
[ $# -gt 0 ] || bash scripts/runtime-venvs.sh
"$VENV/bin/python" -m pytest -n "${CHATIDK_TEST_WORKERS:-3}" --dist loadfile "$@"
if [ $# -gt 0 ] || [ -n "${CHATIDK_SKIP_PACKAGE_SMOKE:-}" ]; then
  echo "packaging smoke test skipped (extra pytest arguments or CHATIDK_SKIP_PACKAGE_SMOKE)"
  exit 0
fi
exec bash scripts/package-smoke.sh
