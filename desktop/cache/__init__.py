"""Local SQLite: the history cache (open instantly, read offline), the outbox (nothing lost) and drafts."""

from desktop.cache.database import open_cache_database
from desktop.cache.drafts import DraftStore
from desktop.cache.history import HistoryCache
from desktop.cache.outbox import Outbox, OutboxEntry

__all__ = ["DraftStore", "HistoryCache", "Outbox", "OutboxEntry", "open_cache_database"]
