"""TOTP (RFC 6238) by pyotp, and recovery codes: the arithmetic of second factors, no database.

Codes are 6 digits of HMAC-SHA1 over 30-second time steps (what every authenticator app speaks). A code is
accepted for the current step and the one either side (clock drift), and only for a step later than the
last one accepted for the account, so a code seen over someone's shoulder is worth nothing once used.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

import pyotp

PERIOD_SECONDS = 30
DIGITS = 6
ISSUER = "ChatIDK"
RECOVERY_CODES = 10
# Lower-case letters and digits without the look-alikes 0/o, 1/l/i: 31 symbols, 10 of them ≈ 49.5 bits.
_RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_RECOVERY_LENGTH = 10
RECOVERY_CODE = re.compile(rf"[{_RECOVERY_ALPHABET}]{{{_RECOVERY_LENGTH}}}")


def new_secret() -> str:
    """160 random bits in base32 (RFC 4226's recommended length for HMAC-SHA1)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account_name: str) -> str:
    """The otpauth:// URI an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD_SECONDS).provisioning_uri(
        name=account_name, issuer_name=ISSUER
    )


def step_at(unix_time: float) -> int:
    return int(unix_time // PERIOD_SECONDS)


def matching_step(secret: str, code: str, unix_time: float, last_used_step: int | None) -> int | None:
    """The time step ``code`` belongs to, if it is the current one or adjacent and later than
    ``last_used_step``; else None. Every candidate is compared, in constant time."""
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD_SECONDS)
    now = step_at(unix_time)
    found = None
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and (
            last_used_step is None or step > last_used_step
        ):
            found = step
    return found


def new_recovery_codes() -> list[str]:
    """Ten codes shown as ``xxxxx-xxxxx``; the dash and letter case do not matter when typed back."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalize_recovery_code(code: str) -> str:
    return code.strip().lower().replace("-", "").replace(" ", "")


def recovery_code_hash(user_id: int, code: str) -> bytes:
    """SHA-256, salted by the account: 49 random bits need no slow hash behind an online throttle."""
    return hashlib.sha256(f"{user_id}:recovery:{normalize_recovery_code(code)}".encode()).digest()
