""" "My data": everything the server holds about me, as one zip archive.

profile.json (account, settings, devices, blocks), conversations.json (the conversations I am in, with their
members), messages.jsonl (every message I sent, one JSON object per line) and files/ with every file I
uploaded and my profile picture. Built in a temporary file in pages, so a long history never sits in memory.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from typing import IO

from server import render
from server.context import AppContext
from server.db import files as files_db
from server.db import messages as messages_db
from server.db import users as users_db
from server.files.store import FileStore
from server.offload import run_blocking
from server.services import blocks, conversations, sessions
from server.services.upload_body import CHUNK_BYTES

_PAGE = 2000


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def build(app: AppContext, user_id: int, session_id: int) -> tuple[IO[bytes], str]:
    """The archive (a rewound temporary file) and a download name for it.

    The database is read on the event loop (cooperative); everything that writes, compresses or copies
    into the archive runs in the thread pool, one step at a time, so other sockets never wait for it.
    """
    with app.db.autocommit() as cur:
        me = render.me(users_db.get_known_user(cur, user_id))
    profile = {
        "account": me,
        "devices": sessions.list_mine(app, user_id, session_id),
        "blocked": blocks.list_mine(app, user_id),
        "exported_at": render.timestamp(datetime.now(UTC)),
    }
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to send_file, which closes it
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        run_blocking(_write_json, archive, "profile.json", profile)
        run_blocking(_write_json, archive, "conversations.json", conversations.list_mine(app, user_id))
        with archive.open("messages.jsonl", "w") as lines:
            after = 0
            while True:
                with app.db.autocommit() as cur:
                    page = messages_db.by_sender_after(cur, user_id, after, _PAGE)
                run_blocking(_write_lines, lines, page)
                if len(page) < _PAGE:
                    break
                after = page[-1]["id"]
        _add_files(app, user_id, archive)
        run_blocking(archive.close)  # writes the central directory
    out.seek(0)
    name = f"chatidk-export-{me['username']}-{datetime.now(UTC):%Y-%m-%d}.zip"
    return out, name


def _write_json(archive: zipfile.ZipFile, name: str, data: object) -> None:
    archive.writestr(name, _json(data))


def _write_lines(lines: IO[bytes], rows: list[dict]) -> None:
    for row in rows:
        lines.write((json.dumps(render.message(row), ensure_ascii=False) + "\n").encode())


def _add_files(app: AppContext, user_id: int, archive: zipfile.ZipFile) -> None:
    """Every file the user uploaded that is still kept, as files/<id>-<name>, and the profile picture as
    files/avatar.jpg. Copied in chunks and stored uncompressed (media does not compress), a page of rows at
    a time."""
    after = ""
    while True:
        with app.db.autocommit() as cur:
            rows = files_db.uploaded_by(cur, user_id, after, 500)
        for row in rows:
            # Copying (and CRC-32ing) a large file into the zip takes a while: off the event loop.
            run_blocking(
                _copy_into, archive, app.store, row["id"], f"files/{row['id']}-{row['name']}", row["size"]
            )
        if len(rows) < 500:
            break
        after = rows[-1]["id"]
    with app.db.autocommit() as cur:
        version = files_db.avatar_version(cur, user_id)
    if version is not None:
        key = files_db.avatar_key(user_id, version, "large")
        run_blocking(_copy_into, archive, app.store, key, "files/avatar.jpg", 0)


def _copy_into(archive: zipfile.ZipFile, store: FileStore, key: str, name: str, size: int) -> None:
    try:
        source = store.open(key)
    except FileNotFoundError:  # removed since the row was read: it is gone for the user too
        return
    info = zipfile.ZipInfo(name, date_time=time.gmtime()[:6])
    info.compress_type = zipfile.ZIP_STORED
    with source, archive.open(info, "w", force_zip64=size >= 2**31) as out:
        shutil.copyfileobj(source, out, CHUNK_BYTES)
