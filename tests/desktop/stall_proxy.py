"""A loopback TCP forwarder in front of a real server that can make it hang rather than refuse.

``stall()`` stops all traffic: open connections are neither read nor answered any more, and new ones are
left in the listen backlog, where the kernel completes their handshake, so a client's connect succeeds and
its request then waits for ever, as with a server that froze or a link that drops everything."""

from __future__ import annotations

import contextlib
import select
import socket
import threading


class StallingProxy:
    """``url`` forwards to the server on ``target_port`` until ``stall()``; ``close()`` ends it all."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stalled = threading.Event()
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._accept, name="stall-proxy", daemon=True)]
        self._threads[0].start()

    def stall(self) -> None:
        self._stalled.set()

    def close(self) -> None:
        """Drops every connection (a client left waiting gets an error at once) and the listener."""
        self._closed.set()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in [*sockets, self._listener]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for thread in self._threads:
            thread.join(timeout=10)

    def _running(self) -> bool:
        return not self._stalled.is_set() and not self._closed.is_set()

    def _accept(self) -> None:
        while self._running():
            readable, _, _ = select.select([self._listener], [], [], 0.1)
            if not readable or not self._running():
                continue
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=30)
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for ends in ((client, upstream), (upstream, client)):
                pump = threading.Thread(target=self._pump, args=ends, name="stall-pump", daemon=True)
                self._threads.append(pump)
                pump.start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        """Copies one direction until the end of the stream, a stall (then it holds still) or close()."""
        try:
            while self._running():
                readable, _, _ = select.select([source], [], [], 0.1)
                if not readable or not self._running():
                    continue
                data = source.recv(65536)
                if not data:
                    with contextlib.suppress(OSError):
                        sink.shutdown(socket.SHUT_WR)
                    return
                sink.sendall(data)
        except (OSError, ValueError):  # closed under it by close()
            return
