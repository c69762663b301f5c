"""Drafts: what I started writing in each conversation (text and staged files), kept until sent or erased."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from desktop.cache.database import transaction
from desktop.domain.drafts import Draft
from desktop.domain.records import ReplyTo, format_time, utc_now


class DraftStore:
    """One row per conversation with a draft; an empty draft is no row."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    def get(self, conversation_id: int) -> Draft:
        row = self.db.execute(
            "SELECT text, files, reply_to FROM drafts WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()
        return _draft(*row) if row is not None else Draft()

    def put(self, conversation_id: int, draft: Draft) -> None:
        """Saves ``draft``, or forgets the conversation's draft when it is empty."""
        with transaction(self.db):
            if draft.empty:
                self.db.execute("DELETE FROM drafts WHERE conversation_id = ?", (conversation_id,))
                return
            files = json.dumps([str(p) for p in draft.files]) if draft.files else None
            reply_to = json.dumps(draft.reply_to.to_json()) if draft.reply_to else None
            self.db.execute(
                "INSERT OR REPLACE INTO drafts (conversation_id, text, files, updated_at, reply_to)"
                " VALUES (?, ?, ?, ?, ?)",
                (conversation_id, draft.text, files, format_time(utc_now()), reply_to),
            )

    def all(self) -> dict[int, Draft]:
        rows = self.db.execute("SELECT conversation_id, text, files, reply_to FROM drafts")
        return {conversation_id: _draft(text, files, reply) for conversation_id, text, files, reply in rows}


def _draft(text: str, files: str | None, reply_to: str | None = None) -> Draft:
    return Draft(
        text,
        [Path(p) for p in json.loads(files)] if files else [],
        ReplyTo.from_json(json.loads(reply_to)) if reply_to else None,
    )
