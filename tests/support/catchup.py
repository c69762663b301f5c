"""A client that follows the catch-up rules of docs/protocol.md, for tests that break the live path."""

from __future__ import annotations

import threading

import requests
import websocket

from tests.support.api import ApiClient
from tests.support.events import EventStream


class CatchingUpClient:
    """Holds one conversation the way the desktop client does: open the socket, wait for hello, fetch
    everything after the highest ``seq`` held, merge live events by ``seq``; on any close, all over again.

    It keeps the highest seq it holds, not the first hole, exactly as the protocol says; so a socket that
    silently missed an event and then delivered a later one would leave a hole here for good.
    """

    def __init__(self, api: ApiClient, ws_url: str, conversation_id: int) -> None:
        self.api = api
        self.held: dict[int, dict] = {}  # seq -> message
        self.close_codes: list[int | None] = []
        self.connections = 0
        self._ws_url = ws_url
        self._conversation = conversation_id
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"catch-up {api.username}")
        self._thread.start()

    def seqs(self) -> list[int]:
        with self._lock:
            return sorted(self.held)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _merge(self, messages: list[dict]) -> None:
        with self._lock:
            for message in messages:
                known = self.held.get(message["seq"])
                same = known is None or known["id"] == message["id"]
                assert same, ("two messages, one seq:", known, message)
                self.held[message["seq"]] = message

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                stream = EventStream(self._ws_url, self.api.token)
            except (websocket.WebSocketException, OSError):
                self._stop.wait(0.2)  # the server is restarting or busy: try again, as the client does
                continue
            self.connections += 1
            try:
                with self._lock:
                    after = max(self.held, default=0)
                self._merge(self.api.messages_after(self._conversation, after))
                used = 0
                while not self._stop.is_set():
                    ended = stream.closed.wait(0.05)
                    live = stream.messages(self._conversation)
                    self._merge(live[used:])
                    used = len(live)
                    if ended:
                        self.close_codes.append(stream.close_code)
                        break
            except requests.RequestException:
                pass
            finally:
                stream.close()
