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

from tests.server.conftest import API, assert_error

# ---- helpers shared by the files tests -------------------------------------------------------------------


def configure(app, **changes) -> None:
    """Change settings of a running test app (limits, quota) for one test."""
    context = app.extensions["chatidk"]
    context.config = dataclasses.replace(context.config, **changes)


def stored_keys(app) -> list[str]:
    """Every object in the app's file store, and any staging file left behind."""
    store = app.extensions["chatidk"].store
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


def share(alice, chat: int) -> dict:
    """A PNG alice sent in ``chat``."""
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
