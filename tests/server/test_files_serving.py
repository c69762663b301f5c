"""Files coming back down: safe types and dispositions, conditional GET and Range, and who may fetch."""

from __future__ import annotations

import pytest

from tests.server.conftest import assert_error
from tests.server.test_files import (
    assert_safe_headers,
    configure,
    fetch,
    image_bytes,
    send_files,
    uploaded,
    zip_bytes,
)

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
