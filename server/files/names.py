"""A user's file name, made safe to show and to save: no path, no control or bidi characters, bounded length.

The name is only ever displayed and offered as the download name; the bytes are stored under a random key.
Still, a client that saves under this name must not be steered into another directory, a hidden file, a
reserved device name, or a name whose extension is disguised by a right-to-left override.
"""

from __future__ import annotations

import unicodedata

MAX_NAME_BYTES = 200  # UTF-8 bytes; below every common file system's 255
DEFAULT_NAME = "file"
_WINDOWS_FORBIDDEN = set('<>:"|?*')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)}


def _allowed(char: str) -> bool:
    # Cc: controls (NUL, newline, ESC…); Cf: format characters, among them the bidi overrides (U+202E) that
    # make "exe.jpg" out of "gpj.exe"; Cs/Co/Cn: surrogates, private use, unassigned.
    return unicodedata.category(char)[0] != "C" and char not in _WINDOWS_FORBIDDEN


def _truncate(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode("utf-8")) > 16:
        stem, ext = name, ""
    budget = MAX_NAME_BYTES - len(ext.encode("utf-8")) - (1 if ext else 0)
    cut = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip(" .")
    return f"{cut}.{ext}" if ext else cut


def clean_filename(raw: str | None) -> str:
    """The display name for an upload called ``raw`` by the client (anything at all)."""
    if not raw:
        return DEFAULT_NAME
    name = unicodedata.normalize("NFC", raw)
    # Only the last path component, whichever separator the client's system uses.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c if _allowed(c) else ("" if unicodedata.category(c)[0] == "C" else "_") for c in name)
    name = " ".join(name.split())  # runs of whitespace, leading and trailing ones too
    name = name.strip(" .")  # no "..", no hidden ".bashrc", no trailing dots (Windows drops them)
    name = _truncate(name)
    if not name:
        return DEFAULT_NAME
    if name.split(".", 1)[0].lower() in _WINDOWS_RESERVED:
        name = "_" + name
    return name
