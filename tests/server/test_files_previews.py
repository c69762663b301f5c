"""Previews made by the server: thumbnails (upright, metadata-free, bounded), GIF first frames, video poster
frames and durations, audio durations; and what happens to files no preview can be made of.

Video and audio are made on the spot with the ffmpeg binary that the imageio-ffmpeg wheel ships.
"""

from __future__ import annotations

import io
import subprocess

import pytest
from PIL import Image

from server.files import previews
from tests.server.conftest import assert_error
from tests.server.test_files import bomb_png, fetch, image_bytes, send_files, uploaded


def thumbnail_of(user, file: dict) -> Image.Image:
    r = fetch(user, f"/files/{file['id']}/thumbnail")
    assert r.status_code == 200, r.data[:200]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Disposition"].startswith("inline")
    image = Image.open(io.BytesIO(r.data))
    image.load()
    assert r.mimetype == Image.MIME[image.format]
    assert image.size == (file["thumbnail"]["width"], file["thumbnail"]["height"])
    return image


def ffmpeg(tmp_path, name: str, *args: str) -> bytes:
    out = tmp_path / name
    subprocess.run(
        [previews.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args, str(out)],
        check=True,
        timeout=60,
    )
    return out.read_bytes()


def test_a_photo_thumbnail_is_upright_small_and_free_of_exif_and_gps(alice):
    # 600×400 stored, EXIF orientation 6: to be shown turned a quarter clockwise, i.e. 400×600 upright.
    source = Image.new("RGB", (600, 400), (255, 0, 0))
    source.paste((0, 0, 255), (300, 0, 600, 400))  # right half blue: after turning, the bottom half
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "SpyCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 31.0, 12.0)
    out = io.BytesIO()
    source.save(out, "JPEG", exif=exif, quality=95)
    file = uploaded(alice, out.getvalue(), "IMG_0001.JPG")
    assert file["content_type"] == "image/jpeg"
    assert (file["width"], file["height"]) == (400, 600)
    thumb = thumbnail_of(alice, file)
    assert thumb.format == "JPEG"
    assert max(thumb.size) <= previews.THUMBNAIL_BOX
    assert thumb.width < thumb.height  # upright
    top, bottom = thumb.getpixel((thumb.width // 2, 5)), thumb.getpixel((thumb.width // 2, thumb.height - 5))
    assert top[0] > 200 and top[2] < 60  # red on top
    assert bottom[2] > 200 and bottom[0] < 60  # blue below
    assert dict(thumb.getexif()) == {}
    assert "exif" not in thumb.info and "icc_profile" not in thumb.info
    # The original is served as uploaded: the server does not rewrite users' files.
    assert fetch(alice, f"/files/{file['id']}").data == out.getvalue()


def test_a_large_image_is_scaled_to_the_box(alice):
    file = uploaded(alice, image_bytes("PNG", (2000, 1000)), "wide.png")
    assert (file["width"], file["height"]) == (2000, 1000)
    assert file["thumbnail"] == {"width": 512, "height": 256}
    assert thumbnail_of(alice, file).size == (512, 256)


def test_a_small_image_is_not_blown_up(alice):
    file = uploaded(alice, image_bytes("PNG", (20, 10)), "tiny.png")
    assert file["thumbnail"] == {"width": 20, "height": 10}


def test_transparency_keeps_a_png_thumbnail(alice):
    file = uploaded(alice, image_bytes("PNG", (100, 100), (0, 255, 0, 0), mode="RGBA"), "sticker.png")
    thumb = thumbnail_of(alice, file)
    assert thumb.format == "PNG" and thumb.mode == "RGBA"
    assert thumb.getpixel((50, 50))[3] == 0


def test_webp_images_get_thumbnails(alice):
    file = uploaded(alice, image_bytes("WEBP", (80, 60)), "pic.webp")
    assert file["content_type"] == "image/webp"
    assert thumbnail_of(alice, file).size == (80, 60)


def test_an_animated_gif_previews_its_first_frame(alice):
    frames = [Image.new("RGB", (60, 60), color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    file = uploaded(alice, out.getvalue(), "party.gif")
    assert file["content_type"] == "image/gif"
    thumb = thumbnail_of(alice, file).convert("RGB")
    red, green, blue = thumb.getpixel((30, 30))
    assert red > 200 and green < 60 and blue < 60
    assert fetch(alice, f"/files/{file['id']}").headers["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize(
    "size",
    [
        (50_000, 50_000),  # 2.5 gigapixels: Pillow's own hard limit refuses it
        (8_000, 8_000),  # 64 megapixels: over our bound, under Pillow's hard one: refused all the same
    ],
)
def test_a_decompression_bomb_is_refused_a_preview_and_stays_a_plain_download(alice, bob, size):
    data = bomb_png(*size)
    assert len(data) < 200_000
    file = uploaded(alice, data, "innocent.png")
    assert file["content_type"] == "image/png"
    assert file["thumbnail"] is None
    assert (file["width"], file["height"]) == (None, None)
    assert_error(fetch(alice, f"/files/{file['id']}/thumbnail"), 404, "not_found")
    r = fetch(alice, f"/files/{file['id']}")
    assert r.status_code == 200 and r.data == data
    assert r.headers["Content-Disposition"].startswith("attachment")  # no client is led to decode it inline


def test_an_image_just_under_the_bound_is_previewed(alice):
    file = uploaded(alice, image_bytes("PNG", (5000, 4000), mode="L", color=128), "big.png")
    assert file["thumbnail"] == {"width": 512, "height": 410}


def test_a_truncated_image_falls_back_to_a_plain_attachment(alice, bob):
    whole = image_bytes("PNG", (300, 300), (10, 200, 10), optimize=False)
    cut = whole[: len(whole) // 2]
    file = uploaded(alice, cut, "cut.png")
    assert file["content_type"] == "image/png"
    assert file["thumbnail"] is None
    chat = alice.direct_with(bob)["id"]
    assert send_files(alice, chat, [file["id"]], "broken?").status_code == 201
    r = fetch(bob, f"/files/{file['id']}")
    assert r.data == cut and r.headers["Content-Disposition"].startswith("attachment")


def test_garbage_behind_an_image_signature_gets_no_preview(alice):
    file = uploaded(alice, b"\xff\xd8\xff\xe0" + b"\x00garbage" * 100, "fake.jpg")
    assert file["content_type"] == "image/jpeg"
    assert file["thumbnail"] is None


# ---- video and audio -------------------------------------------------------------------------------------


def test_a_video_gets_a_poster_frame_size_and_duration(tmp_path, alice, bob):
    data = ffmpeg(
        tmp_path,
        "clip.mp4",
        *("-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=10"),
        *("-c:v", "libx264", "-pix_fmt", "yuv420p"),
    )
    file = uploaded(alice, data, "clip.mp4")
    assert file["content_type"] == "video/mp4"
    assert (file["width"], file["height"]) == (320, 240)
    assert 1900 <= file["duration_ms"] <= 2100
    assert file["thumbnail"] == {"width": 320, "height": 240}
    poster = thumbnail_of(alice, file)
    assert poster.format == "JPEG" and dict(poster.getexif()) == {}
    r = fetch(alice, f"/files/{file['id']}", headers={"Range": "bytes=0-99"})
    assert r.status_code == 206 and r.data == data[:100]  # seeking in the player
    assert r.headers["Content-Disposition"].startswith("inline")


def test_a_tall_webm_video_gets_a_poster_within_the_box(tmp_path, alice):
    data = ffmpeg(
        tmp_path,
        "tall.webm",
        *("-f", "lavfi", "-i", "testsrc=duration=1:size=360x640:rate=5"),
        *("-c:v", "libvpx-vp9", "-deadline", "realtime"),
    )
    file = uploaded(alice, data, "tall.webm")
    assert file["content_type"] == "video/webm"
    assert (file["width"], file["height"]) == (360, 640)
    assert file["thumbnail"] == {"width": 288, "height": 512}


@pytest.mark.parametrize(
    ("name", "codec", "content_type"),
    [
        ("tone.mp3", ("-c:a", "libmp3lame"), "audio/mpeg"),
        ("tone.ogg", ("-c:a", "libvorbis"), "audio/ogg"),
        ("tone.wav", ("-c:a", "pcm_s16le"), "audio/wav"),
        ("tone.flac", ("-c:a", "flac"), "audio/flac"),
        ("tone.m4a", ("-c:a", "aac"), "audio/mp4"),
    ],
)
def test_audio_gets_its_duration(tmp_path, alice, name, codec, content_type):
    data = ffmpeg(tmp_path, name, "-f", "lavfi", "-i", "sine=frequency=440:duration=1.5", *codec)
    file = uploaded(alice, data, name)
    assert file["content_type"] == content_type
    assert 1400 <= file["duration_ms"] <= 1600
    assert file["thumbnail"] is None and file["width"] is None
    assert fetch(alice, f"/files/{file['id']}").headers["Content-Disposition"].startswith("inline")


def test_a_broken_video_is_a_file_without_preview(alice):
    data = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 500
    file = uploaded(alice, data, "broken.mp4")
    assert file["content_type"] == "video/mp4"
    assert file["thumbnail"] is None and file["duration_ms"] is None


def test_ffmpeg_that_takes_too_long_is_given_up_on(tmp_path, alice, monkeypatch):
    data = ffmpeg(tmp_path, "t.mp3", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "libmp3lame")
    monkeypatch.setattr(previews, "FFMPEG_TIMEOUT_SECONDS", 1e-6)
    file = uploaded(alice, data, "t.mp3")
    assert file["content_type"] == "audio/mpeg" and file["duration_ms"] is None


def test_ffmpeg_may_not_follow_a_playlist_to_local_files(tmp_path, alice):
    """An HLS playlist naming a local file is text to us: never handed to ffmpeg, never read."""
    playlist = b"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"
    file = uploaded(alice, playlist, "clip.mp4")
    assert file["content_type"] == "text/plain"
    assert file["duration_ms"] is None and file["thumbnail"] is None
