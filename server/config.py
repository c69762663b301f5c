"""Every server setting, read from CHATIDK_* environment variables (documented in README.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from server.files.sniff import DEFAULT_INLINE, INLINE_CANDIDATES

MIB = 1024 * 1024


class ConfigError(ValueError):
    """A setting has a value the server cannot use; the message names the variable."""


def _int(env: dict[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name} must be between {minimum} and {maximum}, not {value}")
    return value


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _inline_types(env: dict[str, str]) -> frozenset[str]:
    raw = env.get("CHATIDK_INLINE_TYPES", "").strip()
    if not raw:
        return DEFAULT_INLINE
    types = frozenset(t.strip().lower() for t in raw.split(",") if t.strip())
    unsafe = sorted(types - INLINE_CANDIDATES)
    if unsafe:
        raise ConfigError(
            f"CHATIDK_INLINE_TYPES may name only these image, video and audio types: "
            f"{', '.join(sorted(INLINE_CANDIDATES))}; not {', '.join(unsafe)}"
        )
    return types


@dataclass(frozen=True)
class Config:
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = field(
        default_factory=lambda: Path(platformdirs.user_data_dir("chatidk", appauthor=False))
    )
    # Files: per-upload limit, per-user quota (None: none), types shown inline, life of unsent uploads.
    max_upload_bytes: int = 100 * MIB
    user_quota_bytes: int | None = 2048 * MIB
    inline_types: frozenset[str] = DEFAULT_INLINE
    unsent_upload_seconds: int = 24 * 3600
    workers: int = 2
    db_pool_size: int = 20
    bcrypt_rounds: int = 12
    proxy_hops: int = 0
    ws_ping_interval: int = 25
    log_level: str = "info"
    access_log: bool = True
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "ChatIDK <chatidk@localhost>"
    smtp_security: str = "starttls"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Config:
        env = dict(os.environ if env is None else env)
        data_dir = env.get("CHATIDK_DATA_DIR") or None
        security = (env.get("CHATIDK_SMTP_SECURITY") or "starttls").lower()
        if security not in ("starttls", "tls", "none"):
            raise ConfigError(f"CHATIDK_SMTP_SECURITY must be starttls, tls or none, not {security!r}")
        return cls(
            database_url=env.get("CHATIDK_DATABASE_URL") or None,
            host=env.get("CHATIDK_HOST") or "127.0.0.1",
            port=_int(env, "CHATIDK_PORT", 8000, 0, 65535),
            data_dir=Path(data_dir) if data_dir else cls().data_dir,
            max_upload_bytes=_int(env, "CHATIDK_MAX_UPLOAD_MB", 100, 1, 1024 * 1024) * MIB,
            user_quota_bytes=(_int(env, "CHATIDK_USER_QUOTA_MB", 2048, 0, 1024**3) * MIB) or None,
            inline_types=_inline_types(env),
            unsent_upload_seconds=_int(env, "CHATIDK_UNSENT_UPLOAD_HOURS", 24, 1, 24 * 365) * 3600,
            workers=_int(env, "CHATIDK_WORKERS", min(os.cpu_count() or 1, 4), 1, 64),
            db_pool_size=_int(env, "CHATIDK_DB_POOL_SIZE", 20, 1, 500),
            bcrypt_rounds=_int(env, "CHATIDK_BCRYPT_ROUNDS", 12, 4, 16),
            proxy_hops=_int(env, "CHATIDK_PROXY_HOPS", 0, 0, 10),
            ws_ping_interval=_int(env, "CHATIDK_WS_PING_INTERVAL", 25, 1, 3600),
            log_level=(env.get("CHATIDK_LOG_LEVEL") or "info").lower(),
            access_log=_bool(env, "CHATIDK_ACCESS_LOG", True),
            smtp_host=env.get("CHATIDK_SMTP_HOST") or None,
            smtp_port=_int(env, "CHATIDK_SMTP_PORT", 465 if security == "tls" else 587, 1, 65535),
            smtp_user=env.get("CHATIDK_SMTP_USER") or None,
            smtp_password=env.get("CHATIDK_SMTP_PASSWORD") or None,
            smtp_from=env.get("CHATIDK_SMTP_FROM") or "ChatIDK <chatidk@localhost>",
            smtp_security=security,
        )
