"""My data export, attacked as issue 10 found it: it staged an uncompressed copy of every file in a temp file,
ran any number of times at once, and carried other people's usernames and last messages.

As found: 6 exports of a 200 MB user took 1.2 GB of temp space; conversations.json held every member and
the last message of each conversation, whoever wrote it.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile

from tests.server.conftest import assert_error

FILE_BYTES = 5 * 1024 * 1024


def _export_bytes(user) -> bytes:
    r = user.get("/me/export")
    assert r.status_code == 200, r.data[:200]
    data = r.data
    r.close()
    return data


def test_conversations_json_names_only_my_conversations_and_my_membership(alice, bob):
    chat = alice.direct_with(bob)["id"]
    group = bob.group("Bob's climbing club", alice)["id"]
    alice.send(chat, "alice's own words")
    bob.send(chat, "bob's secret, not alice's to export")
    bob.send(group, "bob's group news")
    archive = zipfile.ZipFile(io.BytesIO(_export_bytes(alice)))
    conversations = json.loads(archive.read("conversations.json"))
    assert sorted(c["id"] for c in conversations) == sorted([chat, group])
    for c in conversations:
        assert set(c) == {"id", "kind", "title", "created_at", "my_role", "joined_at", "last_read_seq"}, c
    assert {c["id"]: c["title"] for c in conversations} == {chat: None, group: "Bob's climbing club"}
    # Nowhere in the archive: bob's username, his display name, anything he wrote.
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode(errors="replace")
    for other in ("bob's secret", "bob's group news", '"bob"'):
        assert other not in everything, f"{other!r} is in alice's export"
    assert "alice's own words" in archive.read("messages.jsonl").decode()


def test_the_archive_streams_with_no_temp_space_and_in_blocks(alice, monkeypatch):
    """A server whose temp space is full (as six staged exports made it) still exports, and no block of the
    response holds more than a copy block of a file: the archive is never built whole, on disk or in
    memory."""
    payload = os.urandom(FILE_BYTES)
    file_id = alice.post("/files?name=big.bin", data=payload).json["file"]["id"]

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    for name in ("TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, no_space)
    r = alice.get("/me/export")
    assert r.status_code == 200
    assert "Content-Length" not in r.headers  # streamed as it is made
    blocks = list(r.response)
    r.close()
    assert max(len(b) for b in blocks) <= 1024 * 1024 + 64 * 1024, sorted(len(b) for b in blocks)[-3:]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(blocks)))
    assert archive.testzip() is None
    assert archive.read(f"files/{file_id}-big.bin") == payload


def test_a_second_export_of_the_same_account_waits_with_429_until_the_first_ends(alice, bob):
    first = alice.get("/me/export")  # under way: the test client has not read its body yet
    assert first.status_code == 200
    second = alice.get("/me/export")
    error = assert_error(second, 429, "too_many_requests")
    assert error["retry_after"] >= 1 and second.headers["Retry-After"] == str(error["retry_after"])
    assert bob.get("/me/export").status_code == 200  # another account is not held up
    first.close()  # the client went away (or the archive was sent): the place is free at once
    third = alice.get("/me/export")
    assert third.status_code == 200
    zipfile.ZipFile(io.BytesIO(third.data))
    third.close()


def test_an_export_that_ends_normally_frees_the_place(alice):
    for _ in range(3):
        zipfile.ZipFile(io.BytesIO(_export_bytes(alice)))


def test_exports_at_once_0_means_no_limit(alice, configure):
    configure(exports_at_once=0)
    first = alice.get("/me/export")
    second = alice.get("/me/export")
    assert first.status_code == second.status_code == 200
    first.close()
    second.close()
