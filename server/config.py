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


def _number(env: dict[str, str], name: str, default, minimum, maximum, kind: type = int):
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name} must be {what}, not {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name} must be between {minimum:.15g} and {maximum:.15g}, not {value:.15g}")
    return value


def _int(env: dict[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    return _number(env, name, default, minimum, maximum, int)


def _float(env: dict[str, str], name: str, default: float, minimum: float, maximum: float) -> float:
    return _number(env, name, default, minimum, maximum, float)


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
    # Abuse limits (README, "Configuration" and "What an attacker can and cannot do"). A count of 0 means
    # no limit, for benchmarks and closed installations.
    registrations_per_hour: int = 30  # new accounts per client address
    login_failures_per_address: int = 30  # failed logins per client address in 15 minutes
    login_free_failures: int = 5  # failed logins per account name in a day before each next one waits
    login_max_delay_seconds: int = 900  # the longest wait between failed logins of one account name
    wrong_passwords_per_15min: int = 5  # wrong current passwords per account (password change, deletion)
    code_mails_per_hour: int = 3  # mailed codes per account and purpose (reset, email confirmation)
    wrong_codes_per_day: int = 10  # wrong codes per account and purpose, across codes
    code_requests_per_address_hour: int = 20  # code mails asked for from one client address
    wrong_codes_per_address_hour: int = 20  # wrong codes from one client address
    send_burst: int = 60  # messages one user may send at once (token bucket size)
    send_rate: float = 20.0  # messages per second one user may send, sustained
    reactions_per_minute: int = 60  # reactions one user may add or remove per minute; 0: no limit
    pins_per_conversation: int = 50  # messages pinned at once in one conversation (409 past it)
    pins_per_minute: int = 30  # pins and unpins one user may make per minute; 0: no limit
    hides_per_minute: int = 120  # messages one user may "delete for me" per minute; 0: no limit
    forward_targets: int = 10  # conversations one forward may go to at once (400 past it)
    forwards_per_minute: int = 30  # forwarded messages (one per target) one user may send per minute; 0: none
    groups_per_hour: int = 20  # groups one user may create
    searches_per_minute: int = 120  # message searches one user may run (GET /search); 0: no limit
    two_factor_free_failures: int = 5  # wrong second-factor codes per account in a day before each waits
    two_factor_max_delay_seconds: int = 900  # the longest wait between wrong second-factor codes
    two_factor_codes_per_challenge: int = 5  # wrong codes one sign-in challenge takes before it dies
    two_factor_challenge_seconds: int = 300  # how long a sign-in challenge lives (at most 5 minutes)
    session_idle_days: int = 90  # a token unused this long stops working
    # A token checked within this many seconds is not looked up again by the same process (session_cache.py);
    # a revoked one may therefore keep working this long on another process. 0: look up every request.
    session_cache_seconds: float = 5.0
    body_timeout_seconds: int = 30  # a request body must arrive at 256 KiB per this many seconds
    preview_jobs: int = 2  # previews (Pillow, ffmpeg) made at once per worker process; others queue
    preview_memory_mb: int = 1024  # address space of one ffmpeg child
    exports_at_once: int = 1  # data exports under way at once per account
    live_frames_burst: int = 20  # typing and presence frames a socket, and a user, may send at once
    live_frames_per_minute: int = 30  # ... and sustained; beyond either, frames are dropped
    sockets_per_session: int = 8  # live WebSockets one signed-in device may hold open
    sockets_per_account: int = 32  # ... and one account, across its devices
    # Accept permessage-deflate from clients that offer it: less bandwidth, but every event is then
    # compressed per socket instead of framed once for all (server/services/wire_frames.py).
    ws_deflate: bool = False
    # Frames already queued on a socket go out in one write (server/api/socket_writer.py); off: one each.
    ws_batch_writes: bool = True
    # Group commit (server/services/send_batch.py): concurrent sends share a transaction and a commit.
    group_commit: bool = True
    group_commit_max: int = 100  # sends in one batch at most
    # Fan-out between processes through Redis pub/sub instead of NOTIFY (server/services/broker_redis.py).
    redis_url: str | None = None

    @property
    def session_idle_seconds(self) -> int:
        return self.session_idle_days * 86400

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
            registrations_per_hour=_int(env, "CHATIDK_REGISTRATIONS_PER_HOUR", 30, 0, 10**6),
            login_failures_per_address=_int(env, "CHATIDK_LOGIN_FAILURES_PER_ADDRESS", 30, 1, 10**6),
            login_free_failures=_int(env, "CHATIDK_LOGIN_FREE_FAILURES", 5, 1, 1000),
            login_max_delay_seconds=_int(env, "CHATIDK_LOGIN_MAX_DELAY", 900, 1, 86400),
            wrong_passwords_per_15min=_int(env, "CHATIDK_WRONG_PASSWORDS_PER_15MIN", 5, 1, 1000),
            code_mails_per_hour=_int(env, "CHATIDK_CODE_MAILS_PER_HOUR", 3, 1, 1000),
            wrong_codes_per_day=_int(env, "CHATIDK_WRONG_CODES_PER_DAY", 10, 1, 1000),
            code_requests_per_address_hour=_int(env, "CHATIDK_CODE_REQUESTS_PER_ADDRESS", 20, 1, 10**6),
            wrong_codes_per_address_hour=_int(env, "CHATIDK_WRONG_CODES_PER_ADDRESS", 20, 1, 10**6),
            send_burst=_int(env, "CHATIDK_SEND_BURST", 60, 0, 10**6),
            send_rate=_float(env, "CHATIDK_SEND_RATE", 20.0, 0.001, 10**6),
            groups_per_hour=_int(env, "CHATIDK_GROUPS_PER_HOUR", 20, 0, 10**6),
            searches_per_minute=_int(env, "CHATIDK_SEARCHES_PER_MINUTE", 120, 0, 10**6),
            reactions_per_minute=_int(env, "CHATIDK_REACTIONS_PER_MINUTE", 60, 0, 10**6),
            pins_per_conversation=_int(env, "CHATIDK_PINS_PER_CONVERSATION", 50, 1, 1000),
            pins_per_minute=_int(env, "CHATIDK_PINS_PER_MINUTE", 30, 0, 10**6),
            hides_per_minute=_int(env, "CHATIDK_HIDES_PER_MINUTE", 120, 0, 10**6),
            forward_targets=_int(env, "CHATIDK_FORWARD_TARGETS", 10, 1, 100),
            forwards_per_minute=_int(env, "CHATIDK_FORWARDS_PER_MINUTE", 30, 0, 10**6),
            two_factor_free_failures=_int(env, "CHATIDK_TWO_FACTOR_FREE_FAILURES", 5, 1, 1000),
            two_factor_max_delay_seconds=_int(env, "CHATIDK_TWO_FACTOR_MAX_DELAY", 900, 1, 86400),
            two_factor_codes_per_challenge=_int(env, "CHATIDK_TWO_FACTOR_CODES_PER_CHALLENGE", 5, 1, 100),
            two_factor_challenge_seconds=_int(env, "CHATIDK_TWO_FACTOR_CHALLENGE_SECONDS", 300, 30, 300),
            session_idle_days=_int(env, "CHATIDK_SESSION_IDLE_DAYS", 90, 1, 3650),
            session_cache_seconds=_float(env, "CHATIDK_SESSION_CACHE_SECONDS", 5.0, 0, 30),
            body_timeout_seconds=_int(env, "CHATIDK_BODY_TIMEOUT", 30, 1, 3600),
            preview_jobs=_int(env, "CHATIDK_PREVIEW_JOBS", 2, 1, 64),
            preview_memory_mb=_int(env, "CHATIDK_PREVIEW_MEMORY_MB", 1024, 256, 1024 * 1024),
            exports_at_once=_int(env, "CHATIDK_EXPORTS_AT_ONCE", 1, 0, 100),
            live_frames_burst=_int(env, "CHATIDK_LIVE_FRAMES_BURST", 20, 0, 10**6),
            live_frames_per_minute=_int(env, "CHATIDK_LIVE_FRAMES_PER_MINUTE", 30, 1, 10**6),
            sockets_per_session=_int(env, "CHATIDK_SOCKETS_PER_SESSION", 8, 0, 10**6),
            sockets_per_account=_int(env, "CHATIDK_SOCKETS_PER_ACCOUNT", 32, 0, 10**6),
            ws_deflate=_bool(env, "CHATIDK_WS_DEFLATE", False),
            ws_batch_writes=_bool(env, "CHATIDK_WS_BATCH_WRITES", True),
            group_commit=_bool(env, "CHATIDK_GROUP_COMMIT", True),
            group_commit_max=_int(env, "CHATIDK_GROUP_COMMIT_MAX", 100, 1, 1000),
            redis_url=env.get("CHATIDK_REDIS_URL") or None,
        )
