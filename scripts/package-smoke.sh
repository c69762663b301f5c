#!/usr/bin/env bash
# The packaging smoke test (run by ./test.sh after pytest; CHATIDK_SKIP_PACKAGE_SMOKE=1 skips it there):
# build the desktop client with packaging/build-desktop, then run the frozen ChatIDK --smoke-test against a live
# `python -m server` on a fresh embedded database (and over https through the nginx sample where nginx is
# installed). See scripts/package_smoke.py and README.md, "Packaging".
set -euo pipefail
source "$(dirname "$0")/venv.sh"
cd "$ROOT"
ensure_venv requirements-dev.txt

echo "== packaging smoke: building the desktop app (packaging/build-desktop) =="
started=$(date +%s)
mkdir -p build
log=build/build-desktop.log
if ! folder=$(packaging/build-desktop 2>"$log"); then
  grep -v "^WARNING: Location 'file://" "$log" | tail -40 >&2  # (pip's notes about absent local indexes: noise)
  echo "package smoke: FAILED, the build failed (whole log: $log)" >&2
  exit 1
fi
echo "   $folder: $(du -sh "$folder" | cut -f1) in $(( $(date +%s) - started )) s, build venv included (log: $log)"

echo "== packaging smoke: the frozen app against a live server =="
exec "$VENV/bin/python" scripts/package_smoke.py "$folder/ChatIDK"
