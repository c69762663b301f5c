"""Whether a received file may be handed to the system's app without asking first.

The system opens a file by its extension, not by what the server sniffed it to be, so a plain-text
``invoice.bat`` or a JPEG-headed ``cat.jpg.bat`` would run as a program. A file opens unasked only when its
sniffed type is a picture, film, sound, plain text or PDF *and* the extension it is opened with is one that
type is known by; executables and scripts always ask, whatever they contain."""

from __future__ import annotations

from pathlib import PurePath

# Sniffed type → the extensions the system may open it by without asking.
SAFE_EXTENSIONS: dict[str, frozenset[str]] = {
    "image/jpeg": frozenset({".jpg", ".jpeg", ".jpe", ".jfif"}),
    "image/png": frozenset({".png"}),
    "image/gif": frozenset({".gif"}),
    "image/webp": frozenset({".webp"}),
    "image/bmp": frozenset({".bmp"}),
    "image/heic": frozenset({".heic", ".heif"}),
    "image/avif": frozenset({".avif"}),
    "image/tiff": frozenset({".tif", ".tiff"}),
    "video/mp4": frozenset({".mp4", ".m4v"}),
    "video/quicktime": frozenset({".mov", ".qt"}),
    "video/webm": frozenset({".webm"}),
    "video/x-matroska": frozenset({".mkv"}),
    "video/ogg": frozenset({".ogv", ".ogg"}),
    "video/x-msvideo": frozenset({".avi"}),
    "video/mpeg": frozenset({".mpg", ".mpeg"}),
    "audio/mpeg": frozenset({".mp3"}),
    "audio/ogg": frozenset({".ogg", ".oga", ".opus"}),
    "audio/wav": frozenset({".wav"}),
    "audio/flac": frozenset({".flac"}),
    "audio/mp4": frozenset({".m4a", ".aac", ".mp4"}),
    "audio/webm": frozenset({".weba", ".webm"}),
    "text/plain": frozenset({".txt", ".text", ".log", ".md"}),
    "application/pdf": frozenset({".pdf"}),
}

# Programs, scripts and active documents: always asked about, whatever the file holds.
ALWAYS_ASK = frozenset(
    {
        ".exe", ".com", ".scr", ".pif", ".msi", ".msp", ".dll", ".cpl", ".bat", ".cmd", ".vbs", ".vbe",
        ".js", ".jse", ".mjs", ".wsf", ".wsh", ".hta", ".ps1", ".psm1", ".lnk", ".url", ".reg", ".inf",
        ".sh", ".bash", ".zsh", ".csh", ".command", ".run", ".bin", ".elf", ".appimage", ".desktop",
        ".py", ".pyw", ".pl", ".rb", ".php", ".jar", ".class", ".app", ".pkg", ".dmg", ".deb", ".rpm",
        ".apk", ".svg", ".svgz", ".html", ".htm", ".xhtml", ".mht", ".mhtml", ".xml", ".chm", ".iso",
        ".docm", ".xlsm", ".pptm", ".application", ".gadget", ".msc", ".scf", ".library-ms",
    }
)  # fmt: skip


def opened_extension(name: str) -> str:
    """The extension the system will go by: the last one, lower-cased ("" when there is none)."""
    return PurePath(name).suffix.lower()


def needs_warning(name: str, content_type: str) -> bool:
    """True unless the file is a known kind of media or document under an extension of that kind."""
    extension = opened_extension(name)
    if not extension or extension in ALWAYS_ASK:
        return True
    base_type = content_type.split(";", 1)[0].strip().lower()
    return extension not in SAFE_EXTENSIONS.get(base_type, frozenset())
