"""Files on messages (docs/protocol.md, "File"): as the server describes them, or local ones uploading."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

IMAGE, VIDEO, AUDIO, FILE = "image", "video", "audio", "file"


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
        thumbnail = data.get("thumbnail") or {}
        return cls(
            name=str(data.get("name") or "file"),
            size=int(data.get("size") or 0),
            content_type=str(data.get("content_type") or "application/octet-stream"),
            id=data.get("id"),
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
    return [Attachment.from_json(item) for item in items or [] if isinstance(item, dict)]
