"""What a file is, from its first bytes (magic numbers), never from the name or the client's Content-Type.

A small signature table of our own rather than python-magic (needs the C libmagic) or the ``filetype``
package (it knows no text formats, so it cannot tell HTML or SVG from anything else, and those are the types
that matter most here). Only types the server treats specially are named; everything else is
``application/octet-stream`` or ``text/plain`` and is served as a download.
"""

from __future__ import annotations

import re

# How much of the start of a file ``sniff`` wants to see.
SNIFF_BYTES = 4096

OCTET_STREAM = "application/octet-stream"

# Types a browser or viewer can run script in, or that are parsed as markup: never inline, never even served
# under their own type (application/octet-stream instead), so no client renders them by accident.
SCRIPTABLE = frozenset(
    {"text/html", "image/svg+xml", "application/xml", "text/xml", "application/xhtml+xml", "application/pdf"}
)

# What may be shown inline by default: decoded media only (CHATIDK_INLINE_TYPES may narrow it).
DEFAULT_INLINE = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "video/mp4",
        "video/webm",
        "video/quicktime",
        "audio/mpeg",
        "audio/ogg",
        "audio/wav",
        "audio/flac",
        "audio/mp4",
    }
)
# Whatever the configuration says, only these could ever be inline.
INLINE_CANDIDATES = DEFAULT_INLINE | {"video/ogg", "video/x-matroska", "image/bmp", "audio/webm"}

_ISO_BMFF_AUDIO = {b"M4A ", b"M4B ", b"M4P ", b"F4A "}
_ISO_BMFF_QUICKTIME = {b"qt  "}
_ISO_BMFF_IMAGE = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}

# WHATWG MIME sniffing's HTML patterns: "<" + tag, then a space or ">" (compared case-insensitively).
_HTML_TAGS = (
    b"!doctype html",
    b"html",
    b"head",
    b"script",
    b"iframe",
    b"h1",
    b"div",
    b"font",
    b"table",
    b"a",
    b"style",
    b"title",
    b"b",
    b"body",
    b"br",
    b"p",
    b"!--",
    b"meta",
    b"link",
    b"svg",
    b"math",
    b"object",
    b"embed",
    b"form",
    b"img",
)
_MARKUP_ANYWHERE = re.compile(rb"<\s*(script|svg|html|iframe|object|embed)[\s/>]", re.IGNORECASE)
_BMP_HEADER_SIZES = {12, 40, 52, 56, 64, 108, 124}
_TEXT_CONTROLS = set(range(32)) - {9, 10, 12, 13, 27}


def _iso_bmff(head: bytes) -> str | None:
    """MP4 and relatives: a box of type 'ftyp' at offset 4, the major brand after it."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    brand = head[8:12]
    if brand in _ISO_BMFF_IMAGE:
        return (
            "image/heic"
            if brand.startswith(b"he")
            else "image/avif"
            if brand.startswith(b"av")
            else OCTET_STREAM
        )
    if brand in _ISO_BMFF_AUDIO:
        return "audio/mp4"
    if brand in _ISO_BMFF_QUICKTIME:
        return "video/quicktime"
    if brand.startswith(b"3g"):
        return "video/3gpp"
    return "video/mp4"


def _ebml(head: bytes) -> str:
    """Matroska and WebM share the EBML header; the DocType element says which."""
    return "video/webm" if b"webm" in head[:64] else "video/x-matroska"


def _ogg(head: bytes) -> str:
    return "video/ogg" if b"\x80theora" in head[:128] else "audio/ogg"


def _is_mp3_frame(head: bytes) -> bool:
    # Frame sync (11 bits set), MPEG version not "reserved", layer III.
    return len(head) >= 3 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06) == 0x02


_SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
    (b"\x00\x00\x01\x00", 0, "image/vnd.microsoft.icon"),
    (b"%PDF-", 0, "application/pdf"),
    (b"PK\x03\x04", 0, "application/zip"),
    (b"PK\x05\x06", 0, "application/zip"),
    (b"PK\x07\x08", 0, "application/zip"),
    (b"\x1f\x8b", 0, "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", 0, "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", 0, "application/vnd.rar"),
    (b"\xfd7zXZ\x00", 0, "application/x-xz"),
    (b"ustar", 257, "application/x-tar"),
    (b"fLaC", 0, "audio/flac"),
    (b"ID3", 0, "audio/mpeg"),
    (b"\x7fELF", 0, "application/x-executable"),
    (b"MZ", 0, "application/x-msdownload"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "application/x-ole-storage"),
]


def _markup(head: bytes) -> str | None:
    """HTML, SVG and XML, however they are dressed: BOMs and leading whitespace are skipped."""
    text = head
    for bom in (b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe"):
        if text.startswith(bom):
            text = text[len(bom) :]
            break
    if text[:2] in (b"<\x00", b"\x00<"):  # UTF-16 markup: treat as the most dangerous reading
        return "text/html"
    text = text.lstrip(b" \t\n\r\x0c")
    lower = text[:1024].lower()
    if lower.startswith(b"<?xml"):
        return "image/svg+xml" if b"<svg" in head.lower() else "application/xml"
    if lower.startswith(b"<svg"):
        return "image/svg+xml"
    if lower.startswith(b"<"):
        for tag in _HTML_TAGS:
            end = 1 + len(tag)
            if (
                lower[1:end] == tag
                and len(lower) > end
                and lower[end : end + 1] in (b" ", b">", b"\t", b"\n")
            ):
                return "text/html"
        if lower.startswith(b"<!doctype"):
            return "text/html"
    return None


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut off by the end of the sample is still text.
        if exc.start < len(head) - 3:
            return False
    return not any(b in _TEXT_CONTROLS for b in head)


def sniff(head: bytes) -> str:
    """The content type of a file that starts with ``head`` (give it at least SNIFF_BYTES when there are)."""
    if not head:
        return OCTET_STREAM
    if head[:4] == b"RIFF" and len(head) >= 12:
        kind = head[8:12]
        if kind == b"WEBP":
            return "image/webp"
        if kind == b"WAVE":
            return "audio/wav"
        if kind == b"AVI ":
            return "video/x-msvideo"
        return OCTET_STREAM
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return _ebml(head)
    if head[:4] == b"OggS":
        return _ogg(head)
    bmff = _iso_bmff(head)
    if bmff:
        return bmff
    for magic, offset, content_type in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return content_type
    if head[:2] == b"BM" and len(head) >= 18 and int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES:
        return "image/bmp"
    if head[:3] == b"BZh" and head[3:4].isdigit():
        return "application/x-bzip2"
    if _is_mp3_frame(head):
        return "audio/mpeg"
    markup = _markup(head)
    if markup:
        return markup
    if _is_text(head):
        # Text that carries markup anywhere in its first bytes is served as if it were HTML: a download.
        return "text/html" if _MARKUP_ANYWHERE.search(head) else "text/plain"
    return OCTET_STREAM


def served_type(content_type: str) -> str:
    """The Content-Type a download goes out with: the sniffed one, except for scriptable types."""
    if content_type in SCRIPTABLE:
        return OCTET_STREAM
    return content_type  # Flask adds "; charset=utf-8" to text/plain
