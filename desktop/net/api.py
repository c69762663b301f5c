"""A blocking REST client for docs/protocol.md; it only ever runs on the REST worker thread."""

from __future__ import annotations

import platform
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from desktop.domain.server_address import normalize_server_url
from desktop.net.tls import ca_bundle

API_PREFIX = "/api/v1"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
EXPORT_CHUNK = 256 * 1024
CONVERSATION_PAGE = 100


class ApiError(Exception):
    """The server answered with an error object (or a status the client cannot use)."""

    def __init__(
        self, status: int, code: str, message: str, retry_after: int | None = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after
        self.field = field  # the one input field at fault, when the server names it

    @property
    def transient(self) -> bool:
        """5xx and 429 are worth retrying with the same request; other 4xx are final."""
        return self.status >= 500 or self.status == 429


class ServerUnreachable(Exception):
    """No answer: connection refused, DNS failure, timeout, dropped connection."""


class CertificateNotTrusted(ServerUnreachable):
    """The TLS handshake failed verification: unknown or self-signed CA, expired, or another host's name.
    A ServerUnreachable still (nothing was sent), but retrying will not help until the trust changes."""


def unreachable(error: requests.RequestException) -> ServerUnreachable:
    """The exception for a failed request; a certificate verification failure gets its own type."""
    if isinstance(error, requests.exceptions.SSLError):
        seen: set[int] = set()
        cause: BaseException | None = error
        while cause is not None and id(cause) not in seen:  # requests → urllib3 → ssl, via args and causes
            seen.add(id(cause))
            if isinstance(cause, ssl.SSLCertVerificationError):
                return CertificateNotTrusted(cause.verify_message or str(cause))
            nested = next((a for a in cause.args if isinstance(a, BaseException)), None)
            cause = nested or cause.__cause__ or cause.__context__
        if "CERTIFICATE_VERIFY_FAILED" in str(error):
            return CertificateNotTrusted(str(error))
    return ServerUnreachable(str(error))


class DownloadCancelled(Exception):
    """The user stopped a download; the partial file is gone."""


def _error_from(response: requests.Response) -> ApiError:
    try:
        body = response.json()["error"]
        code, message = body.get("code", "error"), body.get("message", response.reason)
        retry_after, field = body.get("retry_after"), body.get("field")
    except (ValueError, KeyError, TypeError, AttributeError):
        code, message, retry_after = "http_error", f"{response.status_code} {response.reason}", None
        field = None
    if retry_after is None and response.headers.get("Retry-After", "").isdigit():
        retry_after = int(response.headers["Retry-After"])
    field = field if isinstance(field, str) else None
    return ApiError(response.status_code, code, message, retry_after, field)


def stream_to_file(
    response: requests.Response,
    path: Path,
    chunk_size: int,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool],
    cancel_error: type[Exception],
) -> int:
    """Write a streamed response body to ``path`` chunk by chunk; returns the bytes written.

    ``progress(done, total)`` gets total 0 when the server does not say the length; ``cancelled()`` is asked
    before each chunk and raises ``cancel_error``; a body shorter than its Content-Length is a cut connection.
    """
    if response.status_code >= 400:
        raise _error_from(response)
    total = int(response.headers.get("Content-Length") or 0)
    done = 0
    with open(path, "wb") as out:
        for chunk in response.iter_content(chunk_size):
            if cancelled():
                raise cancel_error
            out.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    if total and done != total:
        raise ServerUnreachable(f"the download stopped after {done} of {total} bytes")
    return done


class ApiClient:
    """One server, one optional bearer token; every method returns the decoded JSON body."""

    def __init__(self, server_url: str, token: str | None = None) -> None:
        self.server_url = normalize_server_url(server_url)
        self.token = token
        self.session = requests.Session()
        self.verify = ca_bundle()  # passed on every request: REQUESTS_CA_BUNDLE must not replace it

    def close(self) -> None:
        self.session.close()

    def clone(self) -> ApiClient:
        """Same server and token, its own connection pool: for a long download on a thread of its own."""
        return ApiClient(self.server_url, self.token)

    def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = self.session.request(
                method,
                self.server_url + API_PREFIX + path,
                json=json,
                params=params,
                headers=headers,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                verify=self.verify,
            )
        except requests.RequestException as error:
            raise unreachable(error) from error
        if response.status_code >= 400:
            raise _error_from(response)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise ApiError(
                response.status_code, "bad_response", "the server sent something unreadable"
            ) from error

    # accounts and sessions
    def register(self, username: str, password: str, display_name: str | None = None) -> dict:
        body = {"username": username, "password": password}
        if display_name:
            body["display_name"] = display_name
        return self.request("POST", "/accounts", json=body)["user"]

    def login(self, username: str, password: str) -> dict:
        device = f"ChatIDK desktop on {platform.node() or platform.system()}"[:64]
        answer = self.request(
            "POST", "/sessions", json={"username": username, "password": password, "device_name": device}
        )
        self.token = answer["token"]
        return answer

    def logout(self) -> None:
        try:
            self.request("DELETE", "/sessions/current")
        finally:
            self.token = None

    def me(self) -> dict:
        return self.request("GET", "/me")["user"]

    def update_me(self, **fields: Any) -> dict:
        return self.request("PATCH", "/me", json=fields)["user"]

    def delete_me(self, password: str) -> None:
        self.request("DELETE", "/me", json={"password": password})
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

    # messages
    def messages(
        self,
        conversation_id: int,
        *,
        after_seq: int | None = None,
        before_seq: int | None = None,
        limit: int = 50,
    ) -> dict:
        params: dict[str, int] = {"limit": limit}
        if after_seq is not None:
            params["after_seq"] = after_seq
        if before_seq is not None:
            params["before_seq"] = before_seq
        return self.request("GET", f"/conversations/{conversation_id}/messages", params=params)

    def send_message(
        self, conversation_id: int, client_id: str, text: str, file_ids: list[str] | None = None
    ) -> dict:
        """With ``file_ids`` (uploads of mine not sent yet) the text may be empty: a files-only message."""
        path = f"/conversations/{conversation_id}/messages"
        body: dict[str, Any] = {"client_id": client_id, "text": text}
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
        return int(self.request("POST", "/me/password", json=body)["revoked"])

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

    def download_export(
        self,
        destination: Path,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> int:
        """Streams GET /me/export to a temporary file beside ``destination``, renamed into place once whole,
        so a cut-off download never leaves a half archive under the chosen name. Returns the size in bytes.
        ``progress(done, total)`` gets total 0 when the server does not say the length."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        partial = destination.with_name(destination.name + ".part")
        try:
            with self.session.get(
                self.server_url + API_PREFIX + "/me/export",
                headers=headers,
                stream=True,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                verify=self.verify,
            ) as response:
                done = stream_to_file(response, partial, EXPORT_CHUNK, progress, cancelled, DownloadCancelled)
            partial.replace(destination)
            return done
        except requests.RequestException as error:
            raise unreachable(error) from error
        finally:
            partial.unlink(missing_ok=True)
