"""The server's limits as the client checks them before sending (GET /limits, docs/protocol.md "Limits"), so
that nothing is refused after an upload or a wait, and a refusal says what to change."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.domain.sizes import human_size

MIB = 1024 * 1024


def _positive(data: dict, key: str, default: int) -> int:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


@dataclass(frozen=True)
class SendLimits:
    """The defaults are the server's own (server/limits.py, server/config.py): what a client holds until the
    server has said, or when it is one from before GET /limits."""

    max_message_chars: int = 10_000  # Unicode code points: Python's len(), not QString's UTF-16 length
    max_upload_bytes: int = 100 * MIB
    max_files_per_message: int = 10

    @classmethod
    def from_json(cls, data: object) -> SendLimits:
        """An answer of GET /limits; a field missing or out of shape keeps its default."""
        if not isinstance(data, dict):
            return cls()
        default = cls()
        return cls(
            max_message_chars=_positive(data, "max_message_chars", default.max_message_chars),
            max_upload_bytes=_positive(data, "max_upload_bytes", default.max_upload_bytes),
            max_files_per_message=_positive(data, "max_files_per_message", default.max_files_per_message),
        )

    def text_problem(self, text: str) -> str | None:
        """Why ``text`` cannot be sent as one message, in words that say what to do; None when it can."""
        count = len(text)
        if count <= self.max_message_chars:
            return None
        over = count - self.max_message_chars
        return (
            f"Too long to send: {count:,} characters, the limit is {self.max_message_chars:,}. "
            f"Shorten it by {over:,} character{'s' if over != 1 else ''} or send it as several messages."
        )

    def file_problem(self, name: str, size: int) -> str | None:
        """Why a file of ``size`` bytes cannot be sent; None when it can."""
        if size <= self.max_upload_bytes:
            return None
        most = human_size(self.max_upload_bytes)
        return f"{name} is {human_size(size)}; files can be at most {most} on this server."

    def retry_can_succeed(self, local_paths: list[str | None]) -> bool:
        """Whether sending a refused message again could get another answer.

        Only refusals reach the user as "Not sent" (network errors, 5xx and 429 are retried without asking).
        A text refused is refused again, so never; a message with files may be, when its uploads expired
        before it went: uploading them afresh can work, if every file is still here and within the limit."""
        if not local_paths:
            return False
        for local in local_paths:
            path = Path(local) if local else None
            try:
                if path is None or not path.is_file() or path.stat().st_size > self.max_upload_bytes:
                    return False
            except OSError:
                return False
        return True
