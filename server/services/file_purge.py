"""How the file store and the file rows converge, whatever crashes: the trash, intents, and the purge.

A row and its bytes go in two steps: the transaction that deletes the row queues its store keys in
``file_trash``; after the commit :func:`remove_from_store` removes the bytes and forgets the keys. Keys
about to be written are queued too (:func:`intend`), due later unless the row that owns them commits first.
The purge, triggered by uploads at most every PURGE_EVERY_SECONDS per process, removes unsent uploads past
``Config.unsent_upload_seconds`` and whatever the trash still holds.
"""

from __future__ import annotations

import logging

from server.context import AppContext
from server.db import files as files_db
from server.offload import run_blocking

log = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 600
INTENT_GRACE_SECONDS = 15 * 60


def remove_from_store(app: AppContext, keys: list[str]) -> None:
    """After the commit that deleted their rows: remove the bytes, then forget the trash entries.

    A failure here is only logged; the keys stay in ``file_trash`` and the next purge retries them.
    """
    if not keys:
        return
    try:
        run_blocking(app.store.delete, keys)  # unlinks and folder fsyncs: off the event loop
        with app.db.autocommit() as cur:
            files_db.forget_trash(cur, keys)
    except Exception:
        log.exception("could not remove %d stored objects; the next purge retries", len(keys))


def intend(app: AppContext, keys: list[str]) -> None:
    """Record store keys about to be written, as trash due in INTENT_GRACE_SECONDS unless the row that owns
    them is committed first (which forgets them). So the store and the rows converge after any crash."""
    with app.db.autocommit() as cur:
        files_db.intend_keys(cur, keys, INTENT_GRACE_SECONDS)


def purge(app: AppContext) -> int:
    """Remove unsent uploads past their grace period and bytes a crash left behind; how many objects went."""
    with app.db.transaction() as cur:
        keys = files_db.delete_expired_uploads_txn(cur, app.config.unsent_upload_seconds)
    remove_from_store(app, keys)
    with app.db.autocommit() as cur:
        # Give a concurrent remove_from_store a minute to finish before taking its keys over.
        leftovers = files_db.take_trash(cur, older_than_seconds=60)
    remove_from_store(app, leftovers)
    swept = run_blocking(app.store.sweep_staging, 24 * 3600)
    return len(keys) + len(leftovers) + swept


def purge_now_and_then(app: AppContext) -> None:
    if not app.purge_schedule.due():
        return
    try:
        purge(app)
    except Exception:
        log.exception("purging expired uploads failed")
