"""No unread anchor (issue 12 item 7), with the real widgets against a real server: a conversation with unread
messages opens at the first of them under an "Unread messages" divider, nothing counted as read until the
reader gets to the end; a floating ↓ shows the unread count while scrolled up, a "↓ N new messages" pill
counts what arrives meanwhile, and Alt+End / Ctrl+End (or a click) go to the newest."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from desktop.models.roles import MessageRole
from desktop.models.unread_anchor import DIVIDER_TEXT
from desktop.views import palette_colors, unread_divider
from tests.desktop.history_seed import bulk_messages
from tests.desktop.pairs import signed_in_with_two_chats
from tests.desktop.test_connection_status import dark_palette, light_palette
from tests.desktop.test_drafts import click_conversation
from tests.support.api import PASSWORD, ApiClient, register

pytestmark = pytest.mark.slow
UNREAD = 50  # with Bob's other messages, within one person's send burst (60): no 429 to wait out


@pytest.fixture
def chats(live_server, desktop_client, qtbot):
    """Alice in front with the group open; Bob's 1:1 holds one read message and then UNREAD unread ones."""
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    window = alice.session.window
    window.resize(700, 600)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10000)
    click_conversation(qtbot, alice, direct)  # "hi Alice" is read here
    qtbot.waitUntil(lambda: alice.chat.conversations.get(direct).unread_count == 0, timeout=20000)
    click_conversation(qtbot, alice, group)
    for number in range(1, UNREAD + 1):
        assert bob.send(direct, f"unread {number}").status_code == 201
    qtbot.waitUntil(lambda: alice.chat.conversations.get(direct).unread_count == UNREAD, timeout=60000)
    yield alice, bob, direct, group
    bob.session.close()
    QApplication.setPalette(light_palette())


def top_row(view) -> int:
    return view.indexAt(QPoint(10, 2)).row()


def test_a_conversation_opens_at_its_first_unread_message_under_a_divider(chats, qtbot):
    alice, bob, direct, _ = chats
    view = alice.session.panel.messages
    jump = alice.session.panel.jump
    model = alice.chat.messages
    click_conversation(qtbot, alice, direct)

    row = model.first_unread_row()
    assert row is not None and model.index(row).data() == "unread 1"
    assert model.index(row).data(MessageRole.UNREAD_DIVIDER)
    assert not model.index(row + 1).data(MessageRole.UNREAD_DIVIDER)  # one divider only
    assert model.rowCount() >= UNREAD + 1  # every unread one is there to read, not only the newest page
    qtbot.waitUntil(lambda: top_row(view) == row, timeout=10000)  # the divider is on top of the view
    assert not view.is_at_bottom()
    geometry = view.bubble_delegate._geometry(view._option_for(model.index(row)), model.index(row))
    assert geometry.unread_rect is not None and geometry.unread_rect.top() < geometry.bubble.top()
    # Nothing was marked read by opening: the reader has not seen them yet.
    assert alice.chat.conversations.get(direct).unread_count == UNREAD
    assert jump.button.isVisible() and jump.badge.isVisible() and jump.badge.text() == f"{UNREAD}"
    assert not jump.pill.isVisible()

    bob.send(direct, "while you read")
    bob.send(direct, "and another")
    qtbot.waitUntil(lambda: jump.pill.isVisible(), timeout=20000)
    qtbot.waitUntil(lambda: jump.pill.text() == "↓ 2 new messages", timeout=20000)
    assert top_row(view) == row  # the reader stays where they are
    qtbot.waitUntil(lambda: jump.badge.text() == f"{UNREAD + 2}", timeout=20000)

    qtbot.keyClick(alice.session.panel.composer.edit, Qt.Key.Key_End, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.is_at_bottom, timeout=10000)
    assert not jump.button.isVisible() and not jump.pill.isVisible() and not jump.badge.isVisible()
    qtbot.waitUntil(lambda: alice.chat.conversations.get(direct).unread_count == 0, timeout=20000)
    assert model.index(row).data(MessageRole.UNREAD_DIVIDER)  # stays while the conversation is open


def test_the_pill_and_the_button_take_a_click_and_ctrl_end_works_in_the_list(chats, qtbot):
    alice, bob, direct, group = chats
    view = alice.session.panel.messages
    jump = alice.session.panel.jump
    click_conversation(qtbot, alice, direct)
    qtbot.waitUntil(jump.button.isVisible, timeout=10000)
    qtbot.mouseClick(jump.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.is_at_bottom, timeout=10000)
    qtbot.waitUntil(lambda: alice.chat.conversations.get(direct).unread_count == 0, timeout=20000)
    assert not jump.button.isVisible()

    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)  # the reader scrolls up
    qtbot.waitUntil(jump.button.isVisible, timeout=10000)
    assert not jump.badge.isVisible()  # nothing unread: the arrow alone
    bob.send(direct, "one more")
    qtbot.waitUntil(lambda: jump.pill.text() == "↓ 1 new message" and jump.pill.isVisible(), timeout=20000)
    qtbot.mouseClick(jump.pill, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.is_at_bottom, timeout=10000)
    assert not jump.pill.isVisible()

    view.verticalScrollBar().setValue(0)
    qtbot.waitUntil(jump.button.isVisible, timeout=10000)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(view.is_at_bottom, timeout=10000)

    # Read to the end: opened again, it opens at the newest, with no divider.
    click_conversation(qtbot, alice, group)
    click_conversation(qtbot, alice, direct)
    model = alice.chat.messages
    assert model.first_unread_row() is None
    assert not any(model.index(r).data(MessageRole.UNREAD_DIVIDER) for r in range(model.rowCount()))
    qtbot.waitUntil(view.is_at_bottom, timeout=10000)


@pytest.mark.parametrize("palette", [light_palette, dark_palette], ids=["light", "dark"])
def test_the_divider_and_the_pill_read_at_4_5_to_1(palette, qtbot):
    from desktop.views.jump_to_latest import JumpToLatest
    from desktop.views.message_list_view import MessageListView

    QApplication.setPalette(palette())
    try:
        band, text = unread_divider.colors(QApplication.palette())
        assert palette_colors.contrast_ratio(band, text) >= 4.5
        assert DIVIDER_TEXT == "Unread messages"
        view = MessageListView()
        qtbot.addWidget(view)
        jump = JumpToLatest(view, view)
        sheet = jump.pill.styleSheet()
        background = sheet.split("background: ")[1].split(";")[0]
        color = sheet.split("color: ")[1].split(";")[0]
        assert palette_colors.contrast_ratio(QColor(background), QColor(color)) >= 4.5
    finally:
        QApplication.setPalette(light_palette())


def test_a_conversation_never_opened_on_this_device_opens_at_its_first_unread_too(
    live_server, desktop_client, qtbot
):
    """Nothing cached yet (a new device): the first page comes from the server and the view goes to the
    divider when it arrives, before anything is marked read."""
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    alice_api = ApiClient(live_server.url, "alice", register_first=False)
    bob = ApiClient(live_server.url, "bob", register_first=False)
    try:
        direct = bob.direct_with(alice_api)
        for number in range(1, 4):
            bob.send(direct, f"read {number}")
        assert alice_api.post(f"/conversations/{direct}/read", {"seq": 3}).status_code == 200
        for number in range(1, 51):
            assert bob.send(direct, f"new {number}").status_code == 201
        alice = desktop_client("alice", live_server.url)
        alice.sign_in("alice", PASSWORD)
        alice.wait_online()
        window = alice.session.window
        window.resize(700, 600)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=10000)
        qtbot.waitUntil(lambda: alice.chat.conversations.get(direct) is not None, timeout=20000)
        assert alice.chat.state.history.oldest_seq(direct) is None  # never cached
        click_conversation(qtbot, alice, direct)
        model, view = alice.chat.messages, alice.session.panel.messages
        qtbot.waitUntil(lambda: model.first_unread_row() is not None, timeout=20000)
        row = model.first_unread_row()
        assert model.index(row).data() == "new 1"  # the whole unread run came in the first page
        qtbot.waitUntil(lambda: top_row(view) == row, timeout=10000)
        assert not view.is_at_bottom()
        assert alice.chat.conversations.get(direct).unread_count == 50
        assert alice.session.panel.jump.badge.text() == "50"
    finally:
        bob.session.close()
        alice_api.session.close()


def test_three_thousand_unread_open_at_the_first_of_them(live_server, database_url, desktop_client, qtbot):
    """More unread than a window of rows holds: the conversation opens at the first unread all the same (a
    window there, as a jump makes), under the divider, and nothing is read by opening it."""
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    alice_api = ApiClient(live_server.url, "alice", register_first=False)
    try:
        direct = bob.direct_with(alice_api)
        bulk_messages(database_url, direct, bob.id, 3000)
        alice = desktop_client("alice", live_server.url)
        alice.sign_in("alice", PASSWORD)
        alice.wait_online()
        qtbot.waitUntil(lambda: alice.chat.conversations.get(direct) is not None, timeout=30000)
        assert alice.chat.conversations.get(direct).unread_count == 3000
        alice.chat.open_conversation(direct)
        model, view = alice.chat.messages, alice.session.panel.messages
        qtbot.waitUntil(lambda: model.row_of_seq(1) is not None, timeout=30000)
        assert model.index(model.row_of_seq(1)).data(MessageRole.UNREAD_DIVIDER)
        assert not model.at_newest and not view.is_at_bottom()
        qtbot.waitUntil(
            lambda: view.visualRect(model.index(model.row_of_seq(1))).intersects(view.viewport().rect()),
            timeout=10000,
        )
        assert alice.chat.conversations.get(direct).unread_count == 3000
    finally:
        bob.session.close()
        alice_api.session.close()
