# Sourced by run.sh and test.sh: make ./.venv and install a requirements file into it when it changed.
# Usage: ensure_venv requirements-file
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${CHATIDK_VENV:-$ROOT/.venv}

ensure_venv() {
  local req=$1 py=${PYTHON:-python3}
  if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "ChatIDK needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
    exit 1
  fi
  [ -x "$VENV/bin/python" ] || "$py" -m venv "$VENV"
  # Reinstall only when the requirements (or a file they include) changed since the last install.
  local stamp="$VENV/.installed-$(basename "$req")"
  local sum
  sum=$(cat "$ROOT"/requirements-*.txt | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    echo "Installing $(basename "$req") into $VENV ..." >&2
    # The filter drops pip's notes about index folders this machine's pip configuration names but lacks.
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/$req" \
      2> >(grep -v "^WARNING: Location 'file:" >&2)
    echo "$sum" > "$stamp"
  fi
}
