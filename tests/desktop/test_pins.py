"""Pins in the desktop client against a real server: Pin and Unpin in the message menu, the pinned bar under
the header (live when someone else pins, "Pinned message 2 of 2", the latest first), and a click or Enter on
it jumping to the pin shown while it moves on to the next."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.desktop.pairs import signed_in_with_two_chats


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
