"""Stand-ins for the transport (STYLE.md, "inject the transport"): an in-memory server, same calls.

test_fakes.py checks that every call here is the real one's: same name, same parameters."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.net.api import CONVERSATION_PAGE
from desktop.net.http import ApiError, ServerUnreachable, SessionRefused
from tests.desktop.factories import BASE_TIME


def wire_message(conversation_id: int, seq: int, sender_id: int, client_id: str, text: str | None) -> dict:
    return {
        "id": conversation_id * 10_000 + seq,
        "conversation_id": conversation_id,
        "seq": seq,
        "sender_id": sender_id,
        "client_id": client_id,
        "text": text,
        "created_at": BASE_TIME.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "edited_at": None,
        "deleted": text is None,
    }


class FakeServerApi:
    """What ApiClient offers, in memory. ``offline`` makes every call fail like a dead network, ``revoked``
    like a token the server no longer takes."""

    def __init__(self, me: dict) -> None:
        self.me_user = me
        self.offline = False
        self.revoked = False
        self.fail_next_send: ApiError | None = None
        self.conversation_rows: dict[int, dict] = {}
        self.stored: dict[int, list[dict]] = {}
        self.calls: list[tuple] = []
        self.token = "t"
        self.presence_rows: list[dict] = []
        self.block_rows: dict[int, dict] = {}
        self.unlisted: set[int] = set()  # left out of conversations(), as a page can miss one that moved

    def _enter(self, *call) -> None:
        self.calls.append(call)
        if self.offline:
            raise ServerUnreachable("connection refused")
        if self.revoked:
            raise SessionRefused(401, "unauthorized", "unknown, revoked or expired token")

    def add_conversation(self, conversation: dict) -> None:
        self.conversation_rows[conversation["id"]] = conversation
        self.stored.setdefault(conversation["id"], [])

    def post(self, conversation_id: int, sender_id: int, text: str, client_id: str | None = None) -> dict:
        messages = self.stored[conversation_id]
        message = wire_message(
            conversation_id, len(messages) + 1, sender_id, client_id or f"c{len(messages)}", text
        )
        messages.append(message)
        row = self.conversation_rows[conversation_id]
        row["last_seq"] = message["seq"]
        row["last_message"] = message
        return message

    # the ApiClient surface the controllers use
    def me(self) -> dict:
        self._enter("me")
        return self.me_user

    def conversations(self, page_size: int = CONVERSATION_PAGE) -> list[dict]:
        """Every conversation in one page, as the real client hands them over after paging."""
        self._enter("conversations")
        return [dict(c) for c in self.conversation_rows.values() if c["id"] not in self.unlisted]

    def conversation(self, conversation_id: int) -> dict:
        self._enter("conversation", conversation_id)
        return dict(self.conversation_rows[conversation_id])

    def messages(
        self, conversation_id: int, *, after_seq=None, before_seq=None, around=None, limit=50
    ) -> dict:
        self._enter("messages", conversation_id, after_seq, before_seq)
        rows = self.stored[conversation_id]
        if after_seq is not None:
            chosen = [m for m in rows if m["seq"] > after_seq]
            return {"messages": chosen[:limit], "has_more": len(chosen) > limit}
        if before_seq is not None:
            chosen = [m for m in rows if m["seq"] < before_seq]
            return {"messages": chosen[-limit:], "has_more": len(chosen) > limit}
        return {"messages": rows[-limit:], "has_more": len(rows) > limit}

    def send_message(
        self,
        conversation_id: int,
        client_id: str,
        text: str,
        file_ids: list[str] | None = None,
        reply_to_seq: int | None = None,
    ) -> dict:
        self._enter("send", conversation_id, client_id)
        if self.fail_next_send is not None:
            error, self.fail_next_send = self.fail_next_send, None
            raise error
        for message in self.stored[conversation_id]:
            if message["client_id"] == client_id and message["sender_id"] == self.me_user["id"]:
                return message
        return self.post(conversation_id, self.me_user["id"], text, client_id)

    def mark_read(self, conversation_id: int, seq: int) -> dict:
        self._enter("read", conversation_id, seq)
        return {"last_read_seq": seq, "unread_count": 0}

    def update_my_state(self, conversation_id: int, changes: dict[str, bool]) -> dict:
        self._enter("update_my_state", conversation_id, dict(changes))
        row = self.conversation_rows[conversation_id]
        me = dict(row.get("me") or {"pinned_at": None, "muted": False, "marked_unread": False})
        me.setdefault("hidden_through_seq", None)
        if "pinned" in changes:
            me["pinned_at"] = (
                (me["pinned_at"] or "2026-01-01T00:00:00.000000Z") if changes["pinned"] else None
            )
        for field in ("muted", "marked_unread"):
            if field in changes:
                me[field] = changes[field]
        if "hidden" in changes:
            me["hidden_through_seq"] = row.get("last_seq", 0) if changes["hidden"] else None
        row["me"] = me
        return dict(me)

    def presence(self) -> list[dict]:
        self._enter("presence")
        return [dict(p) for p in self.presence_rows]

    def blocks(self) -> list[dict]:
        self._enter("blocks")
        return list(self.block_rows.values())

    def block(self, user_id: int, hide_in_groups: bool = False) -> dict:
        self._enter("block", user_id, hide_in_groups)
        entry = {"user": {"id": user_id}, "hide_in_groups": hide_in_groups, "blocked_at": None}
        self.block_rows[user_id] = entry
        return entry

    def unblock(self, user_id: int) -> None:
        self._enter("unblock", user_id)
        if self.block_rows.pop(user_id, None) is None:
            raise ApiError(404, "not_found", "not blocked")


class FakeRest(QObject):
    """RestDispatcher's interface; answers on the next event-loop turn, as the real worker thread does."""

    def __init__(self, api: FakeServerApi) -> None:
        super().__init__()
        self.api = api
        self.pending = 0

    def call(self, operation, on_done=None, on_error=None) -> None:
        self.pending += 1
        QTimer.singleShot(0, self, lambda: self._run(operation, on_done, on_error))

    def _run(self, operation, on_done, on_error) -> None:
        self.pending -= 1
        try:
            result = operation(self.api)
        except Exception as error:
            if on_error is not None:
                on_error(error)
            return
        if on_done is not None:
            on_done(result)

    @property
    def idle(self) -> bool:
        return self.pending == 0

    def close(self, *, finish_queued: bool = False) -> None:
        pass

    def shutdown(self, deadline: float | None = None, *, finish_queued: bool = False) -> bool:
        return True


class FakeTransfers(QObject):
    """TransferService's small-call interface over a FakeRest: every queue is the one fake thread."""

    progress = Signal(str, int, int)
    refused = Signal()

    def __init__(self, rest: FakeRest) -> None:
        super().__init__()
        self.rest = rest

    def call(self, operation, on_done=None, on_error=None, *, queue="small") -> None:
        self.rest.call(operation, on_done, on_error)


class FakeListener(QObject):
    """EventListener's signals, driven by the test."""

    connected = Signal(dict)
    event_received = Signal(dict)
    disconnected = Signal(str)
    reconnecting = Signal(float)
    unauthorized = Signal()

    def __init__(self, *args) -> None:
        super().__init__()
        self.started = self.stopped = False
        self.frames: list[dict] = []

    def send_frame(self, frame: dict) -> None:
        self.frames.append(frame)

    def start(self) -> None:
        self.started = True

    def request_stop(self) -> None:
        self.stopped = True

    def stop(self, deadline: float | None = None) -> bool:
        self.stopped = True
        return True
