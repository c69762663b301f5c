"""Files over REST: uploads under limits and a quota, safe downloads with Range, who may fetch, and cleanup.

The helpers at the top (media made on the spot, uploads, the store's keys) are shared by test_files_*.py.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import struct
import uuid
import zlib

import pytest
from PIL import Image

from server.services import files as files_service
from tests.server.conftest import API, assert_error

# ---- helpers shared by the files tests -------------------------------------------------------------------


def configure(app, **changes) -> None:
    """Change settings of a running test app (limits, quota) for one test."""
    context = app.extensions["chatidk"]
    context.config = dataclasses.replace(context.config, **changes)


def stored_keys(app) -> list[str]:
    """Every object in the app's file store, and any staging file left behind."""
    store = files_service.store_for(app.extensions["chatidk"])
    staging = sorted(p.name for p in (store.root / "staging").iterdir())
    return store.keys() + staging


def upload(user, data: bytes, name: str | None = "file.bin", **kw):
    query = {"name": name} if name is not None else {}
    headers = {"Content-Type": "application/octet-stream", **kw.pop("headers", {})}
    return user.post("/files", data=data, query_string=query, headers=headers, **kw)


def fetch(user, path: str, method: str = "GET", **kw):
    """GET (or HEAD) a file route, reading and closing the answer at once (it holds an open file)."""
    return user.request(method, path, buffered=True, **kw)


def uploaded(user, data: bytes, name: str = "file.bin") -> dict:
    r = upload(user, data, name)
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.json["file"]


def send_files(user, conversation_id: int, file_ids: list[str], text: str | None = None, **extra):
    body = {"client_id": str(uuid.uuid4()), "file_ids": file_ids, **extra}
    if text is not None:
        body["text"] = text
    return user.post(f"/conversations/{conversation_id}/messages", body)


def image_bytes(fmt: str = "PNG", size=(64, 48), color=(200, 30, 30), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG that claims width×height grey pixels and is a few kilobytes: 64 MB of zeros compress to ~64 KB.

    Its pixel data stops short of the claimed size; Pillow must refuse it on the header alone.
    """
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = bytes(1 + width)
    data = b"".join(compressor.compress(row) for _ in range(64 * 1024 * 1024 // len(row)))
    data += compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("evil.html", "<script>alert(1)</script>")
    return out.getvalue()


# ---- fixtures --------------------------------------------------------------------------------------------


@pytest.fixture
def chat(alice, bob) -> int:
    return alice.direct_with(bob)["id"]


@pytest.fixture
def shared(alice, bob, chat) -> dict:
    """A PNG alice sent to bob."""
    file = uploaded(alice, image_bytes(), "red.png")
    r = send_files(alice, chat, [file["id"]], "look")
    assert r.status_code == 201, r.json
    return file


def assert_safe_headers(r) -> None:
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Security-Policy"].startswith("sandbox")


# ---- uploading -------------------------------------------------------------------------------------------


def test_upload_returns_the_file_with_sniffed_type_hash_and_size(app, alice):
    data = image_bytes("PNG", (40, 30))
    r = upload(alice, data, "holiday.png", headers={"Content-Type": "text/html"})
    assert r.status_code == 201
    file = r.json["file"]
    assert set(file) == {
        "id",
        "name",
        "size",
        "content_type",
        "sha256",
        "width",
        "height",
        "duration_ms",
        "thumbnail",
        "uploader_id",
        "created_at",
    }
    assert len(file["id"]) == 32 and int(file["id"], 16) >= 0
    assert file["name"] == "holiday.png"
    assert file["size"] == len(data)
    assert file["sha256"] == hashlib.sha256(data).hexdigest()
    assert file["content_type"] == "image/png"  # from the bytes, not the client's text/html
    assert (file["width"], file["height"]) == (40, 30)
    assert file["uploader_id"] == alice.id
    assert file["created_at"].endswith("Z")
    # Stored under the random id, never the user's name.
    assert file["id"] in stored_keys(app)
    assert not any("holiday" in key for key in stored_keys(app))


def test_ids_are_random(alice):
    ids = {uploaded(alice, b"same bytes")["id"] for _ in range(5)}
    assert len(ids) == 5


def test_upload_needs_a_token(client, app):
    r = client.post(API + "/files", data=b"hello")
    assert_error(r, 401, "unauthorized")
    assert stored_keys(app) == []


def test_a_name_is_optional(alice):
    assert uploaded(alice, b"x", name=None)["name"] == "file"
    assert uploaded(alice, b"x", name="")["name"] == "file"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("/absolute/path/report.pdf", "report.pdf"),
        ("nul\x00byte.txt", "nulbyte.txt"),
        ("line\nbreak\r.txt", "linebreak.txt"),
        ("..", "file"),
        ("...", "file"),
        (".bashrc", "bashrc"),
        ("photo\u202egpj.exe", "photogpj.exe"),  # a right-to-left override would show "photoexe.jpg"
        ("what?.txt", "what_.txt"),
        ("con.txt", "_con.txt"),
        ("  spaced   out  .txt  ", "spaced out .txt"),
        ("日本語のファイル.txt", "日本語のファイル.txt"),
        ("x" * 300 + ".jpeg", "x" * 195 + ".jpeg"),
        ("é" * 150, "é" * 100),
    ],
)
def test_file_names_are_cleaned_for_display(alice, raw, shown):
    file = uploaded(alice, b"data", raw)
    assert file["name"] == shown
    assert len(file["name"].encode()) <= 200


def test_an_overlong_name_parameter_is_refused(alice, app):
    assert_error(upload(alice, b"x", "a" * 1025), 400, "invalid_field", "name")
    assert stored_keys(app) == []


def test_zero_byte_file_is_stored_and_served_empty(alice):
    file = uploaded(alice, b"", "empty.txt")
    assert file["size"] == 0
    assert file["content_type"] == "application/octet-stream"
    assert file["sha256"] == hashlib.sha256(b"").hexdigest()
    assert file["thumbnail"] is None
    r = fetch(alice, f"/files/{file['id']}")
    assert r.status_code == 200 and r.data == b""
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert_safe_headers(r)


# ---- limits and quota ------------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_and_leaves_nothing(app, alice):
    configure(app, max_upload_bytes=1000)
    assert uploaded(alice, b"a" * 1000)["size"] == 1000
    before = stored_keys(app)
    r = upload(alice, b"a" * 1001)
    error = assert_error(r, 413, "payload_too_large")
    assert "1000 bytes" in error["message"]
    assert stored_keys(app) == before


def test_a_body_without_content_length_is_cut_off_while_streaming(app, alice):
    """No Content-Length to refuse up front: the limit is enforced on the bytes as they arrive."""
    configure(app, max_upload_bytes=100_000)
    r = alice.post(
        "/files",
        data=os.urandom(300_000),
        environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True},
    )
    assert_error(r, 413, "payload_too_large")
    assert stored_keys(app) == []
    r = alice.post(
        "/files",
        data=b"b" * 50_000,
        environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True},
    )
    assert r.status_code == 201 and r.json["file"]["size"] == 50_000


def test_the_limit_applies_to_uploads_only_and_json_stays_at_one_mebibyte(app, alice, chat):
    configure(app, max_upload_bytes=5 * 1024 * 1024)
    assert uploaded(alice, os.urandom(2 * 1024 * 1024))["size"] == 2 * 1024 * 1024
    big_text = {"client_id": str(uuid.uuid4()), "text": "x" * (1024 * 1024 + 10)}
    assert_error(alice.post(f"/conversations/{chat}/messages", big_text), 413, "payload_too_large")


def test_quota_is_per_user_and_counts_every_stored_file(app, alice, bob):
    configure(app, user_quota_bytes=10_000)
    uploaded(alice, b"a" * 6000)
    before = stored_keys(app)
    # Declared up front: refused before a byte is read.
    error = assert_error(upload(alice, b"b" * 5000), 413, "quota_exceeded")
    assert "4000 bytes left" in error["message"]
    # Found while streaming: refused as soon as it passes.
    r = alice.post(
        "/files", data=b"c" * 5000, environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True}
    )
    assert_error(r, 413, "quota_exceeded")
    assert stored_keys(app) == before
    assert uploaded(alice, b"d" * 4000)["size"] == 4000  # exactly full
    assert uploaded(bob, b"e" * 9000)["size"] == 9000  # bob has his own


def test_concurrent_uploads_cannot_overshoot_the_quota_together(app, alice):
    """Both pass the check made before streaming; the insert, one user at a time, lets only one in."""
    from concurrent.futures import ThreadPoolExecutor

    configure(app, user_quota_bytes=10_000)
    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(lambda n: upload(alice, bytes([n]) * 6000).status_code, range(4)))
    assert statuses == [201, 413, 413, 413]
    assert len([k for k in stored_keys(app) if "." not in k]) == 1


def test_taking_back_an_upload_frees_quota(app, alice):
    configure(app, user_quota_bytes=10_000)
    file = uploaded(alice, b"a" * 8000)
    assert_error(upload(alice, b"b" * 8000), 413, "quota_exceeded")
    assert alice.delete(f"/files/{file['id']}").status_code == 204
    assert uploaded(alice, b"b" * 8000)["size"] == 8000


def test_no_quota_when_set_to_zero():
    from server.config import Config

    assert Config.from_env({"CHATIDK_USER_QUOTA_MB": "0"}).user_quota_bytes is None
    config = Config.from_env({"CHATIDK_MAX_UPLOAD_MB": "7", "CHATIDK_USER_QUOTA_MB": "50"})
    assert (config.max_upload_bytes, config.user_quota_bytes) == (7 << 20, 50 << 20)
    defaults = Config.from_env({})
    assert (defaults.max_upload_bytes, defaults.user_quota_bytes) == (100 << 20, 2048 << 20)


@pytest.mark.parametrize(
    "env",
    [
        {"CHATIDK_MAX_UPLOAD_MB": "0"},
        {"CHATIDK_MAX_UPLOAD_MB": "lots"},
        {"CHATIDK_USER_QUOTA_MB": "-1"},
        {"CHATIDK_INLINE_TYPES": "image/png,text/html"},
        {"CHATIDK_INLINE_TYPES": "image/svg+xml"},
        {"CHATIDK_UNSENT_UPLOAD_HOURS": "0"},
    ],
)
def test_bad_file_settings_are_refused(env):
    from server.config import Config, ConfigError

    with pytest.raises(ConfigError):
        Config.from_env(env)


# ---- what comes back down --------------------------------------------------------------------------------


def test_an_image_is_served_inline_with_its_sniffed_type(alice, shared):
    r = fetch(alice, f"/files/{shared['id']}")
    assert r.status_code == 200
    assert r.data == image_bytes()
    assert r.mimetype == "image/png"
    assert r.headers["Content-Disposition"] == "inline; filename=red.png"
    assert r.headers["Accept-Ranges"] == "bytes"
    assert r.headers["ETag"].strip('"') == shared["sha256"]
    assert "no-cache" in r.headers["Cache-Control"] and "private" in r.headers["Cache-Control"]
    assert_safe_headers(r)


HOSTILE = [
    ("page.html", b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>", "text/html"),
    ("page.jpg", b"   \n<HTML><body onload=alert(1)>", "text/html"),
    ("bom.txt", b"\xef\xbb\xbf<script>alert(1)</script>", "text/html"),
    ("notes.txt", b"hello\n<iframe src=//evil>", "text/html"),
    (
        "logo.svg",
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/svg+xml",
    ),
    ("icon.png", b'<svg onload="alert(1)"/>', "image/svg+xml"),
    ("feed.xml", b'<?xml version="1.0"?><rss></rss>', "application/xml"),
    ("paper.pdf", b"%PDF-1.7\n1 0 obj<</JS (app.alert(1))>>", "application/pdf"),
]


@pytest.mark.parametrize(("name", "data", "sniffed"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_scriptable_files_are_always_downloads_as_octet_stream(alice, chat, bob, name, data, sniffed):
    file = uploaded(alice, data, name)
    assert file["content_type"] == sniffed
    assert file["thumbnail"] is None
    assert send_files(alice, chat, [file["id"]]).status_code == 201
    r = fetch(bob, f"/files/{file['id']}")
    assert r.status_code == 200
    assert r.data == data
    assert r.mimetype == "application/octet-stream"
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert_safe_headers(r)


def test_a_jpeg_that_is_really_a_zip_is_a_zip_download(alice):
    file = uploaded(alice, zip_bytes(), "cute-cat.jpg")
    assert file["content_type"] == "application/zip"
    assert file["name"] == "cute-cat.jpg"  # the name is shown as given; the type is what counts
    r = fetch(alice, f"/files/{file['id']}")
    assert r.mimetype == "application/zip"
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert_safe_headers(r)


def test_plain_text_is_a_utf8_download(alice):
    file = uploaded(alice, "grüße\n".encode(), "notes.txt")
    assert file["content_type"] == "text/plain"
    r = fetch(alice, f"/files/{file['id']}")
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert r.headers["Content-Disposition"].startswith("attachment")


def test_non_ascii_names_survive_in_content_disposition(alice):
    file = uploaded(alice, b"data", "résumé 履歴書.bin")
    disposition = fetch(alice, f"/files/{file['id']}").headers["Content-Disposition"]
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9%20%E5%B1%A5%E6%AD%B4%E6%9B%B8.bin" in disposition


def test_the_inline_allowlist_comes_from_configuration(app, alice):
    file = uploaded(alice, image_bytes("GIF"), "a.gif")
    assert fetch(alice, f"/files/{file['id']}").headers["Content-Disposition"].startswith("inline")
    configure(app, inline_types=frozenset({"image/png"}))
    r = fetch(alice, f"/files/{file['id']}")
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.mimetype == "image/gif"


def test_head_gives_the_headers_without_the_body(alice, shared):
    r = fetch(alice, f"/files/{shared['id']}", "HEAD")
    assert r.status_code == 200 and r.data == b""
    assert int(r.headers["Content-Length"]) == shared["size"]
    assert_safe_headers(r)


def test_revalidation_answers_304(alice, shared):
    etag = fetch(alice, f"/files/{shared['id']}").headers["ETag"]
    r = fetch(alice, f"/files/{shared['id']}", headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.data == b""
    assert_safe_headers(r)


# ---- Range -----------------------------------------------------------------------------------------------


@pytest.fixture
def numbers(alice) -> tuple[dict, bytes]:
    data = bytes(range(256)) * 40  # 10,240 bytes
    return uploaded(alice, data, "numbers.bin"), data


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-0", 0, 0),
        ("bytes=0-99", 0, 99),
        ("bytes=100-199", 100, 199),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-40", 10200, 10239),
        ("bytes=10200-99999", 10200, 10239),
    ],
)
def test_range_requests_return_exactly_the_bytes_asked_for(alice, numbers, header, start, end):
    file, data = numbers
    r = fetch(alice, f"/files/{file['id']}", headers={"Range": header})
    assert r.status_code == 206
    assert r.data == data[start : end + 1]
    assert r.headers["Content-Range"] == f"bytes {start}-{end}/{len(data)}"
    assert int(r.headers["Content-Length"]) == end - start + 1
    assert_safe_headers(r)


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=20000-30000", "bytes=10240-10300"])
def test_unsatisfiable_ranges_get_416_with_the_length(alice, numbers, header):
    file, data = numbers
    r = fetch(alice, f"/files/{file['id']}", headers={"Range": header})
    assert_error(r, 416, "range_not_satisfiable")
    assert r.headers["Content-Range"] == f"bytes */{len(data)}"
    assert_safe_headers(r)


def test_a_malformed_range_is_416_too(alice, numbers):
    file, data = numbers
    r = fetch(alice, f"/files/{file['id']}", headers={"Range": "bytes=banana"})
    assert_error(r, 416, "range_not_satisfiable")
    assert r.headers["Content-Range"] == f"bytes */{len(data)}"


def test_if_range_with_a_stale_etag_sends_the_whole_file(alice, numbers):
    file, data = numbers
    r = fetch(alice, f"/files/{file['id']}", headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert r.status_code == 200 and r.data == data
    etag = f'"{file["sha256"]}"'
    r = fetch(alice, f"/files/{file['id']}", headers={"Range": "bytes=0-9", "If-Range": etag})
    assert r.status_code == 206 and r.data == data[:10]


# ---- who may fetch ---------------------------------------------------------------------------------------


def _not_found_body(user, path: str) -> dict:
    r = fetch(user, path)
    assert_error(r, 404, "not_found")
    return r.json


def test_an_unsent_upload_is_visible_to_its_uploader_only(alice, bob):
    file = uploaded(alice, image_bytes(), "secret.png")
    assert fetch(alice, f"/files/{file['id']}").status_code == 200
    unknown = _not_found_body(bob, f"/files/{'0' * 32}")
    assert _not_found_body(bob, f"/files/{file['id']}") == unknown
    assert _not_found_body(bob, f"/files/{file['id']}/thumbnail") == unknown


def test_members_may_fetch_and_outsiders_and_strangers_get_the_unknown_answer(auth, alice, bob, shared):
    carol = auth("carol")  # shares no conversation with alice
    dave = auth("dave")
    group = alice.group("Without bob's chat", dave)["id"]  # dave shares a group with alice, not the 1:1
    assert dave.conversation(group)
    for path in (f"/files/{shared['id']}", f"/files/{shared['id']}/thumbnail"):
        assert fetch(bob, path).status_code == 200
        assert fetch(alice, path).status_code == 200
        unknown = _not_found_body(carol, path.replace(shared["id"], "f" * 32))
        assert _not_found_body(carol, path) == unknown
        assert _not_found_body(dave, path) == unknown
    # The same for Range requests and HEAD: nothing tells an outsider the id exists.
    r = fetch(carol, f"/files/{shared['id']}", headers={"Range": "bytes=0-1"})
    assert_error(r, 404, "not_found")
    assert fetch(carol, f"/files/{shared['id']}", "HEAD").status_code == 404


def test_members_of_a_group_may_fetch_and_lose_access_when_they_leave(auth, alice, bob):
    carol = auth("carol")
    group = alice.group("Climbing", bob, carol)["id"]
    file = uploaded(alice, image_bytes(), "crag.png")
    assert send_files(alice, group, [file["id"]], "crag").status_code == 201
    assert fetch(carol, f"/files/{file['id']}").status_code == 200
    assert carol.delete(f"/conversations/{group}/members/{carol.id}").status_code == 204
    assert_error(fetch(carol, f"/files/{file['id']}"), 404, "not_found")
    assert fetch(bob, f"/files/{file['id']}").status_code == 200


def test_malformed_ids_are_404_too(alice):
    for bad in ("1234", "G" * 32, "0" * 31, "0" * 33, "../../etc/passwd", "%2e%2e%2fetc"):
        r = fetch(alice, f"/files/{bad}")
        assert_error(r, 404, "not_found")


def test_a_file_without_a_preview_has_no_thumbnail(alice):
    file = uploaded(alice, b"just bytes")
    assert_error(fetch(alice, f"/files/{file['id']}/thumbnail"), 404, "not_found")


# ---- taking back, deleting, expiring ---------------------------------------------------------------------


def test_taking_back_an_unsent_upload(app, alice, bob, shared):
    file = uploaded(alice, image_bytes(), "oops.png")
    assert_error(bob.delete(f"/files/{file['id']}"), 404, "not_found")
    assert alice.delete(f"/files/{file['id']}").status_code == 204
    assert file["id"] not in stored_keys(app)
    assert_error(fetch(alice, f"/files/{file['id']}"), 404, "not_found")
    assert_error(alice.delete(f"/files/{file['id']}"), 404, "not_found")
    # A sent file goes with its message; nobody else may delete it.
    assert_error(alice.delete(f"/files/{shared['id']}"), 409, "conflict")
    assert_error(bob.delete(f"/files/{shared['id']}"), 403, "forbidden")


def test_deleting_the_message_removes_its_files_from_disk(app, alice, bob, chat):
    keep = uploaded(alice, image_bytes(), "keep.png")
    one = uploaded(alice, image_bytes(color=(1, 2, 3)), "one.png")
    two = uploaded(alice, b"two", "two.bin")
    message = send_files(alice, chat, [one["id"], two["id"]], "two files").json["message"]
    assert {one["id"], one["id"] + ".thumb", two["id"]} <= set(stored_keys(app))
    r = alice.delete(f"/conversations/{chat}/messages/{message['seq']}")
    assert r.status_code == 200
    assert r.json["message"]["attachments"] == [] and r.json["message"]["deleted"]
    keys = stored_keys(app)
    assert one["id"] not in keys and one["id"] + ".thumb" not in keys and two["id"] not in keys
    assert keep["id"] in keys
    for user in (alice, bob):
        assert_error(fetch(user, f"/files/{one['id']}"), 404, "not_found")
        assert_error(fetch(user, f"/files/{one['id']}/thumbnail"), 404, "not_found")
    assert bob.messages(chat)[0]["attachments"] == []
    # Deleting again is still fine.
    assert alice.delete(f"/conversations/{chat}/messages/{message['seq']}").status_code == 200


def test_deleting_the_account_removes_every_file_it_uploaded(app, alice, bob, chat, shared):
    unsent = uploaded(alice, b"never sent")
    bobs = uploaded(bob, b"bob's")
    assert send_files(bob, chat, [bobs["id"]]).status_code == 201
    r = alice.delete("/me", {"password": alice.password})
    assert r.status_code == 204
    keys = stored_keys(app)
    assert shared["id"] not in keys and unsent["id"] not in keys
    assert bobs["id"] in keys
    assert_error(fetch(bob, f"/files/{shared['id']}"), 404, "not_found")
    assert fetch(bob, f"/files/{bobs['id']}").status_code == 200
    assert all(m["attachments"] == [] for m in bob.messages(chat) if m["sender_id"] == alice.id)


def _age_uploads(app, seconds: int) -> None:
    with app.extensions["chatidk"].db.transaction() as cur:
        cur.execute("UPDATE files SET created_at = created_at - make_interval(secs => %s)", (seconds,))


def test_unsent_uploads_expire_and_sent_ones_do_not(app, alice, chat, shared):
    unsent = uploaded(alice, image_bytes(), "draft.png")
    _age_uploads(app, 25 * 3600)
    assert files_service.purge(app.extensions["chatidk"]) == 2  # the file and its thumbnail
    keys = stored_keys(app)
    assert unsent["id"] not in keys and unsent["id"] + ".thumb" not in keys
    assert shared["id"] in keys
    assert_error(fetch(alice, f"/files/{unsent['id']}"), 404, "not_found")
    assert_error(send_files(alice, chat, [unsent["id"]]), 404, "not_found", "file_ids")


def test_uploads_trigger_the_purge_now_and_then(app, alice):
    old = uploaded(alice, b"old")
    _age_uploads(app, 25 * 3600)
    files_service._last_purge.clear()
    uploaded(alice, b"new")
    assert old["id"] not in stored_keys(app)


def test_bytes_left_behind_by_a_crash_are_removed_by_the_next_purge(app, alice):
    """The row went in a committed transaction but the process died before removing the bytes."""
    file = uploaded(alice, b"orphan")
    context = app.extensions["chatidk"]
    with context.db.transaction() as cur:
        cur.execute("DELETE FROM files WHERE id = %s", (file["id"],))
        cur.execute(
            "INSERT INTO file_trash (key, queued_at) VALUES (%s, now() - interval '2 minutes')", (file["id"],)
        )
    assert file["id"] in stored_keys(app)
    files_service.purge(context)
    assert file["id"] not in stored_keys(app)
    with context.db.transaction() as cur:
        cur.execute("SELECT count(*) AS n FROM file_trash")
        assert cur.fetchone()["n"] == 0


def test_a_stale_staging_file_is_swept(app, alice):
    store = files_service.store_for(app.extensions["chatidk"])
    stale = store.root / "staging" / "upload-deadbeef.part"
    stale.write_bytes(b"half an upload")
    os.utime(stale, (1, 1))
    files_service.purge(app.extensions["chatidk"])
    assert not stale.exists()


def test_my_data_export_holds_my_uploads_and_picture(alice, bob, chat, shared):
    import zipfile

    unsent = uploaded(alice, b"still a draft", "draft.txt")
    uploaded(bob, b"bob's own", "bobs.txt")
    assert alice.request("PUT", "/me/avatar", data=image_bytes(), headers={}).status_code == 200
    r = fetch(alice, "/me/export")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.data)) as archive:
        names = [n for n in archive.namelist() if n.startswith("files/")]
        assert sorted(names) == sorted(
            [f"files/{shared['id']}-red.png", f"files/{unsent['id']}-draft.txt", "files/avatar.jpg"]
        )
        assert archive.read(f"files/{shared['id']}-red.png") == image_bytes()
        assert archive.read(f"files/{unsent['id']}-draft.txt") == b"still a draft"
        assert Image.open(io.BytesIO(archive.read("files/avatar.jpg"))).size == (512, 512)
