"""Preview work is bounded: a video pixel bomb is never decoded, ffmpeg runs under a memory cap, and previews
made at once per worker are bounded, the rest waiting in a queue.

As found: the 50-megapixel cap applied only to Pillow. A 3 MB QuickTime holding one 16000×16000 frame made
ffmpeg use ~680 MB at upload, 6 such uploads at once used 4 GB, and nothing bounded how many ran at once
(images just under the cap cost ~570 MB each).
"""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from server.files import previews
from tests.server.test_files import uploaded
from tests.server.test_files_previews import ffmpeg

ROOT = Path(__file__).resolve().parents[2]


def mjpeg_clip(folder, side: int) -> bytes:
    """A second of two side×side frames of grey: a few hundred kilobytes however big the frames."""
    source = f"color=c=gray:s={side}x{side}:d=1:r=2"
    return ffmpeg(
        folder, "clip.mov", "-f", "lavfi", "-i", source, "-c:v", "mjpeg", "-q:v", "31", "-threads", "1"
    )


@pytest.fixture(scope="module")
def pixel_bomb(tmp_path_factory) -> bytes:
    """Two 10000×10000 frames (100 megapixels each, twice the cap) in a small QuickTime file."""
    return mjpeg_clip(tmp_path_factory.mktemp("bomb"), 10000)


def ffmpeg_peak_mib(path, content_type: str) -> tuple[float, previews.Preview]:
    """The preview of ``path`` made in a fresh process, and the peak RSS of its largest ffmpeg child."""
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from server.files import previews\n"
        "p = previews.media_preview(Path(sys.argv[1]), sys.argv[2])\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(peak, p.width, p.height, p.thumbnail_type)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path), content_type],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    peak_kib, width, height, thumbnail = out
    none = lambda v: None if v == "None" else v  # noqa: E731
    preview = previews.Preview(width=none(width), height=none(height), thumbnail_type=none(thumbnail))
    return int(peak_kib) / 1024, preview


def test_a_video_frame_over_the_pixel_cap_is_never_decoded(tmp_path, pixel_bomb):
    path = tmp_path / "bomb.mov"
    path.write_bytes(pixel_bomb)
    peak, preview = ffmpeg_peak_mib(path, "video/quicktime")
    assert preview.thumbnail_type is None and preview.width is None
    # Decoding one frame alone takes 150 MB (measured before: ~400 MiB); probing the container ~30 MiB.
    assert peak < 100, f"ffmpeg peaked at {peak:.0f} MiB"


def test_a_pixel_bomb_upload_is_stored_without_a_preview(alice, pixel_bomb):
    file = uploaded(alice, pixel_bomb, "bomb.mov")
    assert file["content_type"] == "video/quicktime"
    assert (file["thumbnail"], file["width"], file["height"]) == (None, None, None)


def test_ffmpeg_gets_no_more_memory_than_configured(tmp_path, alice, configure):
    """A 49-megapixel video (under the cap) needs ~150 MiB to decode: no poster in 256 MiB, one in 1 GiB."""
    data = mjpeg_clip(tmp_path, 7000)
    assert uploaded(alice, data, "big.mov")["thumbnail"] is not None
    configure(preview_memory_mb=256)
    file = uploaded(alice, data, "big.mov")
    assert file["thumbnail"] is None and file["content_type"] == "video/quicktime"


def png(size: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), (10, 200, 30)).save(out, "PNG")
    return out.getvalue()


def test_previews_made_at_once_are_bounded_and_the_rest_wait(app, alice, monkeypatch):
    """Five photo uploads at once with two preview slots: two are decoded, three wait their turn."""
    assert app.extensions["chatidk"].config.preview_jobs == 2
    slots = app.extensions["chatidk"].preview_slots
    real_preview = previews.image_preview
    release = threading.Event()
    inside, most = [0], [0]
    lock = threading.Lock()

    def held_preview(path, content_type):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        release.wait(60)
        with lock:
            inside[0] -= 1
        return real_preview(path, content_type)

    monkeypatch.setattr(previews, "image_preview", held_preview)
    results: list[int] = []

    def upload_one(n: int) -> None:
        r = app.test_client().post(
            f"/api/v1/files?name=photo{n}.png", data=png(), headers=alice.headers, content_type="image/png"
        )
        results.append(r.status_code)

    threads = [threading.Thread(target=upload_one, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while not (slots.running == 2 and slots.waiting == 3):
        assert time.monotonic() < deadline, (slots.running, slots.waiting)
        time.sleep(0.01)
    assert inside[0] == 2
    release.set()
    for thread in threads:
        thread.join(60)
    assert results == [201] * 5 and most[0] == 2
    assert (slots.running, slots.waiting) == (0, 0)


def test_a_large_image_thumbnail_is_made_from_the_scaled_down_picture(alice):
    """The metadata-stripping copies are of the thumbnail, not of the full picture (less memory per job)."""
    out = io.BytesIO()
    Image.new("P", (3000, 2000), 3).save(out, "PNG")
    file = uploaded(alice, out.getvalue(), "palette.png")
    assert (file["width"], file["height"]) == (3000, 2000)
    assert max(file["thumbnail"]["width"], file["thumbnail"]["height"]) == previews.THUMBNAIL_BOX
