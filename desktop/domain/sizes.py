"""A byte count in words, one wording for the whole client (file cards, limits, refusals)."""

from __future__ import annotations


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            if unit == "bytes":
                return f"{int(value)} byte" + ("" if int(value) == 1 else "s")
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
        value /= 1024
    return f"{size} bytes"
