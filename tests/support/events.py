"""A WebSocket listener for tests: connects like a client, waits for hello, collects events."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable

import websocket


class EventStream:
    """``timeout`` bounds the handshake and the hello; it is generous, as every wait here is (a busy
    machine makes them slower, never failed)."""

    def __init__(self, ws_url: str, token: str, timeout: float = 30) -> None:
        self.events: list[dict] = []
        self.closed = threading.Event()
        self.close_code: int | None = None
        self._cond = threading.Condition()
        self._ws = websocket.create_connection(
            ws_url, header=[f"Authorization: Bearer {token}"], timeout=timeout, enable_multithread=True
        )
        hello = json.loads(self._ws.recv())
        assert hello["type"] == "hello", hello
        self.hello = hello
        self._ws.settimeout(None)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            while True:
                opcode, data = self._ws.recv_data()
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    if len(data) >= 2:
                        self.close_code = int.from_bytes(data[:2], "big")
                    break
                with self._cond:
                    self.events.append(json.loads(data))
                    self._cond.notify_all()
        except (websocket.WebSocketException, OSError):
            pass
        finally:
            self._ws.shutdown()  # close() is a no-op once the server's close frame was read
            self.closed.set()
            with self._cond:
                self._cond.notify_all()

    def wait_for(self, predicate: Callable[[list[dict]], bool], timeout: float = 30) -> list[dict]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(self.events):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"condition not met within {timeout} s; events: {self.events[-5:]}")
                self._cond.wait(remaining)
            return list(self.events)

    def messages(self, conversation_id: int | None = None) -> list[dict]:
        with self._cond:
            return [
                e["message"]
                for e in self.events
                if e["type"] == "message.created" and conversation_id in (None, e["conversation_id"])
            ]

    def close(self) -> None:
        with contextlib.suppress(websocket.WebSocketException, OSError):
            self._ws.close()
        self._thread.join(timeout=30)
