"""Files on messages (docs/protocol.md, "File"): as the server describes them, or local ones uploading."""

from __future__ import annotations

import logging
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

IMAGE, VIDEO, AUDIO, FILE = "image", "video", "audio", "file"
_FILE_ID = re.compile(r"[0-9a-f]{32}")  # docs/protocol.md, "File": 32 lower-case hex digits
log = logging.getLogger(__name__)


def is_file_id(value: object) -> bool:
    """A server's file id as the protocol defines it; the client names cache files by it, so nothing else
    (``../../x``, a slash, a drive letter) may ever reach a path."""
    return isinstance(value, str) and _FILE_ID.fullmatch(value) is not None


class BadFileId(ValueError):
    """A file described with an id that is not one (a hostile or broken server)."""


@dataclass(slots=True)
class Attachment:
    """A file on a message. Until it is uploaded ``id`` is None and ``local_path`` names it on this machine;
    the content type is then only a guess from the name (the server's sniffed one replaces it)."""

    name: str
    size: int
    content_type: str
    id: str | None = None
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    thumb_width: int | None = None
    thumb_height: int | None = None
    local_path: str | None = None

    @property
    def file_id(self) -> str:
        """The server's id of an uploaded file; asking one not uploaded yet is a bug."""
        if self.id is None:
            raise ValueError(f"{self.name} is not uploaded yet: it has no id")
        return self.id

    @property
    def uploaded(self) -> bool:
        return self.id is not None

    @property
    def has_thumbnail(self) -> bool:
        return self.id is not None and bool(self.thumb_width) and bool(self.thumb_height)

    @property
    def kind(self) -> str:
        """How it is previewed: images and videos only with a server-made thumbnail, audio always."""
        major = self.content_type.split("/", 1)[0]
        if major == AUDIO and self.id is not None:
            return AUDIO
        if major in (IMAGE, VIDEO) and self.has_thumbnail:
            return major
        return FILE

    @classmethod
    def from_json(cls, data: dict) -> Attachment:
        """Raises BadFileId for an id that is not 32 hex digits (None is a local file still uploading)."""
        file_id = data.get("id")
        if file_id is not None and not is_file_id(file_id):
            raise BadFileId(repr(file_id)[:80])
        thumbnail = data.get("thumbnail") or {}
        return cls(
            name=str(data.get("name") or "file"),
            size=int(data.get("size") or 0),
            content_type=str(data.get("content_type") or "application/octet-stream"),
            id=file_id,
            width=data.get("width"),
            height=data.get("height"),
            duration_ms=data.get("duration_ms"),
            thumb_width=thumbnail.get("width"),
            thumb_height=thumbnail.get("height"),
            local_path=data.get("local_path"),
        )

    def to_json(self) -> dict:
        """The wire shape (plus ``local_path`` while uploading), for the history cache and the outbox."""
        data: dict = {
            "id": self.id,
            "name": self.name,
            "size": self.size,
            "content_type": self.content_type,
            "width": self.width,
            "height": self.height,
            "duration_ms": self.duration_ms,
            "thumbnail": (
                {"width": self.thumb_width, "height": self.thumb_height} if self.thumb_width else None
            ),
        }
        if self.local_path is not None:
            data["local_path"] = self.local_path
        return data

    @classmethod
    def from_local_file(cls, path: Path) -> Attachment:
        guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return cls(name=path.name, size=path.stat().st_size, content_type=guessed, local_path=str(path))


def attachments_from_json(items: list | None) -> list[Attachment]:
    """The files of a message; one with a malformed id is left out (and logged), never used."""
    attachments = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        try:
            attachments.append(Attachment.from_json(item))
        except BadFileId as error:
            log.warning("a file with a malformed id was ignored: %s", error)
    return attachments
