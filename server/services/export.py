""" "My data": everything the server holds about me, as one zip archive streamed to the client.

profile.json (account, settings, devices, blocks), conversations.json (the ids and titles of the
conversations I am in, with my own membership: nothing about the other members or their messages),
messages.jsonl (every message I sent, one JSON object per line) and files/ with every file I uploaded and my
profile picture. The zip is written to a pipe whose bytes go to the client as they are made: nothing is
staged on disk and at most a block of it sits in memory. One export runs at a time per account.
"""

from __future__ import annotations

import json
import time
import zipfile
from collections.abc import Callable, Generator, Iterator
from datetime import UTC, datetime
from typing import IO

from server import render
from server.context import AppContext
from server.db import conversations as conversations_db
from server.db import files as files_db
from server.db import messages as messages_db
from server.db import throttle as throttle_db
from server.db import users as users_db
from server.offload import run_blocking
from server.services import blocks, sessions, throttle

_PAGE = 2000
_FILE_PAGE = 500
COPY_BYTES = 1024 * 1024  # a file goes into the archive, and out to the client, a block this size at a time
_RENEW_SECONDS = 15  # how often a running export renews its place (throttle.EXPORT_LEASE_SECONDS)


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


class _Pipe:
    """The write end the archive sees (not seekable, so zipfile writes data descriptors); the response
    takes what it holds after each step."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


class Export:
    """An export under way: iterate it for the archive's bytes. Closing it (the server does, when the
    response ends or the client goes) frees the account's place at once."""

    def __init__(self, app: AppContext, user_id: int, profile: dict, lease: int | None, name: str) -> None:
        self.name = name
        self._app = app
        self._lease = lease
        self._renewed = time.monotonic()
        self._chunks = _archive(app, user_id, profile, self._renew)

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks

    def _renew(self) -> None:
        """Still going: hold the place another EXPORT_LEASE_SECONDS (called between steps)."""
        if self._lease is not None and time.monotonic() - self._renewed >= _RENEW_SECONDS:
            self._renewed = time.monotonic()
            with self._app.db.transaction() as cur:
                throttle_db.renew(cur, self._lease, throttle.EXPORT_LEASE_SECONDS)

    def close(self) -> None:
        self._chunks.close()
        lease, self._lease = self._lease, None
        throttle.refund(self._app.db, [lease])


def start(app: AppContext, user_id: int, session_id: int) -> Export:
    """Take the account's export place (429 while another export of it runs) and read the profile; the
    rest is read as the archive is sent."""
    lease = throttle.take_now(app.db, throttle.exports(app.config), throttle.user_key(user_id))
    try:
        with app.db.autocommit() as cur:
            me = render.me(users_db.get_known_user(cur, user_id))
        profile = {
            "account": me,
            "devices": sessions.list_mine(app, user_id, session_id),
            "blocked": blocks.list_mine(app, user_id),
            "exported_at": render.timestamp(datetime.now(UTC)),
        }
    except BaseException:
        throttle.refund(app.db, [lease])
        raise
    name = f"chatidk-export-{me['username']}-{datetime.now(UTC):%Y-%m-%d}.zip"
    return Export(app, user_id, profile, lease, name)


def _archive(
    app: AppContext, user_id: int, profile: dict, renew: Callable[[], None]
) -> Generator[bytes, None, None]:
    """The archive's bytes, step by step. The database is read here, on the event loop (cooperative);
    everything that encodes, compresses or copies runs in the thread pool, one step at a time, so other
    sockets never wait for it."""
    pipe = _Pipe()
    archive = zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED)
    run_blocking(archive.writestr, "profile.json", _json(profile))
    yield pipe.drain()
    yield from _member(archive, pipe, "conversations.json", _conversation_pages(app, user_id))
    renew()
    yield from _member(archive, pipe, "messages.jsonl", _message_pages(app, user_id))
    for key, name, size in _files_of(app, user_id):
        renew()
        yield from _file(app, archive, pipe, key, name, size)
    run_blocking(archive.close)  # the central directory
    yield pipe.drain()


def _member(archive: zipfile.ZipFile, pipe: _Pipe, name: str, pages: Iterator[bytes]) -> Iterator[bytes]:
    """One archive member written a page at a time (force_zip64: its size is not known in advance)."""
    with archive.open(name, "w", force_zip64=True) as out:
        for page in pages:
            run_blocking(out.write, page)
            yield pipe.drain()
    yield pipe.drain()


def _conversation_pages(app: AppContext, user_id: int) -> Iterator[bytes]:
    """conversations.json, a JSON array written a page of rows at a time."""
    after, first = 0, True
    yield b"["
    while True:
        with app.db.autocommit() as cur:
            rows = conversations_db.exported_for(cur, user_id, after, _PAGE)
        if rows:
            items = [_json(render.exported_conversation(row)) for row in rows]
            yield (b"" if first else b",") + b"\n" + b",\n".join(items)
            first = False
        if len(rows) < _PAGE:
            break
        after = rows[-1]["id"]
    yield b"\n]\n"


def _message_pages(app: AppContext, user_id: int) -> Iterator[bytes]:
    after = 0
    while True:
        with app.db.autocommit() as cur:
            page = messages_db.by_sender_after(cur, user_id, after, _PAGE)
        yield "".join(json.dumps(render.message(row), ensure_ascii=False) + "\n" for row in page).encode()
        if len(page) < _PAGE:
            break
        after = page[-1]["id"]


def _files_of(app: AppContext, user_id: int) -> Iterator[tuple[str, str, int]]:
    """(store key, archive name, size) of every file the user uploaded that is still kept, as
    files/<id>-<name>, and of the profile picture as files/avatar.jpg; a page of rows at a time."""
    after = ""
    while True:
        with app.db.autocommit() as cur:
            rows = files_db.uploaded_by(cur, user_id, after, _FILE_PAGE)
        for row in rows:
            yield row["id"], f"files/{row['id']}-{row['name']}", row["size"]
        if len(rows) < _FILE_PAGE:
            break
        after = rows[-1]["id"]
    with app.db.autocommit() as cur:
        version = files_db.avatar_version(cur, user_id)
    if version is not None:
        yield files_db.avatar_key(user_id, version, "large"), "files/avatar.jpg", 0


def _file(
    app: AppContext, archive: zipfile.ZipFile, pipe: _Pipe, key: str, name: str, size: int
) -> Iterator[bytes]:
    """One stored file, uncompressed (media does not compress), a block at a time."""
    try:
        source = run_blocking(app.store.open, key)
    except FileNotFoundError:  # removed since the row was read: it is gone for the user too
        return
    try:
        info = zipfile.ZipInfo(name, date_time=time.gmtime()[:6])
        info.compress_type = zipfile.ZIP_STORED
        out = archive.open(info, "w", force_zip64=size >= 2**31)
        while run_blocking(_copy_block, source, out):
            yield pipe.drain()
        run_blocking(out.close)
        yield pipe.drain()
    finally:
        source.close()


def _copy_block(source: IO[bytes], out: IO[bytes]) -> bool:
    """Copy (and CRC-32) one block; False at the end of the file."""
    block = source.read(COPY_BYTES)
    if block:
        out.write(block)
    return bool(block)
