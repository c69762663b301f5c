"""The WebSocket listener: keeps one live-events socket open on its own thread, reconnecting with backoff."""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import random
import select
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass

import requests
import websocket
from PySide6.QtCore import QObject, Signal

from desktop.net.http import API_PREFIX, bearer
from desktop.net.tls import ca_bundle
from desktop.net.worker_thread import SignalGate, join_until

log = logging.getLogger(__name__)

PING_INTERVAL = 25.0
SILENCE_LIMIT = 60.0  # no frame at all (not even a pong) for this long: the connection is dead
BACKOFF_START = 0.5
BACKOFF_MAX = 15.0
# While the server cannot be reached, GET /healthz this often during a backoff wait: once it answers again
# the socket reconnects at once, within about this long of the server coming back, however long the wait.
PROBE_INTERVAL = 1.0
PROBE_TIMEOUT = 2.0
REVOKED_CLOSE_CODE = 4401
CONNECT_TIMEOUT = 10.0  # the socket's timeout: TCP connect, handshake, and any one send


def events_url(server_url: str) -> str:
    if server_url.startswith("https://"):
        return "wss://" + server_url[len("https://") :] + API_PREFIX + "/events"
    return "ws://" + server_url.removeprefix("http://") + API_PREFIX + "/events"


def backoff_delays(start: float = BACKOFF_START, limit: float = BACKOFF_MAX):
    """0.5, 1, 2, 4 … up to ``limit`` seconds, each with ±25 % jitter so clients do not reconnect in step."""
    delay = start
    while True:
        yield delay * random.uniform(0.75, 1.25)
        delay = min(delay * 2, limit)


class _Unauthorized(Exception):
    pass


@dataclass(frozen=True)
class BackoffWait:
    """One wait between connection attempts: how long it was planned to last and what ended it —
    ``"timer"`` (waited out) or ``"probe"`` (the server answered /healthz again after being unreachable);
    ``answered``: some probe during it found the server answering (so a server that was down and answers is
    never waited for past that probe: ``answered`` with ``"timer"`` only for one that refuses the socket)."""

    planned: float
    ended: str
    answered: bool = False


def _unreachable(error: BaseException) -> bool:
    """The attempt never reached a server (refused, reset, timed out, no route): it may be restarting."""
    return isinstance(error, OSError) and not isinstance(error, websocket.WebSocketException)


class EventListener(QObject):
    """Signals: connected(hello: dict), event_received(event: dict), disconnected(reason: str),
    reconnecting(seconds: float), unauthorized() — the token was refused or revoked; it stops then.

    ``send_frame`` hands a client frame (typing, presence) to the listener's thread, which writes it: the UI
    thread never waits on the socket. Frames given while no socket is open are dropped, since they describe a
    moment (typing now, idle now); the controller restates what still holds when ``connected`` comes.

    The thread is a daemon thread (desktop/net/worker_thread.py): ``stop`` waits for it until a deadline,
    and a thread still connecting to a server that does not answer is left to end with its timeout."""

    connected = Signal(dict)
    event_received = Signal(dict)
    disconnected = Signal(str)
    reconnecting = Signal(float)
    unauthorized = Signal()

    def __init__(self, server_url: str, token: str) -> None:
        super().__init__()
        self.url = events_url(server_url)
        self.health_url = server_url.rstrip("/") + "/healthz"
        self.waits: deque[BackoffWait] = deque(maxlen=50)  # the backoff schedule as it ran (tests read it)
        self._greeted = False
        self._headers = bearer(token)
        self._stop = threading.Event()
        self._socket: websocket.WebSocket | None = None
        self._socket_lock = threading.Lock()
        self._outgoing: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._wake_writer.setblocking(False)
        self._gate = SignalGate()  # the signals, emitted on the listener's thread until stop()
        self._thread = threading.Thread(target=self._run, name="chatidk-events", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request_stop(self) -> None:
        """Wakes the loop and drops the socket (also one still in its handshake); no signal after this."""
        self._stop.set()
        self._gate.close()
        self.reconnect_now()
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"\0")

    def stop(self, deadline: float | None = None) -> bool:
        """``request_stop()``, then wait for the thread until ``deadline`` (two seconds from now when None).
        False if it was left behind, still connecting to a server that does not answer."""
        self.request_stop()
        stopped = join_until(self._thread, deadline)
        if stopped:  # a thread left behind may still select() on them
            self._wake_reader.close()
            self._wake_writer.close()
        return stopped

    def send_frame(self, frame: dict) -> None:
        """Safe from any thread; never blocks. Sent in order on the open socket, or dropped without one."""
        if self._stop.is_set():
            return
        self._outgoing.put(json.dumps(frame, separators=(",", ":")))
        with contextlib.suppress(OSError):  # a full wake buffer already means "wake up"
            self._wake_writer.send(b"\0")

    def _drain_wake(self) -> None:
        with contextlib.suppress(OSError):
            while self._wake_reader.recv(4096):
                pass

    def _drop_outgoing(self) -> None:
        while True:
            try:
                self._outgoing.get_nowait()
            except queue.Empty:
                return

    def _flush_outgoing(self, ws: websocket.WebSocket) -> None:
        while True:
            try:
                frame = self._outgoing.get_nowait()
            except queue.Empty:
                return
            ws.send(frame)

    def reconnect_now(self) -> None:
        """Drop the current socket (if any, even mid-handshake) so the loop reconnects; used when the
        network comes back."""
        with self._socket_lock:
            if self._socket is not None and self._socket.sock is not None:
                with contextlib.suppress(OSError):
                    self._socket.sock.shutdown(socket.SHUT_RDWR)  # wakes the reader; it closes the socket

    def _run(self) -> None:
        delays = backoff_delays()
        while not self._stop.is_set():
            self._greeted = False
            unreachable = False
            try:
                self._connect_and_listen()
                reason = "closed"
            except _Unauthorized:
                self._gate.emit(self.unauthorized)
                return
            except Exception as error:
                reason = str(error) or type(error).__name__
                unreachable = _unreachable(error)
            if self._greeted:  # it was connected: the next drop starts the backoff afresh
                delays = backoff_delays()
            if self._stop.is_set():
                return
            self._gate.emit(self.disconnected, reason)
            delay = next(delays)
            self._gate.emit(self.reconnecting, delay)
            self._wait_before_reconnect(delay, server_down=unreachable or self._greeted)

    def _wait_before_reconnect(self, delay: float, *, server_down: bool) -> None:
        """Wait out ``delay``, asking /healthz every PROBE_INTERVAL whether the server answers: one that was
        down (the last attempt could not reach it, or a live socket just dropped) and answers again is
        reconnected to at once. A server that answers but refuses the socket gets the whole backoff."""
        deadline = time.monotonic() + delay
        ended = "timer"
        answered = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._stop.wait(min(PROBE_INTERVAL, remaining)):
                break
            if time.monotonic() >= deadline:
                break
            answering = self._server_answers()
            answered = answered or answering
            if answering and server_down:
                ended = "probe"
                break
            server_down = server_down or not answering
        self.waits.append(BackoffWait(delay, ended, answered))

    def _server_answers(self) -> bool:
        try:
            response = requests.get(self.health_url, timeout=PROBE_TIMEOUT, verify=ca_bundle())
        except requests.RequestException:
            return False
        response.close()
        return response.status_code == 200

    def _connect_and_listen(self) -> None:
        # websocket.create_connection, in two steps: the socket is known to reconnect_now() (and stop())
        # from the moment TCP connects, so a server that accepts but never answers the handshake cannot
        # hold the thread for the whole timeout.
        ws = websocket.WebSocket(
            enable_multithread=True,
            sslopt={"ca_certs": ca_bundle()},  # wss:// is verified against the same bundle as https://
        )
        ws.settimeout(CONNECT_TIMEOUT)
        with self._socket_lock:
            self._socket = ws
        try:
            if self._stop.is_set():
                return
            try:
                ws.connect(self.url, header=[f"{name}: {value}" for name, value in self._headers.items()])
            except websocket.WebSocketBadStatusException as error:
                if error.status_code == 401:
                    raise _Unauthorized from error
                raise
            self._drop_outgoing()  # said while disconnected: no longer true
            if self._stop.is_set():
                return
            self._listen(ws)
        finally:
            with self._socket_lock:
                self._socket = None
            with contextlib.suppress(Exception):
                ws.close(timeout=1)
            ws.shutdown()  # close() skips the socket when the connection already counts as closed

    def _listen(self, ws: websocket.WebSocket) -> None:
        last_heard = last_ping = time.monotonic()
        greeted = False
        while not self._stop.is_set():
            pending = getattr(ws.sock, "pending", lambda: 0)() if ws.sock else 0
            readable: list = []
            if not pending:
                watched: list = [ws.sock, self._wake_reader]  # ws.sock: set while connected
                readable, _, _ = select.select(watched, [], [], 1.0)
            if self._wake_reader in readable:
                self._drain_wake()
                readable.remove(self._wake_reader)
            if greeted:
                self._flush_outgoing(ws)
            now = time.monotonic()
            if pending or readable:
                opcode, data = ws.recv_data(control_frame=True)
                last_heard = now
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    code = int.from_bytes(data[:2], "big") if len(data) >= 2 else None
                    if code == REVOKED_CLOSE_CODE:
                        raise _Unauthorized
                    return
                if opcode == websocket.ABNF.OPCODE_TEXT:
                    greeted = self._dispatch(data, greeted)
            elif now - last_heard > SILENCE_LIMIT:
                raise TimeoutError("the server stopped answering")
            if now - last_ping > PING_INTERVAL:
                ws.ping()
                last_ping = now

    def _dispatch(self, data: bytes | str, greeted: bool) -> bool:
        try:
            frame = json.loads(data)
        except ValueError:
            log.warning("ignoring a frame that is not JSON")
            return greeted
        if not isinstance(frame, dict):
            return greeted
        if frame.get("type") == "hello":
            self._greeted = True
            self._gate.emit(self.connected, frame)
            return True
        if greeted and frame.get("type") != "pong":
            self._gate.emit(self.event_received, frame)
        return greeted
