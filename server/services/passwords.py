"""Password hashing with bcrypt, made safe for passphrases longer than bcrypt's 72-byte input.

bcrypt 5 refuses secrets over 72 bytes, and older versions silently cut them. We hash the UTF-8 password with
SHA-256 and feed bcrypt the base64 of that digest (44 bytes, no NUL), so every character of a long passphrase
counts — the scheme passlib calls bcrypt_sha256.
"""

from __future__ import annotations

import base64
import functools
import hashlib

import bcrypt

from server.offload import run_blocking


def _prehash(password: str) -> bytes:
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str, rounds: int) -> str:
    salt = bcrypt.gensalt(rounds=rounds)
    return run_blocking(bcrypt.hashpw, _prehash(password), salt).decode("ascii")


def verify_password(password: str, stored_hash: str) -> bool:
    return run_blocking(bcrypt.checkpw, _prehash(password), stored_hash.encode("ascii"))


@functools.lru_cache(maxsize=4)
def _dummy_hash(rounds: int) -> str:
    return hash_password("not the password of anyone", rounds)


def burn_verify_time(password: str, rounds: int) -> None:
    """Spend a real check's time, so an unknown name answers no faster than a wrong password."""
    verify_password(password, _dummy_hash(rounds))
