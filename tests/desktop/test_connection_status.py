"""Offline is obvious and reconnecting is quick: the banner on top of the list (Connecting…, Updating…,
Offline) at ≥ 4.5:1 contrast in light and dark palettes, and a client that reconnects as soon as a
restarted server answers /healthz instead of waiting out its backoff."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from desktop.models.conversations import ConversationFilterModel, ConversationListModel
from desktop.net.events import BACKOFF_MAX, PROBE_INTERVAL, BackoffWait, EventListener
from desktop.views import palette_colors
from desktop.views.connection_banner import ConnectionBanner
from desktop.views.main_window import MainWindow
from tests.support.api import PASSWORD, register

STATES = ("connecting", "updating", "offline")


def light_palette() -> QPalette:
    return QStyleFactory.create("Fusion").standardPalette()


def dark_palette() -> QPalette:
    """A dark desktop palette (the colours of GNOME's Adwaita dark and KDE's Breeze Dark, roughly)."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#242424",
        QPalette.ColorRole.WindowText: "#ffffff",
        QPalette.ColorRole.Base: "#1e1e1e",
        QPalette.ColorRole.Text: "#ffffff",
        QPalette.ColorRole.Button: "#303030",
        QPalette.ColorRole.ButtonText: "#ffffff",
        QPalette.ColorRole.Highlight: "#3584e4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    return palette


@pytest.fixture
def window(qtbot):
    source = ConversationListModel(my_id=1)
    proxy = ConversationFilterModel()
    proxy.setSourceModel(source)
    window = MainWindow(proxy)
    qtbot.addWidget(window)
    window.resize(500, 600)
    window.show()
    yield window
    QApplication.setPalette(light_palette())


def test_the_contrast_ratio_is_the_wcag_one():
    assert palette_colors.contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert palette_colors.contrast_ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(
        4.48, abs=0.01
    )


@pytest.mark.parametrize("palette", [light_palette, dark_palette], ids=["light", "dark"])
def test_every_state_reads_at_4_5_to_1_on_top_of_the_list(window, qtbot, palette):
    QApplication.setPalette(palette())
    banner: ConnectionBanner = window.connection_banner
    for state in STATES:
        window.set_connection_state(state)
        qtbot.waitUntil(banner.isVisible, timeout=5000)
        fill = banner.palette().color(QPalette.ColorRole.Window)
        text = banner.palette().color(QPalette.ColorRole.WindowText)
        assert (fill, text) == banner.colors()
        assert palette_colors.contrast_ratio(fill, text) >= 4.5, (state, fill.name(), text.name())
        # Where the eye is: above the search field and the list, not under it.
        assert (
            banner.mapTo(window, banner.rect().topLeft()).y()
            < window.filter_edit.mapTo(window, window.filter_edit.rect().topLeft()).y()
        )
    assert banner.text().startswith("Offline")
    window.set_connection_state("online")
    assert not banner.isVisible()


@pytest.mark.slow
def test_a_restarted_server_is_reconnected_to_when_it_answers_not_when_the_backoff_ends(
    live_server, desktop_client, qtbot
):
    register(live_server.url, "alice")
    client = desktop_client("alice", live_server.url)
    client.sign_in("alice", PASSWORD)
    client.wait_online()
    states: list[str] = []
    client.chat.connection_state_changed.connect(states.append)
    listener = client.chat.listener
    banner = client.session.window.connection_banner

    live_server.kill()
    qtbot.waitUntil(lambda: client.chat.connection_state == "reconnecting", timeout=30000)
    assert banner.isVisible() and banner.text().startswith("Offline")
    # Let the backoff grow past the probe interval: the next wait is planned for 2 s or more.
    qtbot.waitUntil(lambda: len(listener.waits) >= 3, timeout=60000)
    assert all(wait.ended == "timer" for wait in listener.waits)  # the probes found nobody
    down_waits = len(listener.waits)

    live_server.start()  # returns once the restarted server answers /healthz
    client.wait_online()
    ended = list(listener.waits)[down_waits:]
    # Back within the wait that was running when the server came back (however long the backoff had grown):
    # a probe that found it answering ended that wait there and then, never its timer. (The server may also
    # come up in the wait's last second, after its last probe: then the timer ends it, as soon.)
    assert len(ended) == 1
    assert ended[0].ended == "probe" or not ended[0].answered
    assert all(wait.ended == "probe" for wait in listener.waits if wait.answered)
    assert states[-2:] == ["updating", "online"]
    assert not banner.isVisible()


@pytest.mark.slow
def test_a_wait_ends_at_the_first_probe_that_finds_a_server_that_was_down(live_server):
    """The probe half of the reconnect, without the race of a restart: a 30 s backoff wait after the server
    was unreachable ends at the first /healthz probe that a real server answers, a probe interval in."""
    listener = EventListener(live_server.url, "no token needed for /healthz")
    try:
        listener._wait_before_reconnect(30.0, server_down=True)
    finally:  # never started: only its wake-up pair to close
        listener._wake_reader.close()
        listener._wake_writer.close()
    assert listener.waits[-1] == BackoffWait(30.0, "probe", answered=True)
    assert PROBE_INTERVAL <= 1.0 < BACKOFF_MAX
