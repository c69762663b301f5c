"""Files served in blocks read in the thread pool, so a large download never holds the gevent hub.

gunicorn's own ``wsgi.file_wrapper`` leads to its sendfile path, which under gevent is a loop of 8 KiB sends
that yields only when the socket buffer is full: a client that keeps up (loopback, a fast LAN) has the whole
file sent in one go while every other socket of the worker waits. This wrapper is not gunicorn's class, so
gunicorn iterates it instead, and every 256 KiB block is read off the hub (a yield per block, at least).
"""

from __future__ import annotations

from typing import IO

from werkzeug.wsgi import FileWrapper

from server.offload import run_blocking

BLOCK_BYTES = 256 * 1024


class CooperativeFileWrapper(FileWrapper):
    def __init__(self, file: IO[bytes], buffer_size: int = BLOCK_BYTES) -> None:
        super().__init__(file, max(buffer_size, BLOCK_BYTES))

    def __next__(self) -> bytes:
        data = run_blocking(self.file.read, self.buffer_size)
        if data:
            return data
        raise StopIteration()


def install(app) -> None:
    """Serve files through :class:`CooperativeFileWrapper` (``send_file`` takes it from the environ).

    The app gets a copy of the environ: gunicorn checks the response against the wrapper of its own
    environ to choose sendfile, and must keep seeing its own class there.
    """
    inner = app.wsgi_app

    def wsgi_app(environ, start_response):
        return inner({**environ, "wsgi.file_wrapper": CooperativeFileWrapper}, start_response)

    app.wsgi_app = wsgi_app
