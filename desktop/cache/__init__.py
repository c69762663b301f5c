"""Local SQLite: the history cache (open instantly, read offline) and the outbox (nothing lost)."""

from desktop.cache.database import open_cache_database
from desktop.cache.history import HistoryCache
from desktop.cache.outbox import Outbox, OutboxEntry

__all__ = ["HistoryCache", "Outbox", "OutboxEntry", "open_cache_database"]
