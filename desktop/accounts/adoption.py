"""Adopting the data dir of the single-account client on the first start of this one.

That client kept every account's cache as ``cache/<server key>-<user id>.sqlite3`` (with its ``-wal``,
``-shm`` and ``-files`` beside it), one token per server address, and the last conversation and the
notification setting in the app's settings. Each cache moves into its account's folder, the token moves
to its (server, user) key, and the account it belonged to is signed in again as if nothing happened. Runs
once: the app settings' layout version says it is done."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from pathlib import Path

from desktop.accounts.account_settings import AccountSettings
from desktop.accounts.layout import ACCOUNTS_FOLDER, CACHE_FILE, AccountPaths, credential_key
from desktop.credentials import CredentialStore
from desktop.domain.server_address import normalize_server_url
from desktop.settings import AppSettings

log = logging.getLogger(__name__)
LAYOUT_VERSION = 2
OLD_CACHE_FOLDER = "cache"


def adopt_single_account_data(
    data_dir: Path, settings: AppSettings, credentials: CredentialStore, server_urls: Iterable[str | None]
) -> list[tuple[str, int]]:
    """Move an older data dir into the per-account layout; the (server, user) of the account that was
    signed in, if any, leads the returned list (and the app settings' account list). ``server_urls``: the
    addresses the old client may have kept a token under (the last one used, --server, the default)."""
    if settings.layout_version >= LAYOUT_VERSION:
        return settings.accounts
    moved = _move_caches(data_dir)
    adopted: list[tuple[str, int]] = []
    for url in dict.fromkeys(normalize_server_url(u) for u in server_urls if u):
        stored = credentials.load(url)
        user = stored.get("user") if isinstance(stored, dict) else None
        if not stored or not stored.get("token") or not isinstance(user, dict) or "id" not in user:
            continue
        user_id = int(user["id"])
        credentials.save(credential_key(url, user_id), {"token": stored["token"], "user": user})
        credentials.forget(url)
        adopted.append((url, user_id))
    for url, user_id in adopted:  # a cache of an account signed out moves too, for its next sign-in
        account_settings = AccountSettings(AccountPaths.of(data_dir, url, user_id).settings_file)
        last = settings.legacy_last_conversation(url, user_id)
        if last is not None:
            account_settings.last_conversation = last
        account_settings.notification_text = settings.legacy_notification_text
        account_settings.sync()
    settings.forget_legacy()
    settings.accounts = adopted
    settings.current_account = adopted[0] if adopted else None
    settings.layout_version = LAYOUT_VERSION
    settings.sync()
    if moved or adopted:
        log.info(
            "adopted the single-account data dir %s: %d caches, %d accounts",
            data_dir,
            len(moved),
            len(adopted),
        )
    return adopted


def _move_caches(data_dir: Path) -> list[str]:
    """Each old cache file (and what lies beside it) into its account's folder; the folder names moved."""
    old = data_dir / OLD_CACHE_FOLDER
    if not old.is_dir():
        return []
    moved = []
    for cache in sorted(old.glob("*-*.sqlite3")):
        name = cache.name.removesuffix(".sqlite3")
        target = data_dir / ACCOUNTS_FOLDER / name
        if target.exists():  # adopted before and the settings not written (a crash): keep what is there
            continue
        target.mkdir(parents=True, mode=0o700)
        for suffix in ("", "-wal", "-shm"):  # the WAL holds the newest writes: it moves with the file
            part = cache.with_name(cache.name + suffix)
            if part.exists():
                shutil.move(str(part), str(target / f"{CACHE_FILE}{suffix}"))
        files = old / f"{name}-files"
        if files.is_dir():
            shutil.move(str(files), str(target / "cache-files"))
        moved.append(name)
    if not any(old.iterdir()):
        old.rmdir()
    return moved
