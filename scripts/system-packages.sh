# System packages the tests want: fonts for emoji/CJK, Qt's libraries, nginx (the deploy sample is run for
# real), openssl (its test certificate) and redis-server (the Redis broker's tests start their own on a free
# port). Installed only when running as root (CI); elsewhere the tests that need them skip with a reason, but
# the Redis tests fail without it (tests/support/redis.py says how to install it).
set -euo pipefail
PKGS=(fonts-noto-color-emoji fonts-wqy-microhei libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libpulse0 nginx-light openssl redis-server)
[ "$(id -u)" = 0 ] || exit 0
command -v apt-get >/dev/null || exit 0
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The tests start nginx themselves on loopback ports; the distribution's own service is not wanted.
if command -v service >/dev/null; then service nginx stop >/dev/null 2>&1 || true; service redis-server stop >/dev/null 2>&1 || true; fi
