"""The one place the client speaks HTTP: where a call goes, the bearer header, TLS verification, timeouts,
streamed bodies both ways, and what each failure means (docs/protocol.md, "Errors").

Blocking: it runs on the REST and transfer worker threads, never on the UI thread."""

from __future__ import annotations

import os
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
CHUNK = 256 * 1024  # streamed bodies, both ways
# After an upload's last byte the server still hashes the file and makes its preview (ffmpeg for a video).
UPLOAD_ANSWER_TIMEOUT = 180.0

Progress = Callable[[int, int], None]  # (bytes done, total): total 0 when the server does not say
Cancelled = Callable[[], bool]


def never() -> bool:
    return False


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


class SessionRefused(ApiError):
    """401 on a signed-in call: the token is unknown, revoked or expired, so the session is over."""


class WrongPassword(ApiError):
    """401 on a call that checks a password (sign-in, password change, account deletion): the password is
    wrong, the session (if any) stands."""


class ServerUnreachable(Exception):
    """No answer: connection refused, DNS failure, timeout, dropped connection."""


class CertificateNotTrusted(ServerUnreachable):
    """The TLS handshake failed verification: unknown or self-signed CA, expired, or another host's name.
    A ServerUnreachable still (nothing was sent), but retrying will not help until the trust changes."""


class TransferCancelled(Exception):
    """The user stopped an upload or a download; nothing partial is left on this side."""


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


def error_from(response: requests.Response, unauthorized: type[ApiError] = SessionRefused) -> ApiError:
    """The error object of a 4xx/5xx answer; a body that is not one still gives the status. A 401 is
    ``unauthorized``: the session refused, unless the call checked a password."""
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
    kind = unauthorized if response.status_code == 401 else ApiError
    return kind(response.status_code, code, message, retry_after, field)


def decode(response: requests.Response) -> Any:
    """The JSON body of a success, None when there is none; anything unreadable is ``bad_response``."""
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError as error:
        raise ApiError(
            response.status_code, "bad_response", "the server sent something unreadable"
        ) from error


class _FileBody:
    """A file read in chunks as a request body: requests sees its length (so the server can refuse an
    oversized upload before reading it) and every read reports progress or stops the transfer.

    A cancel stops the body only while bytes of it remain: the server keeps nothing of a body cut short,
    but once the last byte is out it keeps the file whatever this side does, so the request then goes on to
    its answer, whose id the caller takes back (DELETE /files/{id})."""

    def __init__(self, path: Path, progress: Progress | None, cancelled: Cancelled) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close(), after the request
        self.len = os.fstat(self._file.fileno()).st_size
        self._done = 0
        self._progress = progress
        self._cancelled = cancelled

    def __len__(self) -> int:
        return self.len

    def read(self, size: int | None = -1) -> bytes:
        if self._done < self.len and self._cancelled():
            raise TransferCancelled
        chunk = self._file.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        self._done += len(chunk)
        if self._progress is not None and chunk:
            self._progress(self._done, self.len)
        return chunk

    def close(self) -> None:
        self._file.close()


def bearer(token: str | None) -> dict[str, str]:
    """The Authorization header of a signed-in call (REST and the WebSocket alike); none without a token."""
    return {"Authorization": f"Bearer {token}"} if token else {}


class HttpClient:
    """One server, one optional bearer token, one connection pool."""

    def __init__(self, server_url: str, token: str | None = None) -> None:
        self.server_url = normalize_server_url(server_url)
        self.token = token
        self.session = requests.Session()
        self.verify = ca_bundle()  # passed on every request: REQUESTS_CA_BUNDLE must not replace it

    def close(self) -> None:
        self.session.close()

    def _send(
        self,
        method: str,
        path: str,
        *,
        read_timeout: float = READ_TIMEOUT,
        unauthorized: type[ApiError] = SessionRefused,
        **kwargs: Any,
    ) -> requests.Response:
        """Every call goes out here: the answer, or ServerUnreachable / ApiError (an error status)."""
        headers = {**bearer(self.token), **kwargs.pop("headers", {})}
        try:
            response = self.session.request(
                method,
                self.server_url + API_PREFIX + path,
                headers=headers,
                timeout=(CONNECT_TIMEOUT, read_timeout),
                verify=self.verify,
                **kwargs,
            )
        except requests.RequestException as error:
            raise unreachable(error) from error
        if response.status_code >= 400:
            refusal = error_from(response, unauthorized)
            response.close()
            raise refusal
        return response

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict | None = None,
        checks_password: bool = False,
    ) -> Any:
        """A JSON call: the decoded answer, or None for an empty one. ``checks_password``: a 401 means the
        password in the body is wrong (WrongPassword), not that the session ended."""
        unauthorized = WrongPassword if checks_password else SessionRefused
        return decode(self._send(method, path, json=json, params=params, unauthorized=unauthorized))

    def fetch_bytes(self, path: str, params: dict | None = None) -> bytes | None:
        """A small binary answer (a preview, a profile picture), or None when the server has none (404)."""
        try:
            return self._send("GET", path, params=params).content
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    def send_file(
        self,
        method: str,
        path: str,
        file: Path,
        *,
        params: dict | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled = never,
    ) -> Any:
        """The file as the request body, streamed from disk (never read whole); the decoded answer, also
        when ``cancelled()`` came true after the last byte was sent: the server has the file then."""
        body = _FileBody(Path(file), progress, cancelled)
        try:
            response = self._send(
                method,
                path,
                params=params,
                data=body,
                headers={"Content-Type": "application/octet-stream"},
                read_timeout=UPLOAD_ANSWER_TIMEOUT,
            )
        except ServerUnreachable as error:
            if cancelled():
                raise TransferCancelled from error
            raise
        finally:
            body.close()
        return decode(response)

    def download(
        self, path: str, destination: Path, *, progress: Progress | None = None, cancelled: Cancelled = never
    ) -> int:
        """The answer's body into a ``.part`` file beside ``destination``, renamed into place once whole: a
        cut-off or cancelled download never leaves half a file under the chosen name. Returns the size."""
        destination = Path(destination)
        partial = destination.with_name(destination.name + ".part")
        try:
            with self._send("GET", path, stream=True) as response:
                total = int(response.headers.get("Content-Length") or 0)
                done = 0
                with open(partial, "wb") as out:
                    for chunk in response.iter_content(CHUNK):
                        if cancelled():
                            raise TransferCancelled
                        out.write(chunk)
                        done += len(chunk)
                        if progress is not None:
                            progress(done, total)
            if total and done != total:
                raise ServerUnreachable(f"the download stopped after {done} of {total} bytes")
            partial.replace(destination)
            return done
        except requests.RequestException as error:  # the connection broke while the body streamed
            raise unreachable(error) from error
        finally:
            partial.unlink(missing_ok=True)
