"""Desktop notifications through the freedesktop notification service on the session D-Bus, for desktops
without a system tray (stock GNOME, a bare X server).

jeepney speaks D-Bus here rather than QtDBus: PySide6 cannot send the spec's ``u`` (its ints go out as
``i``, and the introspected ``Notify`` takes ``a{sv}`` only as a raw type), and GNOME Shell, KDE and dunst
refuse a ``Notify`` of any other signature than ``susssasa{sv}i``. jeepney is pure Python and already comes
with keyring on Linux. All D-Bus traffic runs on one daemon thread; the UI thread only queues work.
"""

from __future__ import annotations

import html
import logging
import queue
import threading

from jeepney import DBusAddress, MatchRule, Message, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.threading import DBusRouter, open_dbus_connection
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
CALL_TIMEOUT = 5.0
_STOP = object()


class FreedesktopNotifier(QObject):
    """Signals: ready(bool available, str reason) — once, after the service was looked for (``reason`` says
    why not when unavailable); clicked(str account, int conversation_id) — the user clicked a notification."""

    ready = Signal(bool, str)
    clicked = Signal(str, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.available: bool | None = None  # None until the service was looked for
        self._jobs: queue.Queue = queue.Queue()
        self._router: DBusRouter | None = None
        self._filter = None
        self._address = DBusAddress(PATH, bus_name=SERVICE, interface=SERVICE)
        self._markup = False
        self._by_id: dict[int, tuple[str, int]] = {}  # notification id → (account, conversation), for clicks
        self._thread = threading.Thread(target=self._run, name="chatidk-notifications", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def notify(self, account: str, conversation_id: int, title: str, body: str) -> None:
        """Queued; shown by the service once it answers (never waits on the UI thread)."""
        self._jobs.put((account, conversation_id, title, body))

    def stop(self) -> None:
        self._jobs.put(_STOP)
        if self._thread.is_alive():
            self._thread.join(1.0)

    # ---- the D-Bus thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._connect()
        except Exception as error:  # no session bus, no service, a bus that does not answer
            self.available = False
            self.ready.emit(False, _reason(error))
            self._close()
            return
        self.available = True
        self.ready.emit(True, "")
        while True:
            job = self._jobs.get()
            if job is _STOP:
                break
            try:
                if isinstance(job, tuple):
                    self._send(*job)
                else:
                    self._on_signal(job)
            except Exception:
                log.warning("a desktop notification could not be shown", exc_info=True)
        self._close()

    def _connect(self) -> None:
        router = DBusRouter(open_dbus_connection(bus="SESSION", auth_timeout=CALL_TIMEOUT))
        self._router = router
        owner = router.send_and_get_reply(message_bus.NameHasOwner(SERVICE), timeout=CALL_TIMEOUT).body[0]
        activatable = router.send_and_get_reply(message_bus.ListActivatableNames(), timeout=CALL_TIMEOUT)
        if not owner and SERVICE not in activatable.body[0]:
            raise LookupError("no notification service on the session bus")
        address = self._address
        capabilities = router.send_and_get_reply(
            new_method_call(address, "GetCapabilities"), timeout=CALL_TIMEOUT
        ).body[0]
        self._markup = "body-markup" in capabilities
        rule = MatchRule(type="signal", interface=SERVICE, member="ActionInvoked", path=PATH)
        router.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT)
        self._filter = router.filter(rule, queue=self._jobs)

    def _send(self, account: str, conversation_id: int, title: str, body: str) -> None:
        # The summary is plain text by the spec; the body may be read as markup: then it is escaped, so a
        # message that looks like markup shows as typed.
        text = html.escape(body, quote=False) if self._markup else body
        message = new_method_call(
            self._address,
            "Notify",
            "susssasa{sv}i",
            ("ChatIDK", 0, "chatidk", title, text, ["default", "Open"], {}, -1),
        )
        assert self._router is not None
        reply = self._router.send_and_get_reply(message, timeout=CALL_TIMEOUT)
        if reply.body and isinstance(reply.body[0], int):
            self._by_id[reply.body[0]] = (account, conversation_id)
            while len(self._by_id) > 200:
                self._by_id.pop(next(iter(self._by_id)))

    def _on_signal(self, message: Message) -> None:
        notification_id, _action = message.body
        clicked = self._by_id.get(notification_id)
        if clicked is not None:
            self.clicked.emit(*clicked)

    def _close(self) -> None:
        if self._router is not None:
            try:
                self._router.close()
                self._router.conn.close()
            except Exception:
                log.debug("closing the session bus connection failed", exc_info=True)
            self._router = None


def _reason(error: Exception) -> str:
    if isinstance(error, LookupError):
        return "no notification service is running"
    return "no session D-Bus"
