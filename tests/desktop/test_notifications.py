"""Notifications without a tray: the freedesktop notification service over a real, private session D-Bus
(dbus-daemon started here) and a tiny stand-in for the service (tests/support/notification_stub.py: the
desktop's own daemon cannot run here) that insists on the spec's signature, as GNOME Shell and dunst do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

from desktop.views.tray import DBUS, HIDDEN_TEXT, NONE, TRAY, TrayNotifier, notification_route

ROOT = Path(__file__).resolve().parents[2]
needs_dbus = pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="dbus-daemon is not installed")


def test_the_route_is_the_tray_where_there_is_one_else_d_bus():
    assert notification_route(True, tray_available=True) == TRAY
    assert notification_route(True, tray_available=False) == DBUS
    assert notification_route(False, tray_available=True) == NONE
    assert notification_route(False, tray_available=False) == NONE


@pytest.fixture
def session_bus(monkeypatch):
    """A private session bus for this test only; its address in DBUS_SESSION_BUS_ADDRESS."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    address = daemon.stdout.readline().strip()
    assert address.startswith("unix:"), address
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    daemon.terminate()
    daemon.wait(30)
    daemon.stdout.close()


class NotificationService:
    """The stand-in service: what it was asked to show, and a click on a notification."""

    def __init__(self, record: Path, capabilities: list[str]) -> None:
        self.record = record
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.notification_stub", str(record), *capabilities],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        assert self.process.stdout.readline().strip() == "ready"

    def shown(self) -> list[dict]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text(encoding="utf-8").splitlines()]

    def click(self, notification_id: int) -> None:
        address = DBusAddress(
            "/org/freedesktop/Notifications",
            bus_name="org.freedesktop.Notifications",
            interface="org.chatidk.TestControl",
        )
        with open_dbus_connection(bus="SESSION") as conn:
            conn.send_and_get_reply(new_method_call(address, "Invoke", "us", (notification_id, "default")))

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(30)
        self.process.stdout.close()


@pytest.fixture
def service(session_bus, tmp_path):
    made: list[NotificationService] = []

    def start(*capabilities: str) -> NotificationService:
        started = NotificationService(tmp_path / f"shown-{len(made)}.jsonl", list(capabilities))
        made.append(started)
        return started

    yield start
    for started in made:
        started.stop()


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def notifier(qtbot):
    made: list[TrayNotifier] = []

    def make() -> TrayNotifier:
        tray = TrayNotifier(enabled=True)  # offscreen: no system tray, so D-Bus
        made.append(tray)
        return tray

    yield make
    for tray in made:
        tray.hide()


@needs_dbus
def test_without_a_tray_a_notification_goes_to_the_service_and_a_click_opens_it(service, notifier, qtbot):
    stub = service("body", "body-markup", "actions")
    tray = notifier()
    assert tray.route == DBUS and tray.tray is None
    qtbot.waitUntil(lambda: tray.desktop.available is True, timeout=30000)
    tray.notify(42, "Alice <Admin>", "hi <b>there</b> & you\nsecond line")
    shown = wait_for(stub.shown)
    assert len(shown) == 1
    note = shown[0]
    assert (note["app"], note["summary"]) == ("ChatIDK", "Alice <Admin>")  # the summary is plain text
    # The service reads markup in the body: the text is escaped, so it shows exactly as typed.
    assert note["body"] == "hi &lt;b&gt;there&lt;/b&gt; &amp; you second line"
    assert note["actions"] == ["default", "Open"]
    with qtbot.waitSignal(tray.open_conversation_requested, timeout=30000) as clicked:
        stub.click(note["id"])
    assert clicked.args == ["", 42]


@needs_dbus
def test_hidden_text_says_only_who_wrote_and_plain_services_get_plain_text(service, notifier, qtbot):
    stub = service("body")  # no body-markup: the body is shown as given
    tray = notifier()
    qtbot.waitUntil(lambda: tray.desktop.available is True, timeout=30000)
    tray.notify(7, "Bob", "a < b")
    wait_for(lambda: len(stub.shown()) == 1)
    tray.set_show_text(False)
    tray.notify(7, "Bob", "the secret plan")
    shown = wait_for(lambda: stub.shown() if len(stub.shown()) == 2 else None)
    assert [n["body"] for n in shown] == ["a < b", HIDDEN_TEXT]
    assert "secret" not in json.dumps(shown)
    assert tray.shown[-1] == (7, "Bob", HIDDEN_TEXT)


@needs_dbus
def test_a_bus_without_the_service_says_so(session_bus, notifier, qtbot):
    tray = notifier()
    with qtbot.waitSignal(tray.unavailable, timeout=30000) as said:
        pass
    assert "no notification service" in said.args[0]
    assert tray.route == NONE and tray.unavailable_reason == said.args[0]
    tray.notify(1, "Alice", "hi")  # recorded, sent nowhere, no error
    assert tray.shown == [(1, "Alice", "hi")]


def test_no_session_bus_says_so(monkeypatch, notifier, qtbot, tmp_path):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
    tray = notifier()
    with qtbot.waitSignal(tray.unavailable, timeout=30000) as said:
        pass
    assert "no session D-Bus" in said.args[0]
