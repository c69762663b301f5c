"""The HTTP layer (desktop/net/http.py) against a real loopback HTTP server that answers what each test
scripts: the bearer header, error objects, unreadable answers on every kind of call, cut-off and cancelled
downloads leaving nothing behind, a refused upload."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from desktop.net.api import ApiClient
from desktop.net.http import ApiError, ServerUnreachable, SessionRefused, TransferCancelled, WrongPassword
from desktop.net.transfers import TransferService


class Scripted(ThreadingHTTPServer):
    """Answers each path with the (status, headers, body) given in ``answers``; records what came in."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.answers: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.seen: list[tuple[str, str, dict[str, str], bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Scripted

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0].removeprefix("/api/v1")
        self.server.seen.append((self.command, path, dict(self.headers), body))
        status, headers, content = self.server.answers.get(path, (404, {}, b""))
        self.send_response(status)
        headers = {"Content-Length": str(len(content)), **headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Scripted]:
    scripted = Scripted()
    thread = threading.Thread(target=scripted.serve_forever, daemon=True)
    thread.start()
    yield scripted
    scripted.shutdown()
    scripted.server_close()
    thread.join(timeout=30)


def error_body(code: str, message: str, **extra) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, **extra}}).encode()


def test_calls_carry_the_token_and_decode_the_answer(server):
    server.answers["/me"] = (200, {"Content-Type": "application/json"}, b'{"user": {"id": 7}}')
    api = ApiClient(server.url + "/", token="secret")
    assert api.me() == {"id": 7}
    method, path, headers, _ = server.seen[-1]
    assert (method, path, headers["Authorization"]) == ("GET", "/me", "Bearer secret")
    api.close()


def test_error_objects_become_api_errors_with_field_and_retry_after(server):
    server.answers["/me"] = (400, {}, error_body("invalid", "bad name", field="display_name"))
    server.answers["/presence"] = (503, {"Retry-After": "7"}, b"<html>busy</html>")
    api = ApiClient(server.url)
    with pytest.raises(ApiError) as refused:
        api.update_me(display_name="")
    assert (refused.value.status, refused.value.code, refused.value.field) == (400, "invalid", "display_name")
    with pytest.raises(ApiError) as busy:
        api.presence()
    assert (busy.value.status, busy.value.code, busy.value.retry_after) == (503, "http_error", 7)
    assert busy.value.transient
    api.close()


@pytest.mark.parametrize(
    "call",
    [
        lambda api, tmp: api.me(),
        lambda api, tmp: api.upload_file(tmp / "a.bin", "a.bin"),
        lambda api, tmp: api.set_avatar(tmp / "a.bin"),
    ],
    ids=["request", "upload", "avatar"],
)
def test_an_unreadable_answer_is_a_bad_response_on_every_kind_of_call(server, tmp_path, call):
    (tmp_path / "a.bin").write_bytes(b"x" * 1000)
    for path in ("/me", "/files", "/me/avatar"):
        server.answers[path] = (200, {"Content-Type": "application/json"}, b"{not json")
    api = ApiClient(server.url)
    with pytest.raises(ApiError) as unreadable:
        call(api, tmp_path)
    assert unreadable.value.code == "bad_response"
    api.close()


def test_an_upload_streams_the_file_and_a_refusal_says_why(server, tmp_path):
    source = tmp_path / "report.pdf"
    source.write_bytes(b"%PDF" + b"x" * 300_000)
    server.answers["/files"] = (201, {}, b'{"file": {"id": "f1"}}')
    api = ApiClient(server.url)
    reported: list[tuple[int, int]] = []
    assert api.upload_file(source, "report.pdf", lambda done, total: reported.append((done, total))) == {
        "id": "f1"
    }
    method, _, headers, body = server.seen[-1]
    assert (method, headers["Content-Type"], body) == (
        "POST",
        "application/octet-stream",
        source.read_bytes(),
    )
    assert reported[-1] == (source.stat().st_size, source.stat().st_size)

    server.answers["/files"] = (413, {}, error_body("too_large", "That file is too large."))
    with pytest.raises(ApiError) as refused:
        api.upload_file(source, "report.pdf")
    assert (refused.value.status, refused.value.message) == (413, "That file is too large.")
    api.close()


def test_a_download_lands_whole_or_not_at_all(server, tmp_path):
    destination = tmp_path / "kept.bin"
    server.answers["/files/f1"] = (200, {}, b"y" * 600_000)
    api = ApiClient(server.url)
    assert api.download_file("f1", destination) == 600_000
    assert destination.read_bytes() == b"y" * 600_000

    cut = tmp_path / "cut.bin"
    server.answers["/files/f2"] = (200, {"Content-Length": "900000"}, b"y" * 1000)  # the server stops early
    with pytest.raises(ServerUnreachable):
        api.download_file("f2", cut)
    assert list(tmp_path.iterdir()) == [destination]  # no half file, no .part

    with pytest.raises(TransferCancelled):
        api.download_file("f1", tmp_path / "cancelled.bin", cancelled=lambda: True)
    server.answers["/me/export"] = (403, {}, error_body("forbidden", "no"))
    with pytest.raises(ApiError):
        api.download_export(tmp_path / "export.zip")
    assert list(tmp_path.iterdir()) == [destination]
    api.close()


def test_a_missing_preview_is_none_and_a_server_that_is_gone_is_unreachable(server):
    api = ApiClient(server.url)
    assert api.thumbnail("nope") is None  # 404: the server has none
    server.answers["/users/3/avatar"] = (200, {"Content-Type": "image/png"}, b"\x89PNG")
    assert api.avatar(3) == b"\x89PNG"
    api.delete_file("gone")  # taken back already: fine
    url = server.url
    api.close()
    server.shutdown()
    server.server_close()
    with pytest.raises(ServerUnreachable):
        ApiClient(url).me()


def test_a_401_is_the_session_refused_except_where_a_password_is_checked(server):
    server.answers["/me"] = (401, {}, error_body("unauthorized", "unknown token"))
    server.answers["/sessions"] = (401, {}, error_body("unauthorized", "wrong username or password"))
    api = ApiClient(server.url, token="revoked")
    with pytest.raises(SessionRefused):
        api.me()
    with pytest.raises(WrongPassword):
        api.login("alice", "not it")
    api.close()


def test_a_refused_transfer_ends_the_session_instead_of_failing(server, qtbot, tmp_path):
    for path in ("/files/f1", "/files/f1/thumbnail"):
        server.answers[path] = (401, {}, error_body("unauthorized", "unknown token"))
    transfers = TransferService(ApiClient(server.url, token="revoked"))
    errors: list[Exception] = []
    try:
        with qtbot.waitSignal(transfers.refused, timeout=30000):
            transfers.download("dl:f1", "f1", tmp_path / "f1.bin", on_error=errors.append)
        with qtbot.waitSignal(transfers.refused, timeout=30000):
            transfers.call(lambda api: api.thumbnail("f1"), on_error=errors.append)
        qtbot.waitUntil(lambda: transfers.idle, timeout=30000)
    finally:
        transfers.shutdown()
    assert errors == [] and transfers.running("dl:f1") is None
