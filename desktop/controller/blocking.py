"""People I blocked: fetched on every connect, changed from a 1:1's menu or the Blocked people dialog."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop.controller.errors import describe_error

log = logging.getLogger(__name__)


class BlockList(QObject):
    """``entries``: user id → the wire entry ({"user", "hide_in_groups", "blocked_at"}).

    Signals: changed() — the list is new; the open view re-reads who to hide."""

    changed = Signal()

    def __init__(self, rest, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rest = rest
        self.entries: dict[int, dict] = {}
        self.loaded = False

    def is_blocked(self, user_id: int) -> bool:
        return user_id in self.entries

    def people(self) -> list[dict]:
        """The wire entries, for the Blocked people dialog."""
        return list(self.entries.values())

    def hidden_in_groups(self) -> set[int]:
        return {user_id for user_id, entry in self.entries.items() if entry.get("hide_in_groups")}

    def refresh(self, on_error: Callable[[str], None] | None = None) -> None:
        def failed(error: Exception) -> None:
            if on_error is not None:
                on_error(describe_error(error))
            else:
                log.info("could not fetch the block list: %s", error)

        self.rest.call(lambda api: api.blocks(), self._on_list, failed)

    def _on_list(self, blocks: list[dict]) -> None:
        self.entries = {int(entry["user"]["id"]): entry for entry in blocks}
        self.loaded = True
        self.changed.emit()

    def block(self, user_id: int, hide_in_groups: bool, on_error: Callable[[str], None]) -> None:
        def done(entry: dict) -> None:
            self.entries[user_id] = entry
            self.changed.emit()

        self.rest.call(
            lambda api: api.block(user_id, hide_in_groups), done, lambda e: on_error(describe_error(e))
        )

    def unblock(self, user_id: int, on_error: Callable[[str], None]) -> None:
        def done(_: object) -> None:
            self.entries.pop(user_id, None)
            self.changed.emit()

        def failed(error: Exception) -> None:
            if getattr(error, "status", None) == 404:  # not blocked (any more): the list was stale
                done(None)
            else:
                on_error(describe_error(error))

        self.rest.call(lambda api: api.unblock(user_id), done, failed)
