"""`ChatIDK --smoke-test URL`: prove that a build really works against a live server, then exit.

Against a fresh server it registers two throwaway accounts, opens a 1:1 between them, sends a message from
one with the app's own REST client (desktop/net/api.py) and waits for it on the other's WebSocket through the
app's own EventListener (desktop/net/events.py) under a Qt GUI application. So a pass shows that the build
carries the Qt platform plugins, the icon resources, the CA bundle (for an https:// URL) and the WebSocket
client.
Exit 0 on success; otherwise 1 with one line on stderr saying what failed. The whole run is bounded by
``timeout`` seconds; a hang past that ends the process with exit 3."""

from __future__ import annotations

import logging
import os
import secrets
import sys
import threading
import time
import uuid
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QObject, QTimer, Slot

SMOKE_TEXT = "smoke test {tag}: héllo, 世界 👋"


class SmokeFailure(Exception):
    """One step failed; the message is the one-line reason printed on stderr."""


def _say(line: str) -> None:
    if sys.stdout is not None:  # a windowed Windows build has no stdout
        print(f"smoke: {line}", flush=True)


def _fail_line(line: str) -> None:
    if sys.stderr is not None:
        print(f"smoke test failed: {line}", file=sys.stderr, flush=True)


class _Inbox(QObject):
    """Lives on the main thread, so the listener's signals arrive here queued, as they do in the app."""

    def __init__(self) -> None:
        super().__init__()
        self.hello: dict | None = None
        self.events: list[dict] = []
        self.disconnects: list[str] = []
        self.unauthorized = False
        self.wake: Callable[[], None] = lambda: None

    @Slot(dict)
    def on_connected(self, hello: dict) -> None:
        self.hello = hello
        self.wake()

    @Slot(dict)
    def on_event(self, event: dict) -> None:
        self.events.append(event)
        self.wake()

    @Slot(str)
    def on_disconnected(self, reason: str) -> None:
        self.disconnects.append(reason)
        self.wake()

    @Slot()
    def on_unauthorized(self) -> None:
        self.unauthorized = True
        self.wake()


class SmokeTest:
    def __init__(self, server_url: str, timeout: float) -> None:
        from desktop.domain.server_address import normalize_server_url

        self.url = normalize_server_url(server_url)
        self.deadline = time.monotonic() + timeout
        self.tag = secrets.token_hex(4)
        self.password = secrets.token_urlsafe(18)
        self.clients: list = []

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def wait(self, inbox: _Inbox, done: Callable[[], bool], what: str) -> None:
        """Run the Qt event loop until ``done()`` or the deadline; a lost socket fails at once."""
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(int(self.remaining() * 1000))
        inbox.wake = loop.quit
        try:
            while not done():
                if inbox.unauthorized:
                    raise SmokeFailure(f"the server refused the WebSocket token while waiting for {what}")
                if inbox.disconnects:
                    raise SmokeFailure(f"WebSocket to {self.url}: {inbox.disconnects[0]}")
                if not timer.isActive():
                    raise SmokeFailure(f"timed out waiting for {what}")
                loop.exec()
        finally:
            inbox.wake = lambda: None
            timer.stop()

    def account(self, suffix: str):
        from desktop.net.api import ApiClient
        from desktop.net.http import ApiError, ServerUnreachable

        username = f"smoke_{self.tag}_{suffix}"
        client = ApiClient(self.url)
        self.clients.append(client)
        try:
            client.register(username, self.password, f"Smoke test {suffix.upper()}")
            client.login(username, self.password)
            user = client.me()
        except (ApiError, ServerUnreachable) as error:
            raise SmokeFailure(f"registering {username} at {self.url}: {error}") from error
        _say(f"registered and signed in {username} (user {user['id']})")
        return client, user

    def run(self) -> None:
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QApplication

        from desktop.net.events import EventListener
        from desktop.net.http import ApiError, ServerUnreachable
        from desktop.net.tls import ca_bundle
        from desktop.resources import is_frozen
        from desktop.version import __version__
        from desktop.views.icons import app_icon
        from desktop.views.multimedia import multimedia_available

        app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "ChatIDK"])
        build = "frozen build" if is_frozen() else "from source"
        _say(f"ChatIDK {__version__} ({build}), Qt platform {QGuiApplication.platformName()!r}")
        if app_icon().isNull():
            raise SmokeFailure("the application icon did not load (resources missing from the build?)")
        try:
            from desktop.views.symbols import ICON_SET, symbol

            drawn = not symbol("send", QApplication.palette()).pixmap(24, 24).toImage().isNull()
        except Exception as error:  # qtawesome raises when its font files are missing
            raise SmokeFailure(
                f"the icon font did not load (qtawesome fonts not in the build?): {error}"
            ) from error
        if not drawn:
            raise SmokeFailure("the icon font drew nothing")
        _say(f"icons: {ICON_SET}")
        _say(f"QtMultimedia (in-app video and audio): {'yes' if multimedia_available() else 'no'}")
        bundle = ca_bundle()
        if not os.path.isfile(bundle):
            raise SmokeFailure(f"the CA bundle {bundle} is missing (certifi's cacert.pem not in the build?)")
        if self.url.startswith("https://"):
            _say(f"TLS: verifying the server against {bundle}")
        else:
            _say(f"CA bundle present ({bundle}); this URL is plain http")

        sender, _ = self.account("a")
        receiver, receiver_user = self.account("b")

        inbox = _Inbox()
        listener = EventListener(self.url, receiver.token)
        listener.connected.connect(inbox.on_connected)
        listener.event_received.connect(inbox.on_event)
        listener.disconnected.connect(inbox.on_disconnected)
        listener.unauthorized.connect(inbox.on_unauthorized)
        listener.start()
        try:
            self.wait(inbox, lambda: inbox.hello is not None, "the WebSocket hello")
            _say(f"WebSocket open for {receiver_user['username']} ({listener.url})")
            text = SMOKE_TEXT.format(tag=self.tag)
            try:
                conversation = sender.start_direct(receiver_user["id"])
                started = time.monotonic()
                sent = sender.send_message(conversation["id"], str(uuid.uuid4()), text)
            except (ApiError, ServerUnreachable) as error:
                raise SmokeFailure(f"opening a 1:1 and sending a message: {error}") from error
            _say(f"sent message {sent['seq']} in conversation {conversation['id']}")

            def arrived() -> bool:
                return any(
                    event.get("type") == "message.created"
                    and event.get("conversation_id") == conversation["id"]
                    and (event.get("message") or {}).get("text") == text
                    for event in inbox.events
                )

            self.wait(inbox, arrived, "the message on the receiver's WebSocket")
            _say(f"received it over the WebSocket in {(time.monotonic() - started) * 1000:.0f} ms")
        finally:
            listener.stop()
            app.processEvents()
        self.clean_up()

    def clean_up(self) -> None:
        """Throwaway accounts go away again; a failure here does not fail the test."""
        removed = 0
        for client in self.clients:
            try:
                client.delete_me(self.password)
                removed += 1
            except Exception as error:
                _say(f"note: could not delete a throwaway account: {error}")
            finally:
                client.close()
        _say(f"deleted {removed} throwaway account(s)")


def run_smoke_test(server_url: str, timeout: float = 60.0) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # headless by nature; a display is not needed
    logging.basicConfig(level=os.environ.get("CHATIDK_DESKTOP_LOG_LEVEL", "WARNING").upper())

    def hung() -> None:
        _fail_line(f"no result after {timeout:.0f} s; giving up")
        os._exit(3)

    watchdog = threading.Timer(timeout + 15, hung)
    watchdog.daemon = True
    watchdog.start()
    try:
        SmokeTest(server_url, timeout).run()
    except SmokeFailure as error:
        _fail_line(str(error))
        return 1
    except Exception as error:
        _fail_line(f"{type(error).__name__}: {error}")
        return 1
    finally:
        watchdog.cancel()
    _say("OK")
    return 0
