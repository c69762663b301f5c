"""The outbox: messages written before the server acknowledged them, kept on disk until it does."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime

from desktop.cache.database import transaction
from desktop.domain.attachments import Attachment, attachments_from_json
from desktop.domain.records import FAILED, SENDING, Message, ReplyTo, format_time, parse_time


@dataclass
class OutboxEntry:
    client_id: str
    conversation_id: int
    sender_id: int
    text: str
    created_at: datetime
    failed: bool = False
    error: str | None = None
    attachments: list[Attachment] = field(default_factory=list)  # local paths until uploaded, then file ids
    reply_to: ReplyTo | None = None  # the quote as it was when written (the server sends the true one)

    @property
    def ready(self) -> bool:
        """Every file is uploaded: the message itself can be sent."""
        return all(a.uploaded for a in self.attachments)

    def as_message(self) -> Message:
        return Message(
            conversation_id=self.conversation_id,
            seq=None,
            sender_id=self.sender_id,
            client_id=self.client_id,
            text=self.text,
            created_at=self.created_at,
            state=FAILED if self.failed else SENDING,
            error=self.error,
            attachments=[Attachment.from_json(a.to_json()) for a in self.attachments],
            reply_to=self.reply_to,
        )


class Outbox:
    """Entries leave only when the server acknowledged them (or the user discards a failed one)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    def add(self, entry: OutboxEntry) -> None:
        with transaction(self.db):
            self.db.execute(
                "INSERT INTO outbox (client_id, conversation_id, sender_id, text, created_at, attachments,"
                " reply_to) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.client_id,
                    entry.conversation_id,
                    entry.sender_id,
                    entry.text,
                    format_time(entry.created_at),
                    _files_json(entry.attachments),
                    json.dumps(entry.reply_to.to_json()) if entry.reply_to else None,
                ),
            )

    def _select(self, where: str = "", params: tuple = ()) -> list[OutboxEntry]:
        rows = self.db.execute(
            "SELECT client_id, conversation_id, sender_id, text, created_at, failed, error, attachments,"  # noqa: S608
            " reply_to FROM outbox " + where + " ORDER BY position",
            params,
        )
        return [
            OutboxEntry(
                cid,
                conv,
                sender,
                text,
                parse_time(created),
                bool(failed),
                error,
                attachments_from_json(json.loads(files)) if files else [],
                ReplyTo.from_json(json.loads(reply_to)) if reply_to else None,
            )
            for cid, conv, sender, text, created, failed, error, files, reply_to in rows
        ]

    def pending(self) -> list[OutboxEntry]:
        """Entries still to send, oldest first (sending them in order keeps the conversation's order)."""
        return self._select("WHERE failed = 0")

    def entries(self) -> list[OutboxEntry]:
        """Everything, failed ones included (their files on disk are still needed)."""
        return self._select()

    def for_conversation(self, conversation_id: int) -> list[OutboxEntry]:
        return self._select("WHERE conversation_id = ?", (conversation_id,))

    def get(self, client_id: str) -> OutboxEntry | None:
        found = self._select("WHERE client_id = ?", (client_id,))
        return found[0] if found else None

    def remove(self, client_id: str) -> None:
        with transaction(self.db):
            self.db.execute("DELETE FROM outbox WHERE client_id = ?", (client_id,))

    def mark_failed(self, client_id: str, error: str) -> None:
        with transaction(self.db):
            self.db.execute("UPDATE outbox SET failed = 1, error = ? WHERE client_id = ?", (error, client_id))

    def retry(self, client_id: str) -> None:
        with transaction(self.db):
            self.db.execute("UPDATE outbox SET failed = 0, error = NULL WHERE client_id = ?", (client_id,))

    def set_attachments(self, client_id: str, attachments: list[Attachment]) -> None:
        """An upload finished (or was reset): the entry now names the file by its id."""
        with transaction(self.db):
            self.db.execute(
                "UPDATE outbox SET attachments = ? WHERE client_id = ?", (_files_json(attachments), client_id)
            )


def _files_json(attachments: list[Attachment]) -> str | None:
    return json.dumps([a.to_json() for a in attachments]) if attachments else None
