"""The file calls of docs/protocol.md ("Files"): streamed uploads and downloads with progress, previews,
profile pictures. Blocking, like ApiClient: they run on a transfer thread, never on the UI thread."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from desktop.net.api import (
    API_PREFIX,
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    ApiClient,
    _error_from,
    stream_to_file,
    unreachable,
)

CHUNK = 256 * 1024
# After the last byte the server still hashes the file and makes its preview (ffmpeg for a video).
UPLOAD_ANSWER_TIMEOUT = 180.0

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class TransferCancelled(Exception):
    """The user stopped an upload or a download; nothing partial is left on this side."""


class _ProgressReader:
    """A file read in chunks as the request body: requests sees its length (so the server can refuse an
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

    def read(self, size: int = -1) -> bytes:
        if self._done < self.len and self._cancelled():
            raise TransferCancelled
        chunk = self._file.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        self._done += len(chunk)
        if self._progress is not None and chunk:
            self._progress(self._done, self.len)
        return chunk

    def close(self) -> None:
        self._file.close()


def _headers(api: ApiClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.token}"} if api.token else {}


def _url(api: ApiClient, path: str) -> str:
    return api.server_url + API_PREFIX + path


def _answer(response: requests.Response) -> Any:
    if response.status_code >= 400:
        raise _error_from(response)
    return response.json() if response.content else None


def upload(
    api: ApiClient,
    path: Path,
    name: str,
    progress: Progress | None = None,
    cancelled: Cancelled = lambda: False,
) -> dict:
    """POST /files?name=…, the body streamed from disk (never read whole). Returns the File object, also
    when ``cancelled()`` came true after the last byte was sent: the server has it then (see _ProgressReader).
    """
    body = _ProgressReader(Path(path), progress, cancelled)
    try:
        response = api.session.post(
            _url(api, "/files"),
            verify=api.verify,
            params={"name": name},
            data=body,
            headers={**_headers(api), "Content-Type": "application/octet-stream"},
            timeout=(CONNECT_TIMEOUT, UPLOAD_ANSWER_TIMEOUT),
        )
    except requests.RequestException as error:
        if cancelled():
            raise TransferCancelled from error
        raise unreachable(error) from error
    finally:
        body.close()
    return _answer(response)["file"]


def download(
    api: ApiClient,
    file_id: str,
    destination: Path,
    progress: Progress | None = None,
    cancelled: Cancelled = lambda: False,
) -> int:
    """GET /files/{id} into a ``.part`` file beside ``destination``, renamed into place once whole: a
    cut-off or cancelled download never leaves half a file under the chosen name. Returns the size."""
    destination = Path(destination)
    partial = destination.with_name(destination.name + ".part")
    try:
        with api.session.get(
            _url(api, f"/files/{file_id}"),
            verify=api.verify,
            headers=_headers(api),
            stream=True,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
        ) as response:
            done = stream_to_file(response, partial, CHUNK, progress, cancelled, TransferCancelled)
        partial.replace(destination)
        return done
    except requests.RequestException as error:
        raise unreachable(error) from error
    finally:
        partial.unlink(missing_ok=True)


def _small_get(api: ApiClient, path: str, params: dict | None = None) -> bytes | None:
    """A preview or a profile picture: bytes, or None when the server has none (404)."""
    try:
        response = api.session.get(
            _url(api, path),
            params=params,
            headers=_headers(api),
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            verify=api.verify,
        )
    except requests.RequestException as error:
        raise unreachable(error) from error
    if response.status_code == 404:
        return None
    if response.status_code >= 400:
        raise _error_from(response)
    return response.content


def thumbnail(api: ApiClient, file_id: str) -> bytes | None:
    return _small_get(api, f"/files/{file_id}/thumbnail")


def avatar(api: ApiClient, user_id: int, size: str = "small") -> bytes | None:
    return _small_get(api, f"/users/{user_id}/avatar", {"size": size})


def delete_file(api: ApiClient, file_id: str) -> None:
    """Take back an upload not yet sent (a cancelled message); gone already is fine too."""
    try:
        api.request("DELETE", f"/files/{file_id}")
    except Exception as error:
        if getattr(error, "status", None) != 404:
            raise


def set_avatar(api: ApiClient, path: Path) -> dict:
    """PUT /me/avatar with the picture's bytes; the server crops and re-encodes it. Returns Me."""
    body = _ProgressReader(Path(path), None, lambda: False)
    try:
        response = api.session.put(
            _url(api, "/me/avatar"),
            verify=api.verify,
            data=body,
            headers={**_headers(api), "Content-Type": "application/octet-stream"},
            timeout=(CONNECT_TIMEOUT, UPLOAD_ANSWER_TIMEOUT),
        )
    except requests.RequestException as error:
        raise unreachable(error) from error
    finally:
        body.close()
    return _answer(response)["user"]


def remove_avatar(api: ApiClient) -> dict:
    return api.request("DELETE", "/me/avatar")["user"]
