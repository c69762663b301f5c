"""Pins in the desktop client against a real server: Pin and Unpin in the message menu, the pinned bar under
the header (live when someone else pins, "Pinned message 2 of 2", the latest first), and a click or Enter on
it jumping to the pin shown while it moves on to the next; the cached pins show at once when a chat opens
(offline too), then the server's answer replaces them and fills the cache."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.desktop.history_seed import bulk_messages
from tests.desktop.pairs import signed_in_with_two_chats
from tests.support.api import PASSWORD, ApiClient, register


def _menu_action(handle, seq: int, text: str):
    view = handle.session.panel.messages
    menu = view.build_context_menu(handle.chat.messages.index(handle.chat.messages.row_of_seq(seq), 0))
    return next((a for a in menu.actions() if a.text() == text), None)


def _server_pins(api, conversation_id: int) -> list[int]:
    return [m["seq"] for m in api.get(f"/conversations/{conversation_id}/pins").json()["pins"]]


def test_pin_from_the_menu_the_bar_cycles_and_jumps(live_server, desktop_client, qtbot):
    alice, bob, _direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    for text in ("meet at 9", "bring a helmet"):
        assert bob.send(group, text).status_code == 201
    alice.chat.open_conversation(group)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(3) is not None, timeout=30000)
    bar = alice.session.panel.pinned_bar
    assert not bar.isVisible()  # nothing pinned

    pin = _menu_action(alice, 2, "Pin")
    assert pin is not None
    pin.trigger()
    qtbot.waitUntil(bar.isVisible, timeout=30000)
    assert (bar.title.text(), bar.snippet.text()) == ("Pinned message", "meet at 9")
    assert _server_pins(bob, group) == [2]
    qtbot.waitUntil(lambda: _menu_action(alice, 2, "Unpin") is not None, timeout=10000)

    assert bob.session.put(f"{bob.url}/api/v1/conversations/{group}/messages/3/pin", timeout=10).ok
    qtbot.waitUntil(lambda: bar.title.text() == "Pinned message 2 of 2", timeout=30000)  # live, latest
    assert bar.snippet.text() == "bring a helmet"

    model = alice.chat.messages
    with qtbot.waitSignal(model.window_moved, timeout=30000) as moved:
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton)
    assert moved.args == [3]
    assert (bar.title.text(), bar.snippet.text()) == ("Pinned message 1 of 2", "meet at 9")
    bar.setFocus()
    with qtbot.waitSignal(model.window_moved, timeout=30000) as moved:
        qtbot.keyClick(bar, Qt.Key.Key_Return)
    assert moved.args == [2]
    assert bar.title.text() == "Pinned message 2 of 2"  # round again

    unpin = _menu_action(alice, 3, "Unpin")
    assert unpin is not None
    unpin.trigger()
    qtbot.waitUntil(lambda: bar.title.text() == "Pinned message", timeout=30000)
    assert bar.snippet.text() == "meet at 9" and _server_pins(bob, group) == [2]
    assert bob.session.delete(f"{bob.url}/api/v1/conversations/{group}/messages/2", timeout=10).ok
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=30000)  # a deletion unpins
    bob.session.close()


def test_a_refused_pin_says_why(live_server, desktop_client, qtbot):
    alice, bob, _direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(group)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(1) is not None, timeout=30000)
    with qtbot.waitSignal(alice.chat.error, timeout=30000) as said:
        alice.chat.pins.set_pinned(99, True)  # no such message: 404
    assert said.args[0]
    assert not alice.session.panel.pinned_bar.isVisible()
    bob.session.close()


def _pin(api, conversation_id: int, seq: int, pinned: bool = True) -> None:
    url = f"{api.url}/api/v1/conversations/{conversation_id}/messages/{seq}/pin"
    assert (api.session.put if pinned else api.session.delete)(url, timeout=10).ok


def _shown_pins(handle) -> list[int]:
    return [p.confirmed_seq for p in handle.chat.pins.pins]


def _cached_pins(handle, conversation_id: int) -> list[int]:
    return [m.confirmed_seq for m in handle.chat.state.history.pinned_messages(conversation_id)]


def test_the_cached_pins_show_at_once_then_the_servers_answer_replaces_them(
    live_server, database_url, desktop_client, qtbot
):
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    alice_api = ApiClient(live_server.url, "alice", register_first=False)
    direct = bob.direct_with(alice_api)
    bulk_messages(database_url, direct, bob.id, 120)
    assert alice_api.post(f"/conversations/{direct}/read", {"seq": 120}).status_code == 200
    for seq in (1, 110, 120):  # 1: far back, never loaded here
        _pin(bob, direct, seq)
    alice = desktop_client("alice", live_server.url)
    alice.sign_in("alice", PASSWORD)
    alice.wait_online()
    qtbot.waitUntil(lambda: alice.chat.conversations.get(direct) is not None, timeout=30000)
    alice.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: _shown_pins(alice) == [120, 110, 1], timeout=30000)  # the latest pin first
    qtbot.waitUntil(lambda: _cached_pins(alice, direct) == [120, 110], timeout=30000)  # what is held
    pinned = alice.chat.state.history.message(direct, 110)
    assert pinned.pinned_by == bob.id and pinned.pinned_at is not None

    bar = alice.session.panel.pinned_bar
    alice.chat.close_conversation()
    alice.chat.open_conversation(direct)  # no answer can have come yet: the Qt loop has not run
    assert _shown_pins(alice) == [120, 110] and bar.title.text() == "Pinned message 2 of 2"
    qtbot.waitUntil(lambda: _shown_pins(alice) == [120, 110, 1], timeout=30000)
    assert bar.title.text() == "Pinned message 3 of 3"

    # A cache migrated from schema 7 knows no pins: the bar waits for the answer, which fills the cache.
    alice.chat.close_conversation()
    alice.chat.state.history.db.execute("UPDATE messages SET pinned_at = NULL, pinned_by = NULL")
    alice.chat.open_conversation(direct)
    assert _shown_pins(alice) == [] and not bar.isVisible()
    qtbot.waitUntil(lambda: _shown_pins(alice) == [120, 110, 1], timeout=30000)
    assert _cached_pins(alice, direct) == [120, 110]

    _pin(bob, direct, 110, pinned=False)  # live: the held message's state, then the bar
    qtbot.waitUntil(lambda: _shown_pins(alice) == [120, 1], timeout=30000)
    assert _cached_pins(alice, direct) == [120]

    alice.close()  # and after a restart, from the cache before anything is asked
    again = desktop_client("alice", live_server.url)
    again.app.start()
    qtbot.waitUntil(lambda: again.app.chat_session is not None, timeout=30000)
    again.chat.open_conversation(direct)
    assert _shown_pins(again) == [120]
    qtbot.waitUntil(lambda: _shown_pins(again) == [120, 1], timeout=30000)
    bob.session.close()
    alice_api.session.close()
