"""The file helpers on their own: sniffing, name cleaning, and the local store's durability rules."""

from __future__ import annotations

import pytest

from server.files.names import clean_filename
from server.files.sniff import OCTET_STREAM, sniff
from server.files.store import LocalFileStore, check_key
from tests.server.test_files import bomb_png, image_bytes, zip_bytes

SAMPLES = [
    (image_bytes("JPEG"), "image/jpeg"),
    (image_bytes("PNG"), "image/png"),
    (image_bytes("GIF"), "image/gif"),
    (image_bytes("WEBP"), "image/webp"),
    (image_bytes("BMP"), "image/bmp"),
    (image_bytes("TIFF"), "image/tiff"),
    (bomb_png(100, 100), "image/png"),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "video/mp4"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video/quicktime"),
    (b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00", "audio/mp4"),
    (b"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00", "image/heic"),
    (b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x84webm", "video/webm"),
    (b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\x82\x88matroska", "video/x-matroska"),
    (b"OggS\x00\x02" + b"\x00" * 22 + b"\x01vorbis", "audio/ogg"),
    (b"OggS\x00\x02" + b"\x00" * 22 + b"\x80theora", "video/ogg"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
    (b"RIFF\x24\x00\x00\x00AVI LIST", "video/x-msvideo"),
    (b"fLaC\x00\x00\x00\x22", "audio/flac"),
    (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
    (b"\xff\xfb\x90\x64\x00", "audio/mpeg"),
    (b"%PDF-1.4\n", "application/pdf"),
    (zip_bytes(), "application/zip"),
    (b"PK\x05\x06" + b"\x00" * 18, "application/zip"),
    (b"\x1f\x8b\x08\x00", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c\x00\x04", "application/x-7z-compressed"),
    (b"\x7fELF\x02\x01\x01", "application/x-executable"),
    (b"MZ\x90\x00\x03", "application/x-msdownload"),
    (b"<!doctype html><title>x</title>", "text/html"),
    (b"<!DOCTYPE HTML PUBLIC>", "text/html"),
    (b"\n\n   <html>", "text/html"),
    (b"<HEAD>", "text/html"),
    (b"<p>hi</p>", "text/html"),
    (b"<!-- comment -->", "text/html"),
    (b"\xef\xbb\xbf<body>", "text/html"),
    ("<\x00h\x00t\x00m\x00l\x00>\x00".encode("latin-1"), "text/html"),  # UTF-16 LE markup
    (b"\xff\xfe<\x00s\x00v\x00g\x00", "text/html"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
    (b"<?xml version='1.0'?>\n<!DOCTYPE svg>\n<svg>", "image/svg+xml"),
    (b"<?xml version='1.0'?><note/>", "application/xml"),
    (b"plain words\nand lines\n", "text/plain"),
    ("naïve café ✓\n".encode(), "text/plain"),
    ("cut é".encode()[:-1], "text/plain"),  # a character cut in two by the end of the sample
    (b"a <script>alert(1)</script> in text", "text/html"),
    (b"BMW drives", "text/plain"),  # "BM" alone is not a bitmap
    (b"\x00\x01\x02\x03binary", OCTET_STREAM),
    (b"\xfe\xed\xfa\xce\x00\x00", OCTET_STREAM),
    (b"", OCTET_STREAM),
    (b"\x00", OCTET_STREAM),
    (bytes(range(256)), OCTET_STREAM),
]


@pytest.mark.parametrize(("head", "expected"), SAMPLES)
def test_sniffing(head, expected):
    assert sniff(head) == expected


def test_the_client_name_plays_no_part_in_sniffing():
    assert sniff(b"GIF89a\x01\x00\x01\x00") == "image/gif"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (None, "file"),
        ("", "file"),
        ("   ", "file"),
        ("/", "file"),
        ("a/b/c/", "file"),
        ("C:\\Users\\me\\cv.pdf", "cv.pdf"),
        ("e\u0301.txt", "é.txt"),  # NFC: one code point, as the file system of most users expects
        ("\ufeffbom.txt", "bom.txt"),
        ("zero\u200bwidth.txt", "zerowidth.txt"),
        ("tab\there.txt", "tabhere.txt"),
        ('a:b*c|d<e>f"g.txt', "a_b_c_d_e_f_g.txt"),
        ("LPT1", "_LPT1"),
        ("aux.tar.gz", "_aux.tar.gz"),
        ("file.", "file"),
        ("emoji 😀.png", "emoji 😀.png"),
        ("x" * 250, "x" * 200),
        ("x" * 250 + ".verylongextension123", ("x" * 250 + ".verylongextension123")[:200]),
    ],
)
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def test_keys_cannot_leave_the_store(tmp_path):
    store = LocalFileStore(tmp_path / "files")
    for bad in ("../x", "a/b", "..", "", "A" * 5, ".hidden", "x" * 200, "a..b"):
        with pytest.raises(ValueError):
            check_key(bad)
        with pytest.raises(ValueError):
            store.local_path(bad)


def test_put_is_atomic_and_delete_is_idempotent(tmp_path):
    store = LocalFileStore(tmp_path / "files")
    with store.staging() as staged:
        staged.write_bytes(b"hello")
        store.put(staged, "0123abcd")
    assert not list((tmp_path / "files" / "staging").iterdir())
    with store.open("0123abcd") as f:
        assert f.read() == b"hello"
    assert store.local_path("0123abcd") == tmp_path / "files" / "01" / "0123abcd"
    assert store.keys() == ["0123abcd"]
    store.delete(["0123abcd", "0123abcd", "ffff0000"])
    assert store.local_path("0123abcd") is None
    with pytest.raises(FileNotFoundError):
        store.open("0123abcd")


def test_a_staging_file_not_put_is_removed(tmp_path):
    store = LocalFileStore(tmp_path / "files")
    with pytest.raises(RuntimeError), store.staging() as staged:
        staged.write_bytes(b"half")
        raise RuntimeError("client went away")
    assert not list((tmp_path / "files" / "staging").iterdir())
    assert (tmp_path / "files").stat().st_mode & 0o777 == 0o700
