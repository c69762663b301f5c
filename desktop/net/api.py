"""The REST calls of docs/protocol.md on the HTTP layer (desktop/net/http.py); they only ever run on a
worker thread."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any
from urllib.parse import quote

from desktop.net.http import ApiError, Cancelled, HttpClient, Progress, never

CONVERSATION_PAGE = 100


class ApiClient(HttpClient):
    """The REST calls of docs/protocol.md; each returns the decoded JSON body."""

    def clone(self) -> ApiClient:
        """Same server and token, its own connection pool: for a long download on a thread of its own."""
        return ApiClient(self.server_url, self.token)

    # accounts and sessions
    def register(self, username: str, password: str, display_name: str | None = None) -> dict:
        body = {"username": username, "password": password}
        if display_name:
            body["display_name"] = display_name
        return self.request("POST", "/accounts", json=body)["user"]

    def login(self, username: str, password: str) -> dict:
        device = f"ChatIDK desktop on {platform.node() or platform.system()}"[:64]
        body = {"username": username, "password": password, "device_name": device}
        answer = self.request("POST", "/sessions", json=body, checks_password=True)
        if "token" in answer:  # with two-factor sign-in on: a challenge for the code step instead
            self.token = answer["token"]
        return answer

    def login_second_factor(self, challenge: str, *, code: str = "", recovery_code: str = "") -> dict:
        """The code step: a 401 is WrongPassword (code ``unauthorized``: wrong or used code) or code
        ``challenge_expired`` (sign in with the password again)."""
        body = {
            "challenge": challenge,
            **({"recovery_code": recovery_code} if recovery_code else {"code": code}),
        }
        answer = self.request("POST", "/sessions/two-factor", json=body, checks_password=True)
        self.token = answer["token"]
        return answer

    def logout(self) -> None:
        try:
            self.request("DELETE", "/sessions/current")
        finally:
            self.token = None

    def me(self) -> dict:
        return self.request("GET", "/me")["user"]

    def limits(self) -> dict:
        """GET /limits: what the server refuses, to check before sending (domain/send_limits.py)."""
        return self.request("GET", "/limits")

    def update_me(self, **fields: Any) -> dict:
        return self.request("PATCH", "/me", json=fields)["user"]

    def delete_me(self, password: str) -> None:
        self.request("DELETE", "/me", json={"password": password}, checks_password=True)
        self.token = None

    def search_users(self, query: str, limit: int = 20) -> list[dict]:
        return self.request("GET", "/users", params={"q": query, "limit": limit})["users"]

    # conversations
    def conversations(self, page_size: int = CONVERSATION_PAGE) -> list[dict]:
        """All my conversations, page by page (docs/protocol.md: the list is paged by activity). A
        conversation that moves to the front while paging may come twice; it is kept once."""
        found: dict[int, dict] = {}
        params: dict[str, Any] = {"limit": page_size}
        while True:
            page = self.request("GET", "/conversations", params=params)
            for conversation in page["conversations"]:
                found.setdefault(conversation["id"], conversation)
            if not page.get("next"):  # also a server from before paging, which sent the whole list
                return list(found.values())
            params = {"limit": page_size, "cursor": page["next"]}

    def conversation(self, conversation_id: int) -> dict:
        return self.request("GET", f"/conversations/{conversation_id}")["conversation"]

    def start_direct(self, user_id: int) -> dict:
        return self.request("POST", "/conversations", json={"kind": "direct", "user_id": user_id})[
            "conversation"
        ]

    def create_group(self, title: str, member_ids: list[int]) -> dict:
        body = {"kind": "group", "title": title, "member_ids": member_ids}
        return self.request("POST", "/conversations", json=body)["conversation"]

    def rename_group(self, conversation_id: int, title: str) -> dict:
        return self.request("PATCH", f"/conversations/{conversation_id}", json={"title": title})[
            "conversation"
        ]

    def add_members(self, conversation_id: int, user_ids: list[int]) -> dict:
        path = f"/conversations/{conversation_id}/members"
        return self.request("POST", path, json={"user_ids": user_ids})["conversation"]

    def remove_member(self, conversation_id: int, user_id: int) -> None:
        self.request("DELETE", f"/conversations/{conversation_id}/members/{user_id}")

    def mark_read(self, conversation_id: int, seq: int) -> dict:
        return self.request("POST", f"/conversations/{conversation_id}/read", json={"seq": seq})

    def update_my_state(self, conversation_id: int, changes: dict[str, bool]) -> dict:
        """Pin, mute, mark unread or hide (delete for me): ``me`` as the server now holds it."""
        return self.request("PATCH", f"/conversations/{conversation_id}/me", json=changes)["me"]

    # messages
    def messages(
        self,
        conversation_id: int,
        *,
        after_seq: int | None = None,
        before_seq: int | None = None,
        around: int | None = None,
        limit: int = 50,
    ) -> dict:
        """``around``: about half the page before that seq and the rest from it on (a jump)."""
        params: dict[str, int] = {"limit": limit}
        if around is not None:
            params["around"] = around
        if after_seq is not None:
            params["after_seq"] = after_seq
        if before_seq is not None:
            params["before_seq"] = before_seq
        return self.request("GET", f"/conversations/{conversation_id}/messages", params=params)

    def search_messages(self, query: str, *, conversation_id: int | None = None, limit: int = 50) -> dict:
        """``GET /search``: messages I can read holding every word of ``query``, newest first."""
        params: dict[str, str | int] = {"q": query, "limit": limit}
        if conversation_id is not None:
            params["conversation_id"] = conversation_id
        return self.request("GET", "/search", params=params)

    def changes(
        self, conversation_id: int, after: int, limit: int = 200, after_seq: int | None = None
    ) -> dict:
        """Messages changed after change version ``after`` (docs/protocol.md, "the change stream");
        ``after_seq``: a previous page's ``next_seq``, when it ended inside version ``after``."""
        params = {"after": after, "limit": limit}
        if after_seq is not None:
            params["after_seq"] = after_seq
        return self.request("GET", f"/conversations/{conversation_id}/changes", params=params)

    def send_message(
        self,
        conversation_id: int,
        client_id: str,
        text: str,
        file_ids: list[str] | None = None,
        reply_to_seq: int | None = None,
    ) -> dict:
        """With ``file_ids`` (uploads of mine not sent yet) the text may be empty: a files-only message;
        ``reply_to_seq``: the message of this conversation it replies to."""
        path = f"/conversations/{conversation_id}/messages"
        body: dict[str, Any] = {"client_id": client_id, "text": text}
        if reply_to_seq is not None:
            body["reply_to_seq"] = reply_to_seq
        if file_ids:
            body["file_ids"] = list(file_ids)
            if not text:
                del body["text"]
        return self.request("POST", path, json=body)["message"]

    def edit_message(self, conversation_id: int, seq: int, text: str) -> dict:
        path = f"/conversations/{conversation_id}/messages/{seq}"
        return self.request("PATCH", path, json={"text": text})["message"]

    def delete_message(self, conversation_id: int, seq: int) -> dict:
        return self.request("DELETE", f"/conversations/{conversation_id}/messages/{seq}")["message"]

    def forward_message(self, conversation_id: int, seq: int, targets: list[tuple[int, str]]) -> list[dict]:
        """One new message of mine in each ``(conversation_id, client_id)``; a retry with the same client_ids
        stores nothing twice."""
        body = {"to": [{"conversation_id": c, "client_id": k} for c, k in targets]}
        path = f"/conversations/{conversation_id}/messages/{seq}/forward"
        return self.request("POST", path, json=body)["messages"]

    def pins(self, conversation_id: int) -> list[dict]:
        """The pinned messages, the latest pin first (without those I deleted for me)."""
        return self.request("GET", f"/conversations/{conversation_id}/pins")["pins"]

    def set_pinned(self, conversation_id: int, seq: int, pinned: bool) -> dict:
        path = f"/conversations/{conversation_id}/messages/{seq}/pin"
        return self.request("PUT" if pinned else "DELETE", path)["message"]

    def user(self, user_id: int) -> dict:
        return self.request("GET", f"/users/{user_id}")["user"]

    def hide_message(self, conversation_id: int, seq: int) -> dict:
        """Delete for me: ``{"conversation_id", "seq", "version"}`` of the hide (my other devices hear it)."""
        return self.request("PUT", f"/conversations/{conversation_id}/messages/{seq}/hidden")["hidden"]

    def set_reaction(self, conversation_id: int, seq: int, emoji: str, on: bool) -> dict:
        """PUT (``on``) or DELETE my reaction: ``{"message", "my_reactions"}`` as the server holds them."""
        path = f"/conversations/{conversation_id}/messages/{seq}/reactions/{quote(emoji, safe='')}"
        return self.request("PUT" if on else "DELETE", path)

    # account security (docs/protocol.md, "Account safety")
    def request_password_reset(self, login: str) -> None:
        self.request("POST", "/password-reset", json={"login": login})

    def confirm_password_reset(self, login: str, code: str, new_password: str) -> None:
        body = {"login": login, "code": code, "new_password": new_password}
        self.request("POST", "/password-reset/confirm", json=body)

    def set_email(self, email: str) -> dict:
        return self.request("PUT", "/me/email", json={"email": email})["user"]

    def confirm_email(self, code: str) -> dict:
        return self.request("POST", "/me/email/confirm", json={"code": code})["user"]

    def remove_email(self) -> dict:
        return self.request("DELETE", "/me/email")["user"]

    def change_password(self, current_password: str, new_password: str) -> int:
        body = {"current_password": current_password, "new_password": new_password}
        return int(self.request("POST", "/me/password", json=body, checks_password=True)["revoked"])

    # two-factor sign-in
    def two_factor_status(self) -> dict:
        return self.request("GET", "/me/two-factor")

    def start_two_factor(self, password: str) -> dict:
        return self.request("POST", "/me/two-factor", json={"password": password}, checks_password=True)

    def enable_two_factor(self, code: str) -> list[str]:
        return self.request("POST", "/me/two-factor/enable", json={"code": code})["recovery_codes"]

    def new_recovery_codes(self, password: str) -> list[str]:
        path = "/me/two-factor/recovery-codes"
        return self.request("POST", path, json={"password": password}, checks_password=True)["recovery_codes"]

    def disable_two_factor(self, password: str, *, code: str = "", recovery_code: str = "") -> None:
        body = {
            "password": password,
            **({"recovery_code": recovery_code} if recovery_code else {"code": code}),
        }
        self.request("DELETE", "/me/two-factor", json=body, checks_password=True)

    def sessions(self) -> list[dict]:
        return self.request("GET", "/sessions")["sessions"]

    def revoke_session(self, session_id: int) -> None:
        self.request("DELETE", f"/sessions/{session_id}")

    def revoke_other_sessions(self) -> int:
        return int(self.request("POST", "/sessions/revoke-others")["revoked"])

    def blocks(self) -> list[dict]:
        return self.request("GET", "/blocks")["blocks"]

    def block(self, user_id: int, hide_in_groups: bool = False) -> dict:
        return self.request("PUT", f"/blocks/{user_id}", json={"hide_in_groups": hide_in_groups})

    def unblock(self, user_id: int) -> None:
        self.request("DELETE", f"/blocks/{user_id}")

    def presence(self) -> list[dict]:
        return self.request("GET", "/presence")["presence"]

    # files (docs/protocol.md, "Files"): big ones on a transfer thread of their own
    def upload_file(
        self, path: Path, name: str, progress: Progress | None = None, cancelled: Cancelled = never
    ) -> dict:
        """POST /files?name=…, streamed from disk. Returns the File, also when ``cancelled()`` came true
        after the last byte was sent (the server has it then; the caller takes it back)."""
        return self.send_file(
            "POST", "/files", path, params={"name": name}, progress=progress, cancelled=cancelled
        )["file"]

    def download_file(
        self, file_id: str, destination: Path, progress: Progress | None = None, cancelled: Cancelled = never
    ) -> int:
        return self.download(f"/files/{file_id}", destination, progress=progress, cancelled=cancelled)

    def delete_file(self, file_id: str) -> None:
        """Take back an upload not yet sent (a cancelled message); gone already is fine too."""
        try:
            self.request("DELETE", f"/files/{file_id}")
        except ApiError as error:
            if error.status != 404:
                raise

    def thumbnail(self, file_id: str) -> bytes | None:
        return self.fetch_bytes(f"/files/{file_id}/thumbnail")

    def avatar(self, user_id: int, size: str = "small") -> bytes | None:
        return self.fetch_bytes(f"/users/{user_id}/avatar", {"size": size})

    def set_avatar(self, path: Path) -> dict:
        """PUT /me/avatar with the picture's bytes; the server crops and re-encodes it. Returns Me."""
        return self.send_file("PUT", "/me/avatar", path)["user"]

    def remove_avatar(self) -> dict:
        return self.request("DELETE", "/me/avatar")["user"]

    def download_export(
        self, destination: Path, progress: Progress | None = None, cancelled: Cancelled = never
    ) -> int:
        """Streams GET /me/export into place (a cut-off download never leaves a half archive under the
        chosen name). Returns the size in bytes."""
        return self.download("/me/export", destination, progress=progress, cancelled=cancelled)
