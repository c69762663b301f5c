# Sourced by run.sh, test.sh and the CI scripts: make a venv and install a requirements file into it when it
# changed.  Usage: ensure_venv requirements-file   (into $VENV, which defaults to ./.venv or $CHATIDK_VENV)
# With FRESH_VENV=1 a change of the requirements rebuilds the venv from nothing, so that a package dropped from
# them cannot linger (scripts/runtime-venvs.sh relies on it).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${CHATIDK_VENV:-$ROOT/.venv}

# The requirements file and every file it includes with -r, in order (so a change to either reinstalls).
requirement_files() {
  local req=$1
  echo "$ROOT/$req"
  local inc
  for inc in $(sed -n 's/^-r[[:space:]]*//p' "$ROOT/$req"); do
    requirement_files "$inc"
  done
}

ensure_venv() {
  local req=$1 py=${PYTHON:-python3}
  if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "ChatIDK needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)." >&2
    exit 1
  fi
  # Reinstall only when these requirements (or a file they include) changed since the last install.
  local stamp="$VENV/.installed-$(basename "$req")"
  local sum
  sum=$(requirement_files "$req" | xargs cat | sha256sum | cut -d' ' -f1)
  if [ "${FRESH_VENV:-}" = 1 ] && [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    rm -rf "$VENV"
  fi
  [ -x "$VENV/bin/python" ] || "$py" -m venv "$VENV"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    echo "Installing $(basename "$req") into $VENV ..." >&2
    # The filter drops pip's notes about index folders this machine's pip configuration names but lacks.
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/$req" \
      2> >(grep -v "^WARNING: Location 'file:" >&2)
    echo "$sum" > "$stamp"
  fi
}
