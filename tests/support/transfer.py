"""`python -m tests.support.transfer upload|export URL TOKEN SIZE`: one large transfer, in its own process.

For tests that measure how the server answers others meanwhile: a transfer in the test's own process would
compete with the measuring thread for the interpreter lock. Prints ``{"status", "bytes"}`` as JSON.
"""

from __future__ import annotations

import json
import sys

import requests

MIB = 1024 * 1024


def body(total: int, piece: int = MIB):
    block = bytes(range(256)) * (piece // 256)
    for start in range(0, total, piece):
        yield block[: min(piece, total - start)]


class SizedBody:
    """A body of ``total`` bytes read in pieces, with a length: sent with Content-Length, as the desktop
    client sends a file from disk (a generator would be sent chunked)."""

    def __init__(self, total: int) -> None:
        self._left = total
        self._block = bytes(range(256)) * (MIB // 256)

    def __len__(self) -> int:
        return self._left

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (at most 1 MiB at a time; readers of a body take short reads)."""
        piece = self._block[: min(MIB if size is None or size < 0 else size, MIB, self._left)]
        self._left -= len(piece)
        return piece


def main(argv: list[str]) -> int:
    kind, url, token, size = argv[0], argv[1], argv[2], int(argv[3])
    headers = {"Authorization": f"Bearer {token}"}
    if kind == "upload":
        r = requests.post(
            f"{url}/api/v1/files",
            params={"name": "upload.bin"},
            data=body(size),
            headers=headers,
            timeout=300,
        )
        result = {"status": r.status_code, "bytes": size}
    else:
        with requests.get(f"{url}/api/v1/me/export", headers=headers, stream=True, timeout=300) as r:
            result = {"status": r.status_code, "bytes": sum(len(c) for c in r.iter_content(MIB))}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
