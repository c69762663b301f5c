"""Previews made by the server: image thumbnails, video poster frames, durations, square avatars.

Every decoder here reads untrusted bytes, so each is bounded: Pillow refuses images above MAX_PIXELS
(decompression bombs) before decoding a single pixel. ffmpeg runs with a forced demuxer, file-only
protocols, one thread, a timeout, a CPU-time and an address-space limit (RLIMIT_CPU, RLIMIT_AS in the
child), and the same pixel cap: a video whose container declares a frame over MAX_PIXELS gets no poster
(its first frame is never decoded), and the decoder refuses larger frames anyway (``-max_pixels``), should
the container lie. Any failure means "no preview": the file still works as a plain attachment. Thumbnails
are new images built from pixels only, so no EXIF (GPS, camera serial) survives. How many previews run at
once is bounded by the caller (server/services/preview_slots.py).
"""

from __future__ import annotations

import functools
import io
import logging
import math
import re
import resource
import subprocess
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PIL import Image, ImageOps

log = logging.getLogger(__name__)

T = TypeVar("T")
Offload = Callable[..., Any]  # offload(fn, *args) -> fn(*args), run wherever the caller wants

# 50 megapixels: every phone camera but the 200 MP ones; a full decode of the largest image allowed is
# ~150 MB of RGB. JPEGs are decoded in draft mode (down-scaled by the decoder) and cost far less.
MAX_PIXELS = 50_000_000
THUMBNAIL_BOX = 512
AVATAR_SIZES = {"small": 128, "large": 512}
FFMPEG_TIMEOUT_SECONDS = 20
DEFAULT_FFMPEG_MEMORY = 1024 * 1024 * 1024

# Pillow warns above MAX_IMAGE_PIXELS and raises above twice that. Both are refusals here: the warning is
# turned into an exception once for the whole process, so no image between the two limits is ever decoded.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)
_BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)

_PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/bmp": "BMP",
}
# The only demuxer ffmpeg may use for each sniffed type: never a playlist or concat demuxer, which could be
# talked into reading other local files.
_FFMPEG_DEMUXERS = {
    "video/mp4": "mov",
    "video/quicktime": "mov",
    "video/3gpp": "mov",
    "audio/mp4": "mov",
    "video/webm": "matroska",
    "video/x-matroska": "matroska",
    "video/ogg": "ogg",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/flac": "flac",
}


class NotAnImage(ValueError):
    """The bytes are no image Pillow will decode within the limits (avatars need one)."""


@dataclass
class Preview:
    """What the server learned about a file; every field may be unknown."""

    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    thumbnail: bytes | None = None
    thumbnail_type: str | None = None
    thumbnail_width: int | None = None
    thumbnail_height: int | None = None


def can_preview_image(content_type: str) -> bool:
    return content_type in _PILLOW_FORMATS


def can_probe_media(content_type: str) -> bool:
    return content_type in _FFMPEG_DEMUXERS


# ---- images ------------------------------------------------------------------------------------------


def _open(source, content_type: str, box: int) -> Image.Image:
    """Decode the first frame, upright. Raises on bombs, truncation and anything else a decoder dislikes."""
    im = Image.open(source, formats=[_PILLOW_FORMATS[content_type]])
    try:
        im.draft("RGB", (box, box))  # JPEG: let the decoder scale down by up to 8; no-op otherwise
        im.load()
        ImageOps.exif_transpose(im, in_place=True)  # in place: no second full-size copy
        return im
    except BaseException:
        im.close()
        raise


def _original_size(path: Path, content_type: str) -> tuple[int, int]:
    with Image.open(path, formats=[_PILLOW_FORMATS[content_type]]) as im:
        width, height = im.size
        if im.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF orientation that turns the picture sideways
            width, height = height, width
        return width, height


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in ("RGBA", "LA", "PA", "RGBa") or (im.mode == "P" and "transparency" in im.info)


def _pixels_only(im: Image.Image, mode: str) -> Image.Image:
    """A new image with the same pixels and nothing else: no EXIF, no ICC profile, no text chunks."""
    converted = im.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def _encode_thumbnail(im: Image.Image) -> tuple[bytes, str]:
    alpha = _has_alpha(im)
    mode = "RGBA" if alpha else "RGB"
    if im.mode not in ("RGB", "RGBA", "L", "LA"):  # palette, 1-bit, 16-bit: scaled well only once converted
        im = im.convert(mode)
    # Scaled down first: the copies that strip metadata are then of the thumbnail, not of 50 megapixels.
    im.thumbnail((THUMBNAIL_BOX, THUMBNAIL_BOX), Image.Resampling.LANCZOS)
    im = _pixels_only(im, mode)
    out = io.BytesIO()
    if alpha:
        im.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png"
    im.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue(), "image/jpeg"


def image_preview(path: Path, content_type: str) -> Preview:
    """Size and thumbnail of an image (first frame of an animation); empty when none can be made."""
    try:
        width, height = _original_size(path, content_type)
        with _open(path, content_type, THUMBNAIL_BOX) as im:
            data, kind = _encode_thumbnail(im)
    except _BOMB:
        log.info("no preview for %s: over %d pixels", path.name, MAX_PIXELS)
        return Preview()
    except Exception as exc:  # truncated, corrupt or hostile: no preview, still a plain attachment
        log.info("no preview for %s: %s", path.name, exc)
        return Preview()
    return _with_thumbnail(Preview(width=width, height=height), data, kind)


def _with_thumbnail(preview: Preview, data: bytes, kind: str) -> Preview:
    with Image.open(io.BytesIO(data)) as thumb:
        preview.thumbnail_width, preview.thumbnail_height = thumb.size
    preview.thumbnail, preview.thumbnail_type = data, kind
    return preview


def avatar_images(path: Path, content_type: str) -> dict[str, bytes]:
    """The picture cropped to its central square, as JPEG in every AVATAR_SIZES size; NotAnImage if none."""
    if not can_preview_image(content_type):
        raise NotAnImage("a profile picture must be a JPEG, PNG, GIF or WebP image")
    largest = max(AVATAR_SIZES.values())
    try:
        with _open(path, content_type, largest) as im:
            rgba = _pixels_only(im, "RGBA")
    except _BOMB:
        raise NotAnImage(f"the image has more than {MAX_PIXELS:,} pixels") from None
    except Exception:
        raise NotAnImage("the image could not be decoded") from None
    side = min(rgba.size)
    left, top = (rgba.width - side) // 2, (rgba.height - side) // 2
    square = rgba.crop((left, top, left + side, top + side))
    flat = Image.new("RGB", square.size, (255, 255, 255))
    flat.paste(square, mask=square.getchannel("A"))
    result = {}
    for name, size in AVATAR_SIZES.items():
        out = io.BytesIO()
        flat.resize((size, size), Image.Resampling.LANCZOS).save(out, "JPEG", quality=88, optimize=True)
        result[name] = out.getvalue()
    return result


# ---- video and audio ---------------------------------------------------------------------------------


@functools.cache
def ffmpeg_exe() -> str:
    """The ffmpeg binary the imageio-ffmpeg wheel ships (no system ffmpeg needed)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


_DURATION = re.compile(rb"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_VIDEO_SIZE = re.compile(rb"Stream #\d+:\d+.*?: Video: (?!.*attached pic).*?[\s,](\d{1,5})x(\d{1,5})[\s,\[]")
_ROTATION = re.compile(rb"(?:displaymatrix: rotation of|rotate\s*:)\s*(-?\d+(?:\.\d+)?)")
_ANY_VIDEO = re.compile(rb"Stream #\d+:\d+.*?: Video: ")


def _limit_child(memory_bytes: int) -> Callable[[], None]:
    """Run in the ffmpeg child before exec: it may use this much address space and CPU time, no more."""

    cpu_seconds = max(1, math.ceil(FFMPEG_TIMEOUT_SECONDS))

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _ffmpeg(args: list[str], memory_bytes: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-threads", "1", *args],
        capture_output=True,
        timeout=FFMPEG_TIMEOUT_SECONDS,
        check=False,
        preexec_fn=_limit_child(memory_bytes),
    )


def _input(path: Path, content_type: str) -> list[str]:
    return [
        *("-max_pixels", str(MAX_PIXELS)),  # the decoder refuses bigger frames, whatever the container says
        *("-protocol_whitelist", "file", "-f", _FFMPEG_DEMUXERS[content_type], "-i", f"file:{path}"),
    ]


def _direct(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


def media_preview(
    path: Path, content_type: str, memory_bytes: int = DEFAULT_FFMPEG_MEMORY, offload: Offload = _direct
) -> Preview:
    """Duration of audio and video; size and poster frame of video (or an audio file's cover picture).

    The size comes from probing the container, which decodes nothing; a frame over MAX_PIXELS means no
    size and no poster, so the frame is never decoded. ``offload(fn, *args)`` runs the CPU part (decoding
    and re-encoding the poster frame): the server passes its thread pool, so that only the ffmpeg
    subprocesses are waited for on the event loop.
    """
    try:
        info = _ffmpeg(_input(path, content_type), memory_bytes).stderr
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("ffmpeg could not read %s: %s", path.name, exc)
        return Preview()
    preview = Preview()
    duration = _DURATION.search(info)
    if duration:
        hours, minutes, seconds = duration.groups()
        preview.duration_ms = round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)
    size = _VIDEO_SIZE.search(info)
    if size:
        width, height = int(size.group(1)), int(size.group(2))
        if width * height > MAX_PIXELS:
            log.info(
                "no preview for %s: a %dx%d frame is over %d pixels", path.name, width, height, MAX_PIXELS
            )
            return preview
        preview.width, preview.height = width, height
        rotation = _ROTATION.search(info)
        if rotation and round(abs(float(rotation.group(1)))) % 180 == 90:
            preview.width, preview.height = preview.height, preview.width
    if _ANY_VIDEO.search(info):
        # A second in, or a third of the way into a short clip: the very first frame is often black.
        at = min(1.0, (preview.duration_ms or 0) / 3000)
        poster = _poster(path, content_type, at, memory_bytes, offload)
        if poster is not None:
            data, kind = poster
            preview = _with_thumbnail(preview, data, kind)
    return preview


def _frame_thumbnail(png: bytes) -> tuple[bytes, str]:
    with _open(io.BytesIO(png), "image/png", THUMBNAIL_BOX) as frame:
        return _encode_thumbnail(frame)


def _poster(
    path: Path, content_type: str, at_seconds: float, memory_bytes: int, offload: Offload
) -> tuple[bytes, str] | None:
    box = THUMBNAIL_BOX
    scale = f"scale=w='min({box},iw)':h='min({box},ih)':force_original_aspect_ratio=decrease"
    args = ["-ss", f"{at_seconds:.3f}", *_input(path, content_type)]
    args += ["-map", "0:v:0", "-frames:v", "1", "-vf", scale, "-f", "image2pipe", "-c:v", "png", "pipe:1"]
    try:
        result = _ffmpeg(args, memory_bytes)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("ffmpeg gave no poster frame for %s: %s", path.name, exc)
        return None
    if result.returncode != 0 or not result.stdout:
        return None
    try:
        return offload(_frame_thumbnail, result.stdout)
    except Exception as exc:
        log.info("ffmpeg's poster frame for %s did not decode: %s", path.name, exc)
        return None
