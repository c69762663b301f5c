"""How files read in the UI: sizes, durations, and a message with files in one line."""

from __future__ import annotations

from desktop.domain.attachments import Attachment
from desktop.domain.sizes import human_size as human_size  # re-exported: views name it from here


def duration_label(milliseconds: int | None) -> str:
    if milliseconds is None:
        return ""
    seconds = max(0, round(milliseconds / 1000))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def summary(attachments: list[Attachment]) -> str:
    """One line for previews and notifications of a message with files: "📎 report.pdf", "🖼 Photo",
    "🖼 2 photos" (a picture's file name says little: a paste is "Photo.png", a camera's "IMG_2041.JPG")."""
    if not attachments:
        return ""
    kinds = {a.content_type.split("/", 1)[0] for a in attachments}
    if len(attachments) == 1:
        only = attachments[0]
        major = only.content_type.split("/", 1)[0]
        if major == "image":
            return "🖼 Photo"
        icon = {"video": "🎬", "audio": "🎵"}.get(major, "📎")
        return f"{icon} {only.name}"
    if kinds == {"image"}:
        return f"🖼 {len(attachments)} photos"
    return f"📎 {len(attachments)} files"


def one_line(text: str | None, attachments: list[Attachment]) -> str:
    """A message in one line (conversation list, notifications): its text, or what files it carries."""
    flat = " ".join((text or "").split())
    return flat or summary(attachments)


REPLY_SNIPPET_CHARS = 100
DELETED_QUOTE = "Deleted message"


def reply_snippet(text: str | None, attachments: list[Attachment]) -> str:
    """What a quote of this message says, in the server's words (docs/protocol.md, "Replies"): the text on
    one line, else "Photo" or "Video" for a picture or video first, else the first file's name."""
    flat = " ".join((text or "").split())
    if flat or not attachments:
        return flat[:REPLY_SNIPPET_CHARS]
    major = attachments[0].content_type.split("/", 1)[0]
    return {"image": "Photo", "video": "Video"}.get(major, attachments[0].name)


def quote_line(snippet: str | None, deleted: bool) -> str:
    """A quote in a bubble or the reply bar: its snippet, or "Deleted message" once the original is gone."""
    return DELETED_QUOTE if deleted or snippet is None else " ".join(snippet.split())
