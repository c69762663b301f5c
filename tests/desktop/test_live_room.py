"""Real clients on a real server: typing, "seen", presence and idleness, badges across one user's devices,
new names and profile pictures."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from desktop.models.roles import ConversationRole, MessageRole
from tests.support.api import PASSWORD, register

pytestmark = pytest.mark.slow


def header(client) -> str:
    return client.session.panel.subtitle_label.text()


def row_of(client, conversation_id: int):
    model = client.chat.conversation_list
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(ConversationRole.ID) == conversation_id:
            return index
    raise AssertionError(f"no row for conversation {conversation_id}")


def my_message_row(client, text: str) -> int | None:
    model = client.chat.messages
    for row in range(model.rowCount()):
        if model.index(row).data() == text:
            return row
    return None


def seen_of(client, text: str) -> str | None:
    row = my_message_row(client, text)
    return None if row is None else client.chat.messages.index(row).data(MessageRole.SEEN)


def test_typing_shows_in_the_header_and_the_row_until_the_message_arrives(pair, qtbot):
    alice, bob, conversation_id = pair
    frames: list[dict] = []
    original = bob.chat.room.listener.send_frame
    bob.chat.room.listener.send_frame = lambda frame: (frames.append(frame), original(frame))

    qtbot.keyClicks(bob.session.panel.composer.edit, "Hello the")
    qtbot.waitUntil(lambda: header(alice) == "Bob is typing…", timeout=20000)
    assert row_of(alice, conversation_id).data(ConversationRole.TYPING) == "Bob is typing…"
    assert alice.session.panel.subtitle_label.font().italic()
    typing_frames = [f for f in frames if f["type"] == "typing"]
    assert typing_frames == [{"type": "typing", "conversation_id": conversation_id}]  # 9 keys, one frame

    qtbot.keyClick(bob.session.panel.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: row_of(alice, conversation_id).data(ConversationRole.TYPING) == "", timeout=20000)
    assert header(alice) in ("online", "@bob")
    assert row_of(alice, conversation_id).data(ConversationRole.PREVIEW) == "Hello the"
    assert not alice.session.panel.subtitle_label.font().italic()


def test_seen_follows_the_other_clients_reading(pair, qtbot):
    alice, bob, conversation_id = pair
    bob.chat.close_conversation()  # Bob looks elsewhere: Alice's message stays unread
    alice.session.panel.composer.edit.setPlainText("Did you see this?")
    qtbot.keyClick(alice.session.panel.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bob.chat.conversations.get(conversation_id).unread_count == 1, timeout=20000)
    qtbot.waitUntil(lambda: seen_of(alice, "Did you see this?") == "", timeout=20000)  # sent, not seen

    bob.chat.open_conversation(conversation_id)
    bob.chat.set_viewing(True)
    qtbot.waitUntil(lambda: seen_of(alice, "Did you see this?") == "seen", timeout=20000)
    assert bob.chat.conversations.get(conversation_id).unread_count == 0


def test_presence_online_then_last_seen_when_they_leave(pair, qtbot):
    alice, bob, conversation_id = pair
    qtbot.waitUntil(lambda: header(alice) == "online", timeout=20000)
    assert alice.session.panel.presence_dot.isVisibleTo(alice.session.panel)
    assert row_of(alice, conversation_id).data(ConversationRole.PRESENCE) == "online"

    bob.close()
    qtbot.waitUntil(lambda: header(alice).startswith("last seen "), timeout=20000)  # "today at", bar midnight
    assert not alice.session.panel.presence_dot.isVisibleTo(alice.session.panel)
    assert row_of(alice, conversation_id).data(ConversationRole.PRESENCE) == "offline"


def test_idle_for_a_while_is_away_and_input_brings_them_back(pair, qtbot):
    alice, bob, _ = pair
    qtbot.waitUntil(lambda: header(alice) == "online", timeout=20000)
    alice.session.idle_watcher.set_idle_after(0)  # Alice's hand (but not Bob's) leaves the keyboard
    bob.session.idle_watcher.set_idle_after(10 * 60 * 1000)
    qtbot.waitUntil(lambda: header(bob) == "away", timeout=20000)
    assert alice.chat.room.idle

    alice.session.idle_watcher.set_idle_after(10 * 60 * 1000)

    qtbot.mouseClick(alice.session.panel.composer.edit, Qt.MouseButton.LeftButton)  # any input in her app
    qtbot.waitUntil(lambda: header(bob) == "online", timeout=20000)


def test_reading_on_one_device_clears_the_badge_on_the_other(live_server, desktop_client, qtbot):
    register(live_server.url, "alice", display_name="Alice")
    bob_user = register(live_server.url, "bob", display_name="Bob")
    laptop = desktop_client("alice-laptop", live_server.url)
    desk = desktop_client("alice-desk", live_server.url)
    bob = desktop_client("bob", live_server.url)
    for client, name in ((laptop, "alice"), (desk, "alice"), (bob, "bob")):
        client.sign_in(name, PASSWORD)
        client.wait_online()
    laptop.chat.start_direct(bob_user["id"])
    qtbot.waitUntil(lambda: laptop.chat.state.open_conversation_id is not None, timeout=20000)
    conversation_id = laptop.chat.state.open_conversation_id
    laptop.chat.close_conversation()
    qtbot.waitUntil(lambda: bob.chat.conversations.get(conversation_id) is not None, timeout=20000)
    qtbot.waitUntil(lambda: desk.chat.conversations.get(conversation_id) is not None, timeout=20000)

    bob.chat.open_conversation(conversation_id)
    for text in ("one", "two"):
        bob.chat.send_text(text)
    for client in (laptop, desk):
        qtbot.waitUntil(
            lambda c=client: c.chat.conversations.get(conversation_id).unread_count == 2, timeout=20000
        )
    assert desk.session.window.windowTitle() == "(2) ChatIDK"

    laptop.chat.open_conversation(conversation_id)
    laptop.chat.set_viewing(True)
    qtbot.waitUntil(lambda: desk.chat.conversations.get(conversation_id).unread_count == 0, timeout=20000)
    assert desk.session.window.windowTitle() == "ChatIDK"
    assert row_of(desk, conversation_id).data(ConversationRole.UNREAD) == 0
    # and Bob's two messages now read "seen" for him
    qtbot.waitUntil(lambda: seen_of(bob, "two") == "seen", timeout=20000)
    assert seen_of(bob, "one") == "seen"


def message_row(client, text: str) -> int:
    row = my_message_row(client, text)  # any sender's: it matches on the text alone
    assert row is not None, f"no message {text!r}"
    return row


def test_a_new_name_and_picture_reach_contacts_and_my_other_device_live(
    live_server, desktop_client, qtbot, tmp_path
):
    register(live_server.url, "alice", display_name="Alice")
    bob_user = register(live_server.url, "bob", display_name="Bob")
    laptop = desktop_client("alice-laptop", live_server.url)
    desk = desktop_client("alice-desk", live_server.url)
    bob = desktop_client("bob", live_server.url)
    for client, name in ((laptop, "alice"), (desk, "alice"), (bob, "bob")):
        client.sign_in(name, PASSWORD)
        client.wait_online()
    alice_id = laptop.chat.my_id
    laptop.chat.start_direct(bob_user["id"])
    qtbot.waitUntil(lambda: laptop.chat.state.open_conversation_id is not None, timeout=20000)
    direct_id = laptop.chat.state.open_conversation_id
    laptop.chat.create_group("Climbing", [bob_user["id"]])
    qtbot.waitUntil(lambda: laptop.chat.state.open_conversation_id not in (None, direct_id), timeout=20000)
    group_id = laptop.chat.state.open_conversation_id
    laptop.chat.send_text("hi all")
    qtbot.waitUntil(lambda: bob.chat.conversations.get(group_id) is not None, timeout=20000)
    qtbot.waitUntil(lambda: bob.chat.conversations.get(direct_id) is not None, timeout=20000)
    bob.chat.open_conversation(group_id)
    qtbot.waitUntil(lambda: my_message_row(bob, "hi all") is not None, timeout=20000)
    sender_name = lambda: bob.chat.messages.index(message_row(bob, "hi all")).data(MessageRole.SENDER_NAME)  # noqa: E731
    assert sender_name() == "Alice"

    laptop.chat.update_profile(display_name="Alice Liddell")
    qtbot.waitUntil(lambda: sender_name() == "Alice Liddell", timeout=20000)  # the group's bubbles
    qtbot.waitUntil(lambda: row_of(bob, direct_id).data() == "Alice Liddell", timeout=20000)  # the list
    bob.chat.open_conversation(direct_id)
    assert bob.session.panel.title_label.text() == "Alice Liddell"  # the header
    qtbot.waitUntil(lambda: desk.session.window.account_button.text() == "Alice Liddell", timeout=20000)

    picture = QImage(120, 80, QImage.Format.Format_RGB32)
    picture.fill(QColor("#3b82f6"))
    assert picture.save(str(tmp_path / "me.png"))
    # The name change's own echo may still come in first: wait for the profile that has the picture.
    with qtbot.waitSignal(
        laptop.chat.profile_changed, timeout=20000, check_params_cb=lambda user: bool(user.get("avatar"))
    ) as changed:
        laptop.session.files.set_profile_picture(tmp_path / "me.png")
    version = changed.args[0]["avatar"]
    assert version
    qtbot.waitUntil(lambda: desk.chat.user.get("avatar") == version, timeout=20000)
    member = lambda: bob.chat.conversations.get(direct_id).other_member(bob.chat.my_id)  # noqa: E731
    qtbot.waitUntil(lambda: member().avatar == version, timeout=20000)
    files = bob.session.files
    qtbot.waitUntil(  # fetched by (id, version) once painted, then the header shows it
        lambda: files._conversation_picture(bob.chat.conversations.get(direct_id)) is not None, timeout=20000
    )
    group_member = next(m for m in bob.chat.conversations.get(group_id).members if m.user_id == alice_id)
    assert group_member.avatar == version and group_member.display_name == "Alice Liddell"
    assert bob.session.panel.avatar_label.isVisibleTo(bob.session.panel)
    cached = next(c for c in bob.chat.state.history.conversations() if c.id == direct_id)
    assert cached.other_member(bob.chat.my_id).display_name == "Alice Liddell"  # for the next start too
    assert cached.other_member(bob.chat.my_id).avatar == version
