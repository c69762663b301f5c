"""Sends the outbox in order, one at a time, retrying with the same client_id until the server says yes."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.cache import OutboxEntry
from desktop.controller.errors import describe_error
from desktop.domain.records import Message
from desktop.net.events import backoff_delays
from desktop.net.http import ApiError, ServerUnreachable
from desktop.net.rest_worker import Rest

log = logging.getLogger(__name__)


class OutboxSender(QObject):
    """Signals: delivered(Message), failed(str client_id, str error). A refused token ends the session
    (ScopedRest): the entry stays in the outbox, for the same account to send after signing in again."""

    delivered = Signal(object)
    failed = Signal(str, str)

    def __init__(self, rest: Rest, outbox, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rest = rest
        self.outbox = outbox
        self._in_flight: str | None = None
        self._delays = backoff_delays()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._send_next)
        self._stopped = False

    def kick(self) -> None:
        """Something changed (new entry, reconnected): try now instead of waiting out the backoff."""
        self._delays = backoff_delays()
        if self._in_flight is None and not self._stopped:
            self._timer.start(0)

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()

    @property
    def in_flight(self) -> str | None:
        """The client_id being sent right now (too late to take it back)."""
        return self._in_flight

    @property
    def busy(self) -> bool:
        return self._in_flight is not None or self._timer.isActive()

    def _send_next(self) -> None:
        if self._stopped or self._in_flight is not None:
            return
        # A message whose files are still uploading waits; later ones go (the upload kicks us when done).
        entry = next((e for e in self.outbox.pending() if e.ready), None)
        if entry is None:
            return
        self._in_flight = entry.client_id
        file_ids = [a.id for a in entry.attachments if a.id is not None]
        self.rest.call(
            lambda api: api.send_message(
                entry.conversation_id,
                entry.client_id,
                entry.text,
                file_ids,
                entry.reply_to.seq if entry.reply_to else None,
            ),
            lambda answer: self._on_sent(entry, answer),
            lambda error: self._on_error(entry, error),
        )

    def _on_sent(self, entry: OutboxEntry, answer: dict) -> None:
        self._in_flight = None
        self.outbox.remove(entry.client_id)
        self._delays = backoff_delays()
        self.delivered.emit(Message.from_json(answer))
        self._timer.start(0)

    def _on_error(self, entry: OutboxEntry, error: Exception) -> None:
        self._in_flight = None
        if isinstance(error, ServerUnreachable) or (isinstance(error, ApiError) and error.transient):
            delay = next(self._delays)
            if isinstance(error, ApiError) and error.retry_after:
                delay = max(delay, float(error.retry_after))
            log.info("send of %s will be retried in %.1f s: %s", entry.client_id, delay, error)
            if not self._stopped:
                self._timer.start(int(delay * 1000))
            return
        message = describe_error(error)
        self.outbox.mark_failed(entry.client_id, message)
        self.failed.emit(entry.client_id, message)
        self._timer.start(0)
