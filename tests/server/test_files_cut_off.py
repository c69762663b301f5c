"""An upload whose client goes away before the end of its body (a cancel in the desktop client) is not kept,
through the real server process: gunicorn ends such a body quietly instead of reporting a disconnect."""

from __future__ import annotations

import io
import socket
import zipfile
from pathlib import Path

import pytest

from tests.support.api import ApiClient

MIB = 1024 * 1024


def stored_files(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "files").glob("*/*") if p.is_file())


def exported_files(user: ApiClient) -> list[str]:
    export = user.get("/me/export", timeout=60)
    assert export.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
    return [n for n in names if n.startswith("files/") and not n.endswith("/")]


def answer_to_a_cut_off_upload(url_port: int, token: str, declared: int, sent: int) -> bytes:
    """Declares ``declared`` bytes, sends ``sent`` of them, then stops sending (as a client that gave up
    does) but keeps listening, so the server's verdict can be awaited instead of guessed at."""
    with socket.create_connection(("127.0.0.1", url_port), timeout=60) as conn:
        conn.sendall(
            (
                "POST /api/v1/files?name=half.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\n"
                f"Content-Length: {declared}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        conn.sendall(b"x" * sent)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


@pytest.mark.parametrize("sent", [0, 1, 5 * MIB], ids=["nothing", "one-byte", "half"])
def test_a_body_that_ends_before_its_length_is_refused_and_leaves_nothing(server_factory, tmp_path, sent):
    server = server_factory(workers=1)
    alice = ApiClient(server.url, "alice")
    try:
        answer = answer_to_a_cut_off_upload(server.port, alice.token, 10 * MIB, sent)
        status_line = answer.split(b"\r\n", 1)[0]
        assert b" 400 " in status_line, answer[:500]
        assert b"nothing was kept" in answer
        assert stored_files(tmp_path) == []
        assert exported_files(alice) == []
        # A whole upload afterwards is kept as usual.
        whole = alice.session.post(
            server.url + "/api/v1/files", params={"name": "whole.bin"}, data=b"y" * 1000, timeout=60
        )
        assert whole.status_code == 201
        assert exported_files(alice) == [f"files/{whole.json()['file']['id']}-whole.bin"]
    finally:
        alice.session.close()
