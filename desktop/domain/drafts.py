"""A conversation's unsent draft: the text being written and the files staged to go with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop.domain.records import ReplyTo


@dataclass
class Draft:
    text: str = ""
    files: list[Path] = field(default_factory=list)
    reply_to: ReplyTo | None = None  # the message this draft answers (the quote bar above the composer)

    @property
    def empty(self) -> bool:
        return not self.text.strip() and not self.files and self.reply_to is None

    def preview(self) -> str:
        """One line for the conversation list ("Draft: …"): the text, else the files."""
        line = " ".join(self.text.split())
        if line:
            return line
        if len(self.files) == 1:
            return f"📎 {self.files[0].name}"
        return f"📎 {len(self.files)} files" if self.files else ""
