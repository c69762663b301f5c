"""Files through the real server process (gunicorn + gevent): memory stays flat while large uploads stream,
an oversized stream is cut off and leaves nothing, previews are made under gevent, attachments go live."""

from __future__ import annotations

import contextlib
import io
import uuid
from pathlib import Path

import psutil
import pytest
import requests
from PIL import Image

from tests.support.server_process import ServerProcess

MIB = 1024 * 1024


def worker_of(server: ServerProcess) -> psutil.Process:
    """The one gunicorn worker of a server started with workers=1."""
    master = psutil.Process(server._proc.pid)
    workers = [p for p in master.children() if "python" in p.name().lower() or "chatidk" in p.name()]
    assert len(workers) == 1, workers
    return workers[0]


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(field)


@contextlib.contextmanager
def peak_rss_growth(process: psutil.Process):
    """Yields a dict whose "bytes" is, afterwards, how far the process's peak RSS rose above its RSS before.

    Linux keeps the peak (VmHWM); writing 5 to clear_refs resets it to the current RSS, so the peak read
    afterwards belongs to this block alone. Without that permission the old peak stays, which can only
    make the growth look larger, never smaller.
    """
    with contextlib.suppress(OSError):
        Path(f"/proc/{process.pid}/clear_refs").write_text("5")
    before = _status(process.pid, "VmRSS")
    result = {"bytes": 0}
    yield result
    result["bytes"] = _status(process.pid, "VmHWM") - before


def chunks(total: int, size: int = MIB):
    block = bytes(range(256)) * (size // 256)
    sent = 0
    while sent < total:
        piece = block[: min(size, total - sent)]
        sent += len(piece)
        yield piece


def staged_and_stored(data_dir: Path) -> list[str]:
    root = data_dir / "files"
    return sorted(p.name for p in root.glob("*/*") if p.is_file())


@pytest.fixture
def server(server_factory) -> ServerProcess:
    return server_factory(workers=1, extra_env={"CHATIDK_MAX_UPLOAD_MB": "64", "CHATIDK_USER_QUOTA_MB": "0"})


def test_a_large_upload_streams_through_in_flat_memory(server, users, tmp_path):
    from tests.support.api import ApiClient

    alice = ApiClient(server.url, "alice")
    worker = worker_of(server)
    total = 60 * MIB
    with peak_rss_growth(worker) as growth:
        r = alice.session.post(
            server.url + "/api/v1/files", params={"name": "big.bin"}, data=chunks(total), timeout=120
        )
    assert r.status_code == 201, r.text
    assert r.json()["file"]["size"] == total
    # 60 MB went through; the worker's peak memory rose by a small fraction of it (chunks are 256 KiB).
    assert growth["bytes"] < 16 * MIB, growth
    # And it comes back whole, as the sendfile path serves it.
    back = alice.session.get(server.url + f"/api/v1/files/{r.json()['file']['id']}", stream=True, timeout=60)
    received = sum(len(c) for c in back.iter_content(MIB))
    assert back.status_code == 200 and received == total
    back.close()
    alice.session.close()


def test_an_oversized_stream_is_cut_off_with_413_and_leaves_nothing(server, tmp_path):
    from tests.support.api import ApiClient

    alice = ApiClient(server.url, "alice")
    worker = worker_of(server)
    with peak_rss_growth(worker) as growth:
        try:
            r = alice.session.post(server.url + "/api/v1/files", data=chunks(80 * MIB), timeout=120)
        except requests.ConnectionError:
            r = None  # the server may close before the client has finished sending: also a refusal
    if r is not None:
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "payload_too_large"
    assert growth["bytes"] < 16 * MIB, growth
    assert staged_and_stored(tmp_path) == []
    # With a declared length the refusal comes before a byte is read, as a clean 413.
    r = requests.post(
        server.url + "/api/v1/files",
        data=io.BytesIO(b"x" * (65 * MIB)),
        headers={"Authorization": f"Bearer {alice.token}"},
        timeout=60,
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    assert staged_and_stored(tmp_path) == []
    assert requests.get(server.url + "/healthz", timeout=30).status_code == 200
    alice.session.close()


def test_a_sent_photo_reaches_the_other_side_live_with_its_preview(server, tmp_path):
    from tests.support.api import ApiClient
    from tests.support.events import EventStream

    alice, bob = ApiClient(server.url, "alice"), ApiClient(server.url, "bob")
    chat = alice.direct_with(bob)
    stream = EventStream(server.ws_url, bob.token)
    try:
        out = io.BytesIO()
        Image.new("RGB", (800, 600), (0, 128, 255)).save(out, "JPEG")
        file = alice.session.post(
            server.url + "/api/v1/files", params={"name": "sky.jpg"}, data=out.getvalue(), timeout=30
        ).json()["file"]
        assert file["thumbnail"] == {"width": 512, "height": 384}
        sent = alice.post(
            f"/conversations/{chat}/messages", {"client_id": str(uuid.uuid4()), "file_ids": [file["id"]]}
        ).json()["message"]
        events = stream.wait_for(lambda ev: any(e["type"] == "message.created" for e in ev))
        created = next(e for e in events if e["type"] == "message.created")
        assert created["message"] == sent
        assert created["message"]["attachments"] == [file]
        thumb = bob.get(f"/files/{file['id']}/thumbnail")
        assert thumb.status_code == 200
        assert Image.open(io.BytesIO(thumb.content)).size == (512, 384)
        ranged = bob.get(f"/files/{file['id']}", headers={"Range": "bytes=0-9"})
        assert ranged.status_code == 206 and ranged.content == out.getvalue()[:10]
    finally:
        stream.close()
        alice.session.close()
        bob.session.close()


def test_video_previews_are_made_under_gevent(server, tmp_path):
    """ffmpeg runs as a subprocess from a greenlet of the gevent worker (cooperative, with its timeout)."""
    import subprocess

    from server.files import previews
    from tests.support.api import ApiClient

    clip = tmp_path / "clip.mp4"
    source = ["-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=10"]
    encode = ["-c:v", "libx264", "-pix_fmt", "yuv420p"]
    command = [previews.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
    subprocess.run([*command, *source, *encode, str(clip)], check=True, timeout=60)
    alice = ApiClient(server.url, "alice")
    try:
        r = alice.session.post(
            server.url + "/api/v1/files", params={"name": "clip.mp4"}, data=clip.read_bytes(), timeout=60
        )
        file = r.json()["file"]
        assert file["content_type"] == "video/mp4"
        assert (file["width"], file["height"]) == (160, 120)
        assert 900 <= file["duration_ms"] <= 1100
        assert file["thumbnail"] == {"width": 160, "height": 120}
    finally:
        alice.session.close()
